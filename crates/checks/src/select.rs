//! 07/02 select: a batcher that waits on its data, its control channel and
//! a timer at once.
//!
//! The check plays a script against it in real time (values, a flush, a
//! shutdown; then a second run where the data channel closes) and records
//! every batch it sends and when. It proves: the batches are exactly the
//! expected ones, each within 50 ms of when it was due (a full batch at
//! once, a partial one `max_wait` after its *first* value, a flush or a
//! shutdown at once); the batcher returns within 50 ms of a shutdown or of
//! its input closing; and it sleeps while it waits (CPU time well under
//! the wall time: no polling loop).

use std::time::{Duration, Instant};

use crossbeam::channel::{Receiver, Sender, bounded, unbounded};
use measured::batching::Control;
use measured::clock::process_cpu_time;
use verdict::{Evidence, Report};

use crate::harness::ms;
use crate::processes::{Watched, watch};

/// The exercise's short name.
pub const NAME: &str = "select";
/// Values per full batch.
pub const SIZE: usize = 4;
/// The longest a value may wait in a partial batch.
pub const MAX_WAIT: Duration = Duration::from_millis(100);
/// How late a batch or the return may be.
pub const SLACK: Duration = Duration::from_millis(50);
/// The most CPU the batcher may use, as a share of the wall time.
pub const MAX_BUSY: f64 = 0.25;
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(3);
/// A script that fell this far behind its schedule (a busy machine) is
/// played again, up to [`ATTEMPTS`] times.
pub const DISTURBED: Duration = Duration::from_millis(15);
/// How many times a disturbed script is played.
pub const ATTEMPTS: usize = 3;

const POLLING: &str = "Your batcher keeps a core busy while nothing happens: a loop of `try_recv` calls polls instead of waiting. `select!` (or `recv_timeout`) puts the thread to sleep until a message or the deadline comes.";

/// The learner's batcher.
pub trait BatcherFn:
    Fn(Receiver<u32>, Receiver<Control>, Sender<Vec<u32>>, usize, Duration)
    + Send
    + Sync
    + Clone
    + 'static
{
}
impl<F> BatcherFn for F where
    F: Fn(Receiver<u32>, Receiver<Control>, Sender<Vec<u32>>, usize, Duration)
        + Send
        + Sync
        + Clone
        + 'static
{
}

/// Checks a `batcher` and writes the report.
pub fn main(batcher: impl BatcherFn) {
    crate::main(NAME, || check(batcher));
}

/// One step of a script, at a time from its start.
#[derive(Debug, Clone)]
enum Step {
    Send(Vec<u32>),
    Control(Control),
    CloseData,
}

/// What a run saw: each batch and when (from the start), when the batcher
/// returned, and the CPU time used.
struct Seen {
    batches: Vec<(Duration, Vec<u32>)>,
    /// How far behind its schedule the script fell.
    late: Duration,
    returned: Option<Duration>,
    cpu: Duration,
    wall: Duration,
}

