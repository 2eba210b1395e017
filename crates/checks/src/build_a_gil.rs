//! 02/01 build a GIL: the learner's lock, driven by the toy interpreter of
//! [`measured::interpreter`].
//!
//! - exclusive: a scripted run of two threads (a second `acquire` waits
//!   while the lock is held; `allow_threads` lets another thread take the
//!   lock while it blocks, and takes it back only once that thread has let
//!   go), and never two threads in bytecode in any run;
//! - fair: each CPU-bound thread progresses within 10 switch intervals of
//!   the others' work (50 ms at CPython's 5 ms), with 4 threads at 5 ms and
//!   with a thread count (3, 5 or 6) and a longer interval (60 to 70 ms)
//!   drawn per run, on steps of 0.1 ms;
//! - switch interval: the holder lets go after about an interval, not much
//!   sooner (turns of at least half an interval, median), in both runs: a
//!   lock that switches after every step, counts steps, or hard-codes 5 ms
//!   fails;
//! - serial: 4 CPU-bound threads take at least about 4x the CPU time of
//!   one on the wall clock (speedup at most 1.2); shown, and "not judged"
//!   when it misses, since `exclusive` (never two threads in bytecode,
//!   whether or not they had a core) already proves the lock serialises;
//! - io overlaps: 8 threads that mostly block overlap (at least 0.8 of
//!   ideal, or of the same threads with no lock at all in the same run
//!   when the machine kept those from the ideal; not judged when neither
//!   tells, unless they ran one at a time).
//!
//! Measuring ([`check`]) gathers `Facts`; `judge` decides from them
//! alone and is unit-tested on recorded runs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use measured::clock::process_cpu_time;
use measured::interpreter::{Gil, Probe, Step, longest_wait, run_threads};
use measured::kernel::{mix, units_for};
use verdict::{Evidence, Report, Span, Timeline};

use crate::harness::{ms, seed, time_chart};

/// The exercise's short name.
pub const NAME: &str = "build_a_gil";
/// The switch interval of the first runs: CPython's default.
pub const INTERVAL: Duration = Duration::from_millis(5);
/// How long one step of bytecode computes, on a quiet core.
pub const STEP: Duration = Duration::from_micros(500);
/// The longest a CPU-bound thread may wait for a turn, in switch
/// intervals of the other threads' work (50 ms at 5 ms), counted in their
/// steps so that a busy machine, which stretches every step, does not make
/// a fair lock look unfair.
pub const MAX_WAIT_INTERVALS: u32 = 10;
/// The most that 4 CPU-bound threads may gain over one.
pub const MAX_CPU_SPEEDUP: f64 = 1.2;
/// Threads in the blocking phase, and their blocking calls each.
pub const IO_THREADS: usize = 8;
/// Blocking calls per I/O thread.
pub const IO_CALLS: usize = 5;
/// How long each blocking call takes.
pub const IO_LATENCY: Duration = Duration::from_millis(20);
/// Steps per thread in the 4-thread run.
const STEPS: usize = 200;
/// Steps in all in the run with a drawn thread count...
const DRAWN_RUN_STEPS: usize = 5_000;
/// ...each this short, so that a lock counting steps (10 of them make 1 ms
/// here), or keeping a fixed 5 ms, shows turns far shorter than the run's
/// interval even when a busy machine stretches every turn by many ms.
const SHORT_STEP: Duration = Duration::from_micros(100);
/// How long the scripted run waits to see whether a thread got in where
/// it must not (a right lock costs this wait; a wrong one ends it early).
const HOLD: Duration = Duration::from_millis(100);
/// How long it waits for something that must happen.
const PATIENCE: Duration = Duration::from_secs(2);

/// Checks a lock and writes the report.
pub fn main<G: Gil>(new: impl Fn(Duration) -> G) {
    crate::main(NAME, || check(new));
}

/// What the scripted two-thread run of a lock showed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Protocol {
    /// A second thread's `acquire` returned while the first held the lock.
    entered_while_held: bool,
    /// While the holder blocked in `allow_threads`, the other thread got
    /// the lock.
    released_for_blocking: bool,
    /// `allow_threads` returned while the other thread still held the lock.
    retook_while_held: bool,
}

