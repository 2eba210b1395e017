//! 07/02 select: a batcher that waits on its data, its control channel and
//! a timer at once.
//!
//! The check plays scripts against it in real time (values, a flush, a
//! shutdown; a second run where the data channel closes; a third with a
//! flush and a shutdown that have nothing to send and a value after a
//! flush) and records every batch it sends and when. What was recorded is
//! judged by pure functions, unit-tested on both sides of every limit.
//!
//! It proves: the batches are exactly the expected ones (no empty batch),
//! each within 50 ms of when it was due (a full batch at once, a partial
//! one `max_wait` after its *first* value, a flush or a shutdown at once);
//! the batcher returns within 50 ms of a shutdown or of its input closing;
//! and it sleeps while it waits (CPU time well under the wall time: no
//! polling loop).

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

/// A batch the script expects: when it is due (ms from the start), its
/// values, and why it is due.
type Want = (u64, Vec<u32>, &'static str);

/// A script, the batches it must give, when the batcher must return (ms)
/// and what it returns on.
type Script = (Vec<(u64, Step)>, Vec<Want>, u64, &'static str);

/// The scripts the batcher is played.
fn scripts() -> Vec<Script> {
    vec![
        // Run 1: full batch, a partial one on the timer (a second value must
        // not restart it), a flush, a shutdown.
        (
            vec![
                (0, Step::Send(vec![1, 2, 3, 4])),
                (20, Step::Send(vec![5])),
                (80, Step::Send(vec![6])),
                (200, Step::Send(vec![7, 8])),
                (230, Step::Control(Control::Flush)),
                (260, Step::Send(vec![9])),
                (280, Step::Control(Control::Shutdown)),
            ],
            vec![
                (0, vec![1, 2, 3, 4], "full"),
                (
                    120,
                    vec![5, 6],
                    "timer: 100 ms after its first value, 5, arrived at 20 ms",
                ),
                (230, vec![7, 8], "flush"),
                (280, vec![9], "shutdown"),
            ],
            280,
            "the shutdown",
        ),
        // Run 2: the data channel closes.
        (
            vec![(0, Step::Send(vec![10, 11])), (30, Step::CloseData)],
            vec![(30, vec![10, 11], "input closed")],
            30,
            "the input closing",
        ),
        // Run 3: both sides of what run 1 only saw one side of. A flush with
        // values, then one with none (no batch); a value after a flush gets
        // a deadline of its own (not the flushed batch's, 100 ms); a
        // shutdown with nothing left (no batch).
        (
            vec![
                (0, Step::Send(vec![12])),
                (30, Step::Control(Control::Flush)),
                (40, Step::Control(Control::Flush)),
                (60, Step::Send(vec![13])),
                (200, Step::Control(Control::Shutdown)),
            ],
            vec![
                (30, vec![12], "flush"),
                (
                    160,
                    vec![13],
                    "timer: 100 ms after its first value, 13, arrived at 60 ms (after a flush)",
                ),
            ],
            200,
            "the shutdown",
        ),
    ]
}

/// A failed judgement: the evidence and the likely cause.
type Judged = (Evidence, String);

/// The judge of one played run, on what was recorded: the batches and when
/// they came, when the batcher returned (None: it panicked), against the
/// batches wanted and when it should have returned.
fn judge_run(
    run: usize,
    batches: &[(Duration, Vec<u32>)],
    returned: Option<Duration>,
    want: &[Want],
    end_at: u64,
    what: &str,
) -> Result<(), Judged> {
    let got: Vec<Vec<u32>> = batches.iter().map(|b| b.1.clone()).collect();
    let expected: Vec<Vec<u32>> = want.iter().map(|w| w.1.clone()).collect();
    if got != expected {
        let cause = if got.iter().any(Vec::is_empty) {
            "An empty batch was sent: send a batch only when it has values (a flush or a shutdown with nothing collected sends nothing; the timer runs only while a batch is open)."
        } else if got.concat() != expected.concat() {
            "Values were lost or repeated: every value goes into exactly one batch, in order, and what is left goes out at a shutdown or when the input closes."
        } else {
            "The values were cut into batches at the wrong moments: a batch goes out when it has `size` values, when `max_wait` has passed since its *first* value (not its last), on `Flush`, or at the end, whichever comes first. A loop that blocks on `data` alone sees the commands and the clock only when a value arrives: wait on all three at once with `crossbeam::channel::select!`."
        };
        return Err((
            Evidence::fail(
                "correct",
                format!("run {run}: batches {got:?}, expected {expected:?}"),
            ),
            cause.to_owned(),
        ));
    }
    for ((at, batch), (due, _, why)) in batches.iter().zip(want) {
        let due = Duration::from_millis(*due);
        if *at > due + SLACK || *at + EARLY < due {
            return Err((
                Evidence::fail(
                    "on time",
                    format!(
                        "run {run}: batch {batch:?} ({why}) came at {}, due at {}",
                        ms(*at),
                        ms(due)
                    ),
                ),
                match *why {
                    "flush" | "shutdown" => "A command waited until the next value arrived: `recv` on the data channel alone blocks, and cannot see the control channel. Wait on both (and the timer) in one `crossbeam::channel::select!`.",
                    w if w.contains("after a flush") => "The batch after a flush went out at the flushed batch's deadline: a flush closes the batch, and its deadline with it. Clear the deadline whenever a batch is sent, however it was sent.",
                    w if w.starts_with("timer") => "The partial batch went out at the wrong time: note the deadline when the batch's *first* value arrives (`Instant::now() + max_wait`) and wait on `crossbeam::channel::at(deadline)`; do not restart it on every value, and do not wait for a value to come before checking it.",
                    _ => "A batch came at the wrong time: it is due as soon as it is full, flushed or closed.",
                }
                .to_owned(),
            ));
        }
    }
    let end = Duration::from_millis(end_at);
    match returned {
        Some(r) if r <= end + SLACK => Ok(()),
        Some(r) => Err((
            Evidence::fail(
                "on time",
                format!(
                    "run {run}: returned at {}, {} after {what}",
                    ms(r),
                    ms(r.saturating_sub(end))
                ),
            ),
            format!(
                "Return as soon as {what} is seen: at most {} later.",
                ms(SLACK)
            ),
        )),
        None => Err((
            Evidence::fail("correct", format!("run {run}: the batcher panicked")),
            "Your batcher panicked: read the message above. `send` fails only if the receiver is gone, and `recv` on a closed channel gives `Err`: handle both.".to_owned(),
        )),
    }
}

/// How much earlier than due a batch may come: the script's own steps are
/// a few milliseconds late at worst, never early, so earlier than this is
/// the batcher's doing.
const EARLY: Duration = Duration::from_millis(5);

/// The judge of waiting: CPU time over wall time of the busiest run.
fn judge_busy(busiest: f64) -> Result<String, Judged> {
    let line = format!(
        "while waiting, the process used {:.0}% of one core (at most {:.0}%)",
        busiest * 100.0,
        MAX_BUSY * 100.0
    );
    if busiest > MAX_BUSY {
        return Err((
            Evidence::fail("sleeps while waiting", line),
            POLLING.to_owned(),
        ));
    }
    Ok(line)
}

/// Checks a `batcher`.
pub fn check(batcher: impl BatcherFn) -> Report {
    let report = Report::new(NAME);
    let mut busiest = 0.0f64;
    for (run, (script, want, end_at, what)) in scripts().into_iter().enumerate() {
        let run = run + 1;
        // A run that fails is played again, up to ATTEMPTS times, and the
        // first that passes counts: a busy machine can make a right batcher
        // late once, while a wrong one is wrong every time.
        let mut failed = None;
        let mut disturbed = None;
        let mut passed = None;
        for _ in 0..ATTEMPTS {
            match play(batcher.clone(), script.clone()) {
                Watched::Returned(seen) if seen.late > DISTURBED => disturbed = Some(seen),
                Watched::Returned(seen) => {
                    match judge_run(run, &seen.batches, seen.returned, &want, end_at, what) {
                        Ok(()) => {
                            passed = Some(seen);
                            break;
                        }
                        Err(judged) => failed = Some(judged),
                    }
                }
                Watched::TimedOut { waited, .. } => {
                    return report
                        .with(Evidence::fail(
                            "correct",
                            format!("run {run}: the batcher had not returned {} after {what}", crate::processes::secs(waited)),
                        ))
                        .diagnose(format!(
                            "Your batcher never returned after {what}. On `Control::Shutdown`, send what is left and return; when `data` is closed (`recv` gives `Err`), do the same. A blocking `for v in data` loop cannot see the control channel: wait on both with `crossbeam::channel::select!`."
                        ));
                }
            }
        }
        let seen = match (passed, failed, disturbed) {
            (Some(seen), _, _) => seen,
            (None, Some((evidence, cause)), _) => return report.with(evidence).diagnose(cause),
            (None, None, Some(seen)) => {
                let busy = seen.cpu.as_secs_f64() / seen.wall.as_secs_f64().max(1e-9);
                if let Err((evidence, cause)) = judge_busy(busy) {
                    return report.with(evidence).diagnose(cause);
                }
                return report.with(Evidence::inconclusive(
                    "on time",
                    format!(
                        "the machine is too busy to play the script on time: it fell {} behind in {ATTEMPTS} attempts; run again when it is quieter",
                        ms(seen.late)
                    ),
                ));
            }
            (None, None, None) => unreachable!("at least one attempt"),
        };
        busiest = busiest.max(seen.cpu.as_secs_f64() / seen.wall.as_secs_f64().max(1e-9));
    }
    let report = report
        .with(Evidence::pass(
            "correct",
            "every batch as expected: full, on the timer, flushed (and nothing for an empty flush), at shutdown (nothing when empty), and when the input closed",
        ))
        .with(Evidence::pass(
            "on time",
            format!(
                "each batch within {} of when it was due; returned within {} of a shutdown and of the input closing",
                ms(SLACK),
                ms(SLACK)
            ),
        ));
    match judge_busy(busiest) {
        Ok(line) => report.with(Evidence::pass("sleeps while waiting", line)),
        Err((evidence, cause)) => report.with(evidence).diagnose(cause),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::Status;

    fn at(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn shutdown_run() -> (Vec<Want>, Vec<(Duration, Vec<u32>)>) {
        (
            vec![
                (30, vec![1], "flush"),
                (120, vec![2], "timer: after a value"),
            ],
            vec![(at(30), vec![1]), (at(120), vec![2])],
        )
    }

    #[test]
    fn shutdown_honoured_at_49_and_50_ms_passes_at_51_fails() {
        let (want, batches) = shutdown_run();
        for (after, ok) in [(0, true), (49, true), (50, true), (51, false)] {
            let judged = judge_run(
                1,
                &batches,
                Some(at(200 + after)),
                &want,
                200,
                "the shutdown",
            );
            assert_eq!(judged.is_ok(), ok, "returned {after} ms after");
            if let Err((evidence, cause)) = judged {
                assert_eq!(evidence.name, "on time");
                assert!(cause.contains("at most 50 ms later"));
            }
        }
    }

    #[test]
    fn a_batch_50_ms_late_passes_51_fails_and_too_early_fails() {
        let want = vec![(120, vec![5, 6], "timer: 100 ms after its first value")];
        let judge = |ms| judge_run(1, &[(at(ms), vec![5, 6])], Some(at(300)), &want, 280, "x");
        assert!(judge(170).is_ok());
        assert!(judge(171).is_err());
        assert!(judge(115).is_ok());
        // 6 ms early: the timer was started before the batch's first value.
        let (evidence, cause) = judge(114).unwrap_err();
        assert_eq!(evidence.status, Status::Fail);
        assert!(cause.contains("*first* value"));
    }

    #[test]
    fn an_empty_batch_fails_as_correct() {
        let want = vec![(30, vec![12], "flush")];
        let batches = vec![(at(30), vec![12]), (at(40), vec![])];
        let (evidence, cause) = judge_run(3, &batches, Some(at(200)), &want, 200, "x").unwrap_err();
        assert_eq!(evidence.name, "correct");
        assert!(cause.contains("An empty batch was sent"));
    }

    #[test]
    fn a_stale_deadline_after_a_flush_is_named() {
        let want = vec![(160, vec![13], "timer: 13 arrived at 60 ms (after a flush)")];
        let (_, cause) =
            judge_run(3, &[(at(100), vec![13])], Some(at(200)), &want, 200, "x").unwrap_err();
        assert!(cause.contains("flushed batch's deadline"));
    }

    #[test]
    fn lost_values_and_wrong_cuts_are_told_apart() {
        let want = vec![(0, vec![1, 2], "full"), (30, vec![3], "flush")];
        let (_, cause) =
            judge_run(1, &[(at(0), vec![1, 2])], Some(at(30)), &want, 30, "x").unwrap_err();
        assert!(cause.contains("lost or repeated"));
        let (_, cause) = judge_run(
            1,
            &[(at(0), vec![1]), (at(30), vec![2, 3])],
            Some(at(30)),
            &want,
            30,
            "x",
        )
        .unwrap_err();
        assert!(cause.contains("wrong moments"));
    }

    #[test]
    fn a_panicked_batcher_fails() {
        let (want, batches) = shutdown_run();
        let (evidence, _) = judge_run(1, &batches, None, &want, 200, "x").unwrap_err();
        assert_eq!(evidence.name, "correct");
    }

    #[test]
    fn busy_at_the_limit_passes_and_above_fails() {
        assert!(judge_busy(0.0).is_ok());
        assert!(judge_busy(MAX_BUSY).is_ok());
        assert!(judge_busy(MAX_BUSY + 0.01).is_err());
    }
}