fn play(batcher: impl BatcherFn, script: Vec<(u64, Step)>) -> Watched<Seen> {
    watch(LIMIT, move || {
        let (data_tx, data_rx) = unbounded();
        let (control_tx, control_rx) = unbounded();
        let (out_tx, out_rx) = bounded::<Vec<u32>>(16);
        let cpu = process_cpu_time();
        let start = Instant::now();
        let running = std::thread::spawn(move || {
            batcher(data_rx, control_rx, out_tx, SIZE, MAX_WAIT);
            start.elapsed()
        });
        let recorder = std::thread::spawn(move || {
            let mut batches = Vec::new();
            for batch in out_rx {
                batches.push((start.elapsed(), batch));
            }
            batches
        });
        let mut data_tx = Some(data_tx);
        let mut late = Duration::ZERO;
        for (at, step) in script {
            let due = start + Duration::from_millis(at);
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
            match step {
                Step::Send(values) => {
                    for v in values {
                        if let Some(tx) = &data_tx {
                            let _ = tx.send(v);
                        }
                    }
                }
                Step::Control(c) => {
                    let _ = control_tx.send(c);
                }
                Step::CloseData => drop(data_tx.take()),
            }
            late = late.max(Instant::now().saturating_duration_since(due));
        }
        let returned = running.join();
        let batches = recorder.join().unwrap_or_default();
        // A panic in the batcher (a `todo!()` above all) is the learner's:
        // pass it on, so the harness reports it as everywhere else.
        let returned = match returned {
            Ok(at) => Some(at),
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let wall = start.elapsed();
        drop(control_tx);
        Seen {
            batches,
            late,
            returned,
            cpu: process_cpu_time().saturating_sub(cpu),
            wall,
        }
    })
}

/// Checks a `batcher`.
pub fn check(batcher: impl BatcherFn) -> Report {
    let report = Report::new(NAME);
    // Run 1: full batch, a partial one on the timer (a second value must not
    // restart it), a flush, a shutdown.
    let first = vec![
        (0, Step::Send(vec![1, 2, 3, 4])),
        (20, Step::Send(vec![5])),
        (80, Step::Send(vec![6])),
        (200, Step::Send(vec![7, 8])),
        (230, Step::Control(Control::Flush)),
        (260, Step::Send(vec![9])),
        (280, Step::Control(Control::Shutdown)),
    ];
    let first_want: Vec<(u64, Vec<u32>, &str)> = vec![
        (0, vec![1, 2, 3, 4], "full"),
        (
            120,
            vec![5, 6],
            "timer: 100 ms after its first value, 5, arrived at 20 ms",
        ),
        (230, vec![7, 8], "flush"),
        (280, vec![9], "shutdown"),
    ];
    // Run 2: the data channel closes.
    let second = vec![(0, Step::Send(vec![10, 11])), (30, Step::CloseData)];
    let second_want: Vec<(u64, Vec<u32>, &str)> = vec![(30, vec![10, 11], "input closed")];

    let mut busiest = 0.0f64;
    for (run, (script, want, end_at, what)) in [
        (first, first_want, 280u64, "the shutdown"),
        (second, second_want, 30, "the input closing"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut played = None;
        for _ in 0..ATTEMPTS {
            let attempt = play(batcher.clone(), script.clone());
            let disturbed = matches!(&attempt, Watched::Returned(s) if s.late > DISTURBED);
            played = Some(attempt);
            if !disturbed {
                break;
            }
        }
        let seen = match played.expect("at least one attempt") {
            Watched::Returned(seen) if seen.late > DISTURBED => {
                let busy = seen.cpu.as_secs_f64() / seen.wall.as_secs_f64().max(1e-9);
                if busy > MAX_BUSY {
                    return report
                        .with(Evidence::fail("sleeps while waiting", format!("while waiting, the process used {:.0}% of one core (at most {:.0}%)", busy * 100.0, MAX_BUSY * 100.0)))
                        .diagnose(POLLING);
                }
                return report.with(Evidence::inconclusive(
                    "on time",
                    format!(
                        "the machine is too busy to play the script on time: it fell {} behind in {ATTEMPTS} attempts; run again when it is quieter",
                        ms(seen.late)
                    ),
                ));
            }
            Watched::Returned(seen) => seen,
            Watched::TimedOut { .. } => {
                return report
                    .with(Evidence::fail(
                        "correct",
                        format!("run {}: the batcher had not returned {} s after {what}", run + 1, LIMIT.as_secs()),
                    ))
                    .diagnose(format!(
                        "Your batcher never returned after {what}. On `Control::Shutdown`, send what is left and return; when `data` is closed (`recv` gives `Err`), do the same. A blocking `for v in data` loop cannot see the control channel: wait on both with `crossbeam::channel::select!`."
                    ));
            }
        };
        let got: Vec<Vec<u32>> = seen.batches.iter().map(|b| b.1.clone()).collect();
        let expected: Vec<Vec<u32>> = want.iter().map(|w| w.1.clone()).collect();
        if got != expected {
            let cause = if got.iter().any(Vec::is_empty) {
                "An empty batch was sent: send a batch only when it has values (the timer runs only while a batch is open)."
            } else if got.concat() != expected.concat() {
                "Values were lost or repeated: every value goes into exactly one batch, in order, and what is left goes out at a shutdown or when the input closes."
            } else {
                "The values were cut into batches at the wrong moments: a batch goes out when it has `size` values, when `max_wait` has passed since its *first* value (not its last), on `Flush`, or at the end, whichever comes first. A loop that blocks on `data` alone sees the commands and the clock only when a value arrives: wait on all three at once with `crossbeam::channel::select!`."
            };
            return report
                .with(Evidence::fail(
                    "correct",
                    format!("run {}: batches {got:?}, expected {expected:?}", run + 1),
                ))
                .diagnose(cause);
        }
        for ((at, batch), (due, _, why)) in seen.batches.iter().zip(&want) {
            let due = Duration::from_millis(*due);
            if *at > due + SLACK || *at + Duration::from_millis(5) < due {
                return report
                    .with(Evidence::fail(
                        "on time",
                        format!(
                            "run {}: batch {batch:?} ({why}) came at {}, due at {}",
                            run + 1,
                            ms(*at),
                            ms(due)
                        ),
                    ))
                    .diagnose(match *why {
                        "flush" | "shutdown" => "A command waited until the next value arrived: `recv` on the data channel alone blocks, and cannot see the control channel. Wait on both (and the timer) in one `crossbeam::channel::select!`.",
                        w if w.starts_with("timer") => "The partial batch went out at the wrong time: note the deadline when the batch's *first* value arrives (`Instant::now() + max_wait`) and wait on `crossbeam::channel::at(deadline)`; do not restart it on every value, and do not wait for a value to come before checking it.",
                        _ => "A batch came at the wrong time: it is due as soon as it is full, flushed or closed.",
                    });
            }
        }
        let end = Duration::from_millis(end_at);
        match seen.returned {
            Some(r) if r <= end + SLACK => {}
            Some(r) => {
                return report
                    .with(Evidence::fail(
                        "on time",
                        format!(
                            "run {}: returned at {}, {} after {what}",
                            run + 1,
                            ms(r),
                            ms(r.saturating_sub(end))
                        ),
                    ))
                    .diagnose(format!(
                        "Return as soon as {what} is seen: at most {} later.",
                        ms(SLACK)
                    ));
            }
            None => {
                return report
                    .with(Evidence::fail("correct", format!("run {}: the batcher panicked", run + 1)))
                    .diagnose("Your batcher panicked: read the message above. `send` fails only if the receiver is gone, and `recv` on a closed channel gives `Err`: handle both.");
            }
        }
        busiest = busiest.max(seen.cpu.as_secs_f64() / seen.wall.as_secs_f64().max(1e-9));
    }
    let mut report = report
        .with(Evidence::pass(
            "correct",
            "every batch as expected: full, on the timer, flushed, at shutdown, and when the input closed",
        ))
        .with(Evidence::pass(
            "on time",
            format!(
                "each batch within {} of when it was due; returned within {} of a shutdown and of the input closing",
                ms(SLACK),
                ms(SLACK)
            ),
        ));
    let line = format!(
        "while waiting, the process used {:.0}% of one core (at most {:.0}%)",
        busiest * 100.0,
        MAX_BUSY * 100.0
    );
    if busiest > MAX_BUSY {
        report.push(Evidence::fail("sleeps while waiting", line));
        return report.diagnose(POLLING);
    }
    report.push(Evidence::pass("sleeps while waiting", line));
    report
}