/// One run of CPU-bound threads.
#[derive(Debug, Clone)]
struct CpuRun {
    /// The lock's switch interval.
    interval: Duration,
    /// How long one step computes on a quiet core.
    step: Duration,
    /// How many threads.
    threads: usize,
    /// When each thread finished a step, in order.
    progress: Vec<(usize, Instant)>,
}

/// Everything the check measured.
#[derive(Debug, Clone)]
struct Facts {
    protocol: Protocol,
    /// The most threads in bytecode at once, over every run.
    most_in_bytecode: usize,
    /// 4 threads at [`INTERVAL`], then a drawn count at a drawn interval.
    runs: Vec<CpuRun>,
    /// The least CPU time of the runs of one CPU-bound thread alone.
    one: Duration,
    /// The 4 threads' run.
    four: Duration,
    /// The blocking threads' run, its ideal and one at a time.
    io_time: Duration,
    io_ideal: Duration,
    io_one_at_a_time: Duration,
    /// The same blocking threads with no lock at all, in the same run: what
    /// the machine allows them right now.
    io_control: Duration,
}

/// The control for the blocking threads: no lock at all, so they overlap
/// as far as the machine lets them.
struct NoLock;

impl Gil for NoLock {
    fn acquire(&self) {}
    fn release(&self) {}
    fn drop_requested(&self) -> bool {
        false
    }
    fn allow_threads(&self, blocking: &mut dyn FnMut()) {
        blocking();
    }
}

/// Checks a lock made by `new(switch_interval)`.
pub fn check<G: Gil>(new: impl Fn(Duration) -> G) -> Report {
    let mut state = seed();
    let mut draw = |lo: u64, hi: u64| {
        state = mix(state);
        lo + state % (hi - lo + 1)
    };
    let protocol = protocol(&new(INTERVAL));

    let step = units_for(STEP);
    let cpu: Vec<Step> = vec![Step::Compute(step); STEPS];
    let mut most = 0;
    // One CPU-bound thread, four, one again, then a drawn count at a drawn
    // longer interval, then one more: the fastest single run is the
    // baseline (a busy moment can only slow a run down).
    let (_, probe, first) = run(&new, INTERVAL, std::slice::from_ref(&cpu));
    most = most.max(probe.most_in_bytecode());
    let (four, probe, _) = run(&new, INTERVAL, &vec![cpu.clone(); 4]);
    most = most.max(probe.most_in_bytecode());
    let four_run = CpuRun {
        interval: INTERVAL,
        step: STEP,
        threads: 4,
        progress: probe.progress(),
    };
    let (_, _, again) = run(&new, INTERVAL, std::slice::from_ref(&cpu));
    let interval = Duration::from_millis(draw(60, 70));
    let threads = [3, 5, 6][draw(0, 2) as usize];
    let program = vec![Step::Compute(units_for(SHORT_STEP)); DRAWN_RUN_STEPS / threads];
    let (_, probe, _) = run(&new, interval, &vec![program; threads]);
    most = most.max(probe.most_in_bytecode());
    let drawn_run = CpuRun {
        interval,
        step: SHORT_STEP,
        threads,
        progress: probe.progress(),
    };
    let (_, _, last) = run(&new, INTERVAL, std::slice::from_ref(&cpu));
    // One thread's work in CPU time, which other programs on a busy machine
    // do not stretch (its wall time they do, and a scheduler can even favour
    // threads that hand a lock round over one that never sleeps).
    let one = first.min(again).min(last);

    // Threads that mostly wait.
    let io_step = step / 10;
    let io: Vec<Step> = (0..IO_CALLS)
        .flat_map(|_| [Step::Compute(io_step), Step::Block(IO_LATENCY)])
        .collect();
    let compute = one / STEPS as u32 / 10 * (IO_CALLS * IO_THREADS) as u32;
    let io_ideal = IO_LATENCY * IO_CALLS as u32 + compute;
    // The fastest of up to 3 runs: a busy moment can only slow one down.
    let mut io_time = Duration::MAX;
    for _ in 0..3 {
        let (elapsed, io_probe, _) = run(&new, INTERVAL, &vec![io.clone(); IO_THREADS]);
        most = most.max(io_probe.most_in_bytecode());
        io_time = io_time.min(elapsed);
        if measured::grade::io_fast_enough(io_time, io_ideal) {
            break;
        }
    }

    // The control: the same threads with no lock, as fast as the machine
    // lets them be right now (the fastest of up to 3 runs).
    let mut io_control = Duration::MAX;
    for _ in 0..3 {
        let (elapsed, _, _) = run(&|_| NoLock, INTERVAL, &vec![io.clone(); IO_THREADS]);
        io_control = io_control.min(elapsed);
        if measured::grade::io_fast_enough(io_control, io_ideal) {
            break;
        }
    }

    let mut report = judge(&Facts {
        protocol,
        most_in_bytecode: most,
        runs: vec![four_run.clone(), drawn_run],
        one,
        four,
        io_time,
        io_ideal,
        io_one_at_a_time: (IO_LATENCY * IO_CALLS as u32) * IO_THREADS as u32 + compute,
        io_control,
    });
    report.timeline = Some(turns(&four_run.progress, one / STEPS as u32));
    report
}

/// The scripted run: this thread holds the lock while a second thread
/// asks for it; then this thread blocks in `allow_threads`, which must let
/// the second in, and must not return until the second has let go.
fn protocol<G: Gil>(gil: &G) -> Protocol {
    let flag = || AtomicBool::new(false);
    let (second_asks, second_has, second_may_go) = (flag(), flag(), flag());
    let (first_asks_back, first_back) = (flag(), flag());
    let mut seen = Protocol::default();
    gil.acquire();
    std::thread::scope(|s| {
        s.spawn(|| {
            second_asks.store(true, Ordering::SeqCst);
            gil.acquire();
            second_has.store(true, Ordering::SeqCst);
            wait_for(&second_may_go, PATIENCE * 3);
            gil.release();
        });
        // Once the second thread is asking, a right lock keeps it waiting
        // however long we look; a wrong one lets it in at once.
        wait_for(&second_asks, PATIENCE);
        seen.entered_while_held = wait_for(&second_has, HOLD);
        let watcher = s.spawn(|| {
            let retook = wait_for(&first_asks_back, PATIENCE * 2)
                && wait_for(&second_has, PATIENCE)
                && wait_for(&first_back, HOLD);
            second_may_go.store(true, Ordering::SeqCst);
            retook
        });
        let mut released = false;
        gil.allow_threads(&mut || {
            released = wait_for(&second_has, PATIENCE);
            first_asks_back.store(true, Ordering::SeqCst);
        });
        first_back.store(true, Ordering::SeqCst);
        gil.release();
        seen.released_for_blocking = released;
        seen.retook_while_held = watcher.join().unwrap_or(false);
    });
    seen
}

/// Waits until `flag` is set, up to `limit`; whether it was.
fn wait_for(flag: &AtomicBool, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while !flag.load(Ordering::SeqCst) {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    true
}

/// Runs `programs` on a fresh lock: wall time, what the probe saw, and the
/// CPU time the process used.
fn run<G: Gil>(
    new: &impl Fn(Duration) -> G,
    interval: Duration,
    programs: &[Vec<Step>],
) -> (Duration, Probe, Duration) {
    let gil = new(interval);
    let probe = Probe::new();
    let cpu = process_cpu_time();
    let elapsed = run_threads(&gil, &probe, programs);
    (elapsed, probe, process_cpu_time().saturating_sub(cpu))
}

/// The longest a thread may wait, in steps of `step` of the others, at
/// `interval`.
fn max_wait_steps(interval: Duration, step: Duration) -> usize {
    (interval.as_nanos() * u128::from(MAX_WAIT_INTERVALS) / step.as_nanos()) as usize
}

/// The turns of a run while every thread still had work: how long each
/// lasted, from the previous holder's last step to this holder's last
/// step, leaving out the first (it began before the first mark).
fn turn_lengths(progress: &[(usize, Instant)], threads: usize) -> Vec<Duration> {
    let last_steps: Option<Vec<Instant>> = (0..threads)
        .map(|t| {
            progress
                .iter()
                .rev()
                .find(|(p, _)| *p == t)
                .map(|(_, at)| *at)
        })
        .collect();
    let Some(until) = last_steps.and_then(|l| l.into_iter().min()) else {
        return Vec::new();
    };
    let mut ends: Vec<Instant> = Vec::new();
    let mut holder = None;
    for &(thread, at) in progress.iter().filter(|(_, at)| *at <= until) {
        if holder == Some(thread) {
            *ends.last_mut().expect("a turn has begun") = at;
        } else {
            holder = Some(thread);
            ends.push(at);
        }
    }
    ends.windows(2).map(|w| w[1] - w[0]).collect()
}

/// The median of some durations (the lower middle one of an even count).
fn median(mut values: Vec<Duration>) -> Option<Duration> {
    values.sort();
    values.get(values.len().saturating_sub(1) / 2).copied()
}

/// The verdict on a lock, from what was measured.
fn judge(f: &Facts) -> Report {
    let report = Report::new(NAME);
    let both_in = "Two threads held the lock at once: `acquire` must wait while another thread holds it, checking and setting \"held\" under one mutex.";
    if f.protocol.entered_while_held {
        return report
            .with(Evidence::fail(
                "exclusive",
                "a second thread's `acquire` returned while another thread held the lock",
            ))
            .diagnose(both_in);
    }
    if !f.protocol.released_for_blocking {
        return report
            .with(Evidence::fail(
                "io overlaps",
                format!(
                    "while one thread blocked in `allow_threads` for {}, another could not take the lock",
                    ms(PATIENCE)
                ),
            ))
            .diagnose("Threads blocked one after another: a blocking call must run without the lock. In `allow_threads`, release, run the call, then acquire again.");
    }
    if f.protocol.retook_while_held {
        return report
            .with(Evidence::fail(
                "exclusive",
                "`allow_threads` returned while another thread held the lock",
            ))
            .diagnose("After a blocking call, `allow_threads` came back without waiting for the lock: the thread then ran bytecode beside the one holding it. After a blocking call, take the lock back with `acquire` (waiting like any other thread), and keep it a lock for good: a lock must never turn itself off.");
    }
    if f.most_in_bytecode > 1 {
        return report
            .with(Evidence::fail(
                "exclusive",
                format!(
                    "{} threads ran bytecode at the same moment",
                    f.most_in_bytecode
                ),
            ))
            .diagnose(both_in);
    }
    let mut report = report.with(Evidence::pass(
        "exclusive",
        "a second thread waited while the lock was held, got it while the holder blocked, and the holder waited to get it back; never more than 1 thread in bytecode",
    ));

    // The switch interval first: turn lengths are a shape no busy machine
    // shortens, while a thread preempted for long between two turns can
    // look starved.
    let mut intervals = Vec::new();
    for run in &f.runs {
        let lengths = turn_lengths(&run.progress, run.threads);
        let count = lengths.len();
        let Some(typical) = median(lengths) else {
            continue;
        };
        let line = format!(
            "{} threads at a {} interval: {count} turns, median {}",
            run.threads,
            ms(run.interval),
            ms(typical)
        );
        if typical * 2 < run.interval {
            return report
                .with(Evidence::fail("switch interval", format!("{line} (at least {} expected)", ms(run.interval / 2))))
                .diagnose(format!(
                    "With a {} switch interval the holder let go more often than the switch interval: a turn lasted {} (median). The holder should let go only when a waiter has waited a whole interval, as measured by the clock (`wait_timeout(self.interval)`), not after every step, not after a count of steps, and not after a fixed time: use the interval `new` was given.",
                    ms(run.interval),
                    ms(typical)
                ));
        }
        intervals.push(line);
    }
    report.push(Evidence::pass("switch interval", intervals.join("; ")));

    let mut fair = Vec::new();
    for run in &f.runs {
        let bound = max_wait_steps(run.interval, run.step);
        let allowed = ms(run.interval * MAX_WAIT_INTERVALS);
        match longest_wait(&run.progress, run.threads) {
            Some((thread, steps, waited)) if steps > bound => {
                return report
                    .with(Evidence::fail(
                        "fair",
                        format!(
                            "CPU-bound thread {thread} of {} waited {} while the others ran {steps} steps (at most {bound}: {allowed} of work, {MAX_WAIT_INTERVALS} switch intervals of {})",
                            run.threads,
                            ms(waited),
                            ms(run.interval)
                        ),
                    ))
                    .diagnose("One thread kept the lock while others waited: a waiter must ask for it after a switch interval (`drop_requested` turns true), and `release` must let a waiter take it before the releasing thread can take it back.");
            }
            Some((_, steps, waited)) => fair.push(format!(
                "{} threads at a {} interval: the longest wait {} while the others ran {steps} steps (at most {bound})",
                run.threads,
                ms(run.interval),
                ms(waited)
            )),
            None => {
                return report
                    .with(Evidence::fail(
                        "fair",
                        format!("of {} threads, one never ran", run.threads),
                    ))
                    .diagnose("Every thread must get the lock in the end.");
            }
        }
    }
    report.push(Evidence::pass("fair", fair.join("; ")));

    let speedup = 4.0 * f.one.as_secs_f64() / f.four.as_secs_f64();
    let serial = format!(
        "4 CPU-bound threads took {} against {} of CPU for one: {speedup:.2}x the speed of one at a time (a GIL allows at most {MAX_CPU_SPEEDUP})",
        ms(f.four),
        ms(f.one)
    );
    if serial_enough(f.one, f.four) {
        report.push(Evidence::pass("serial", serial));
    } else {
        // Only reached once `exclusive` held: never two threads in
        // bytecode, counted by the probe whether or not a thread had a
        // core. Two threads that never compute at once cannot finish
        // sooner than one after the other, so a faster time here is the
        // clock's (a one-thread baseline slowed by a busy machine), not
        // the lock's: shown, not failed.
        report.push(Evidence::inconclusive(
            "serial",
            format!("{serial}; but never more than 1 thread was in bytecode, so the timing is this busy machine's, not your lock's"),
        ));
    }

    let overlap = format!(
        "{IO_THREADS} threads blocking {IO_CALLS} x {} each took {} (ideal {}, one at a time {})",
        ms(IO_LATENCY),
        ms(f.io_time),
        ms(f.io_ideal),
        ms(f.io_one_at_a_time)
    );
    report.chart = Some(time_chart(
        format!("{IO_THREADS} threads that mostly wait"),
        &[
            ("one at a time", f.io_one_at_a_time),
            ("yours", f.io_time),
            ("ideal", f.io_ideal),
        ],
    ));
    match judge_io(f) {
        Io::Overlapped => report.with(Evidence::pass("io overlaps", overlap)),
        Io::OneAfterAnother => report
            .with(Evidence::fail("io overlaps", format!("{overlap}; with no lock at all they took {}", ms(f.io_control))))
            .diagnose("Threads blocked one after another: a blocking call must run without the lock. In `allow_threads`, release, run the call, then acquire again."),
        Io::MachineBusy => report.with(Evidence::inconclusive(
            "io overlaps",
            format!("{overlap}; but with no lock at all they took {} too, so this machine is too busy right now to tell; close other programs and run again", ms(f.io_control)),
        )),
    }
}

/// What the blocking threads' time says.
#[derive(Debug, PartialEq, Eq)]
enum Io {
    /// Within [`measured::grade::io_fast_enough`] of the ideal, or of the
    /// lock-free control when the machine kept that from the ideal.
    Overlapped,
    /// Slower than that, while the control met the ideal, or at least
    /// 0.8 of one at a time whatever the machine.
    OneAfterAnother,
    /// Slower than that, but so was the control: not judged.
    MachineBusy,
}

fn judge_io(f: &Facts) -> Io {
    let fast = measured::grade::io_fast_enough;
    if fast(f.io_time, f.io_ideal.max(f.io_control)) {
        Io::Overlapped
    } else if fast(f.io_control, f.io_ideal)
        || 10 * f.io_time.as_nanos() >= 8 * f.io_one_at_a_time.as_nanos()
    {
        Io::OneAfterAnother
    } else {
        Io::MachineBusy
    }
}

/// Whether 4 threads' time `four` against one's `one` is a speedup of at
/// most [`MAX_CPU_SPEEDUP`] (exactly, in nanoseconds: 4 * one <= 1.2 * four).
fn serial_enough(one: Duration, four: Duration) -> bool {
    4 * 10 * one.as_nanos() <= 12 * four.as_nanos()
}

/// Who held the lock when, from the steps each thread finished in order: a
/// turn lasts from the previous holder's last step to this thread's last
/// step before another thread's. `step` is how long one step took alone; the
/// first turn starts one step before the first step ended.
fn turns(progress: &[(usize, Instant)], step: Duration) -> Timeline {
    let Some(&(_, first)) = progress.first() else {
        return Timeline::default();
    };
    let origin = first.checked_sub(step).unwrap_or(first);
    let at = |t: Instant| t.duration_since(origin).as_secs_f64() * 1000.0;
    let mut spans: Vec<Span> = Vec::new();
    let mut turn_start = origin;
    let mut last_end = origin;
    let mut holder: Option<usize> = None;
    for &(thread, when) in progress {
        if holder != Some(thread) {
            if let Some(lane) = holder {
                spans.push(Span {
                    lane: lane as u32,
                    start_ms: at(turn_start),
                    end_ms: at(last_end),
                });
                turn_start = last_end;
            }
            holder = Some(thread);
        }
        last_end = when;
    }
    if let Some(lane) = holder {
        spans.push(Span {
            lane: lane as u32,
            start_ms: at(turn_start),
            end_ms: at(last_end),
        });
    }
    let threads = progress.iter().map(|&(t, _)| t + 1).max().unwrap_or(0);
    Timeline {
        caption: Some(
            "your lock with 4 CPU-bound threads: a row is busy while its thread holds the lock and runs bytecode".into(),
        ),
        lanes: (1..=threads).map(|n| format!("interpreter thread {n}")).collect(),
        spans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::{Status, Verdict};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// `threads` threads taking turns of `per_turn` steps of 0.5 ms, round
    /// robin, until each has run `steps`.
    fn round_robin(threads: usize, per_turn: usize, steps: usize) -> Vec<(usize, Instant)> {
        let t0 = Instant::now();
        let mut progress = Vec::new();
        let mut done = vec![0; threads];
        let mut n = 0u32;
        while done.iter().any(|&d| d < steps) {
            for (t, d) in done.iter_mut().enumerate() {
                for _ in 0..per_turn.min(steps - *d) {
                    n += 1;
                    progress.push((t, t0 + STEP * n));
                    *d += 1;
                }
            }
        }
        progress
    }

    fn facts(per_turn: usize, drawn_per_turn: usize) -> Facts {
        Facts {
            protocol: Protocol {
                entered_while_held: false,
                released_for_blocking: true,
                retook_while_held: false,
            },
            most_in_bytecode: 1,
            runs: vec![
                CpuRun {
                    interval: INTERVAL,
                    step: STEP,
                    threads: 4,
                    progress: round_robin(4, per_turn, 200),
                },
                CpuRun {
                    interval: ms(28),
                    step: STEP,
                    threads: 3,
                    progress: round_robin(3, drawn_per_turn, 240),
                },
            ],
            one: ms(100),
            four: ms(410),
            io_time: ms(110),
            io_ideal: ms(102),
            io_one_at_a_time: ms(802),
            io_control: ms(101),
        }
    }

    fn failed_on(report: &Report) -> (String, String) {
        let e = report
            .evidence
            .iter()
            .find(|e| e.status == Status::Fail)
            .unwrap_or_else(|| panic!("no failure: {}", report.to_json()));
        (e.name.clone(), report.diagnosis.clone().unwrap_or_default())
    }

    #[test]
    fn a_right_lock_passes() {
        // Turns of 10 steps (5 ms) at 5 ms, of 56 steps (28 ms) at 28 ms.
        let report = judge(&facts(10, 56));
        assert_eq!(report.verdict(), Verdict::Pass, "{}", report.to_json());
        assert_eq!(report.evidence.len(), 5);
    }

    #[test]
    fn switching_after_every_step_fails_the_interval() {
        let (name, cause) = failed_on(&judge(&facts(1, 1)));
        assert_eq!(name, "switch interval");
        assert!(cause.contains("more often than the switch interval"));
    }

    #[test]
    fn five_ms_turns_at_a_28_ms_interval_fail() {
        // Counting 10 steps, or a fixed 5 ms: right at 5 ms, not at 28 ms.
        let (name, cause) = failed_on(&judge(&facts(10, 10)));
        assert_eq!(name, "switch interval");
        assert!(cause.contains("With a 28 ms switch interval"), "{cause}");
        // Half an interval passes: 28 steps are 14 ms; 27 are not.
        assert_eq!(judge(&facts(10, 28)).verdict(), Verdict::Pass);
        assert_eq!(failed_on(&judge(&facts(10, 27))).0, "switch interval");
    }

    #[test]
    fn the_wait_bound_from_both_sides() {
        // At 5 ms, 100 steps of the others (50 ms) is the most a thread may
        // wait: 3 threads of turns of 50 steps make thread 3 wait 100 in
        // a 4-thread run... of turns of 33 and 34 steps, 99 and 102.
        assert_eq!(max_wait_steps(INTERVAL, STEP), 100);
        assert_eq!(max_wait_steps(ms(60), SHORT_STEP), 6_000);
        for (per_turn, pass) in [(33, true), (34, false)] {
            let mut f = facts(10, 56);
            f.runs[0].progress = round_robin(4, per_turn, 200);
            let (_, steps, _) = longest_wait(&f.runs[0].progress, 4).unwrap();
            let report = judge(&f);
            assert_eq!(
                report.verdict() == Verdict::Pass,
                pass,
                "{steps} steps: {}",
                report.to_json()
            );
        }
        assert_eq!(longest_wait(&round_robin(4, 33, 200), 4).unwrap().1, 99);
        assert_eq!(longest_wait(&round_robin(4, 34, 200), 4).unwrap().1, 102);
    }

    #[test]
    fn the_wait_bound_at_the_value() {
        // 101 steps of the others fail, 100 pass: thread 1 waits while
        // thread 0 runs 100 (then 101) steps, once.
        for (waited, pass) in [(100, true), (101, false)] {
            let t0 = Instant::now();
            let mut progress: Vec<(usize, Instant)> = Vec::new();
            let mut n = 0u32;
            let mut push = |t: usize, progress: &mut Vec<(usize, Instant)>| {
                n += 1;
                progress.push((t, t0 + STEP * n));
            };
            push(1, &mut progress);
            for _ in 0..waited {
                push(0, &mut progress);
            }
            for _ in 0..5 {
                for _ in 0..10 {
                    push(1, &mut progress);
                }
                for _ in 0..10 {
                    push(0, &mut progress);
                }
            }
            let mut f = facts(10, 56);
            f.runs[0] = CpuRun {
                interval: INTERVAL,
                step: STEP,
                threads: 2,
                progress,
            };
            let report = judge(&f);
            let fair = report.evidence.iter().find(|e| e.name == "fair").unwrap();
            assert_eq!(fair.status == Status::Pass, pass, "{}", report.to_json());
        }
    }

    #[test]
    fn the_speedup_bound_from_both_sides() {
        // 4 x 300 ms in 1000 ms is exactly 1.2.
        assert!(serial_enough(ms(300), ms(1000)));
        assert!(serial_enough(ms(300), ms(1001)));
        assert!(!serial_enough(ms(300), ms(999)));
        let mut f = facts(10, 56);
        (f.one, f.four) = (ms(300), ms(999));
        // Exclusive held (never two in bytecode): the timing cannot be the
        // lock's, so it is not judged, and never failed.
        let report = judge(&f);
        let serial = report.evidence.iter().find(|e| e.name == "serial").unwrap();
        assert_eq!(serial.status, Status::Inconclusive);
        assert_ne!(report.verdict(), Verdict::Fail);
        // Two in bytecode fails on exclusive, before any timing.
        f.most_in_bytecode = 2;
        assert_eq!(failed_on(&judge(&f)).0, "exclusive");
    }

    #[test]
    fn the_io_bound_from_both_sides() {
        let mut f = facts(10, 56);
        (f.io_time, f.io_ideal, f.io_control) = (ms(100), ms(80), ms(80));
        assert_eq!(judge(&f).verdict(), Verdict::Pass);
        f.io_time = ms(101);
        assert_eq!(failed_on(&judge(&f)).0, "io overlaps");
    }

    #[test]
    fn a_busy_machine_is_judged_against_the_lock_free_control() {
        let mut f = facts(10, 56);
        (f.io_time, f.io_ideal, f.io_one_at_a_time) = (ms(180), ms(100), ms(800));
        // The control met the ideal: 180 ms is the lock's.
        f.io_control = ms(105);
        assert_eq!(judge_io(&f), Io::OneAfterAnother);
        // The control took 160 ms too: within 1/0.8 of it, overlapped.
        f.io_control = ms(160);
        assert_eq!(judge_io(&f), Io::Overlapped);
        // The control took 130 ms: 180 ms cannot be told either way.
        f.io_control = ms(130);
        assert_eq!(judge_io(&f), Io::MachineBusy);
        assert_eq!(judge(&f).verdict(), Verdict::NotJudged);
        // One at a time fails however busy the machine.
        (f.io_time, f.io_control) = (ms(700), ms(400));
        assert_eq!(judge_io(&f), Io::OneAfterAnother);
    }

    #[test]
    fn the_scripted_run_catches_each_protocol_mistake() {
        let mut f = facts(10, 56);
        f.protocol.entered_while_held = true;
        assert_eq!(failed_on(&judge(&f)).0, "exclusive");
        let mut f = facts(10, 56);
        f.protocol.released_for_blocking = false;
        assert!(
            failed_on(&judge(&f))
                .1
                .contains("a blocking call must run without the lock")
        );
        let mut f = facts(10, 56);
        f.protocol.retook_while_held = true;
        let (name, cause) = failed_on(&judge(&f));
        assert_eq!(name, "exclusive");
        assert!(cause.contains("After a blocking call"));
        let mut f = facts(10, 56);
        f.most_in_bytecode = 2;
        assert!(
            failed_on(&judge(&f))
                .1
                .contains("Two threads held the lock at once")
        );
    }

    #[test]
    fn turns_leave_out_the_tail_after_a_thread_finished() {
        let progress = round_robin(2, 4, 8);
        // Turns: 0 (4), 1 (4), 0 (4), 1 (4): the first thread's last step
        // ends the window, so the lengths are those of turns 2 and 3.
        assert_eq!(turn_lengths(&progress, 2), [STEP * 4, STEP * 4]);
        assert_eq!(median(vec![ms(3), ms(1), ms(2), ms(9)]), Some(ms(2)));
        assert_eq!(median(Vec::new()), None);
    }

    #[test]
    fn turns_are_runs_of_one_threads_steps() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        // Thread 0 runs steps ending at 1, 2 and 3 ms; thread 1 at 4 and 5;
        // thread 0 again at 6.
        let progress = [
            (0, at(1)),
            (0, at(2)),
            (0, at(3)),
            (1, at(4)),
            (1, at(5)),
            (0, at(6)),
        ];
        let timeline = turns(&progress, Duration::from_millis(1));
        let spans: Vec<(u32, f64, f64)> = timeline
            .spans
            .iter()
            .map(|s| (s.lane, s.start_ms.round(), s.end_ms.round()))
            .collect();
        assert_eq!(spans, [(0, 0.0, 3.0), (1, 3.0, 5.0), (0, 5.0, 6.0)]);
        assert_eq!(
            timeline.lanes,
            ["interpreter thread 1", "interpreter thread 2"]
        );
    }

    #[test]
    fn no_progress_draws_nothing() {
        assert!(turns(&[], Duration::from_millis(1)).spans.is_empty());
    }
}
