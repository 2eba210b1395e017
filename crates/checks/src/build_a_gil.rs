//! 02/01 build a GIL: the learner's lock, driven by the toy interpreter of
//! [`measured::interpreter`]. Never two threads in bytecode; no thread
//! starves (each of 4 CPU-bound threads progresses in every 50 ms); 4
//! CPU-bound threads take about 4x one (speedup at most 1.2: the GIL's
//! `n * t`); 8 threads that mostly block overlap (at least 0.8 of ideal).

use std::time::{Duration, Instant};

use measured::interpreter::{Gil, Probe, Step, longest_wait, run_threads};
use measured::kernel::units_for;
use verdict::{Evidence, Report, Span, Timeline};

use crate::harness::{ms, time_chart};

/// The exercise's short name.
pub const NAME: &str = "build_a_gil";
/// The switch interval the checks use: CPython's default.
pub const INTERVAL: Duration = Duration::from_millis(5);
/// How long one step of bytecode computes, on a quiet core.
pub const STEP: Duration = Duration::from_micros(500);
/// The longest a CPU-bound thread may wait for a turn: 50 ms of the other
/// threads' work, counted in their steps so that a busy machine, which
/// stretches every step, does not make a fair lock look unfair.
pub const MAX_WAIT: Duration = Duration::from_millis(50);
/// The most that 4 CPU-bound threads may gain over one.
pub const MAX_CPU_SPEEDUP: f64 = 1.2;
/// Threads in the blocking phase, and their blocking calls each.
pub const IO_THREADS: usize = 8;
/// Blocking calls per I/O thread.
pub const IO_CALLS: usize = 5;
/// How long each blocking call takes.
pub const IO_LATENCY: Duration = Duration::from_millis(20);

/// Checks a lock and writes the report.
pub fn main<G: Gil>(new: impl Fn(Duration) -> G) {
    crate::main(NAME, || check(new));
}

/// Checks a lock made by `new(switch_interval)`.
pub fn check<G: Gil>(new: impl Fn(Duration) -> G) -> Report {
    let step = units_for(STEP);
    let max_wait_steps = (MAX_WAIT.as_micros() / STEP.as_micros()) as usize;
    let cpu: Vec<Step> = vec![Step::Compute(step); 200];
    let mut report = Report::new(NAME);
    let mut most = 0;

    // One CPU-bound thread, four, then one again: the faster of the two
    // single runs is the baseline.
    let (first, probe) = run(&new, std::slice::from_ref(&cpu));
    most = most.max(probe.most_in_bytecode());
    let (four, probe) = run(&new, &vec![cpu.clone(); 4]);
    most = most.max(probe.most_in_bytecode());
    let (again, _) = run(&new, std::slice::from_ref(&cpu));
    let one = first.min(again);
    report.timeline = Some(turns(&probe.progress(), one / 200));
    // Threads that mostly wait.
    let io_step = step / 10;
    let io: Vec<Step> = (0..IO_CALLS)
        .flat_map(|_| [Step::Compute(io_step), Step::Block(IO_LATENCY)])
        .collect();
    let (io_time, io_probe) = run(&new, &vec![io; IO_THREADS]);
    most = most.max(io_probe.most_in_bytecode());

    if most > 1 {
        return report
            .with(Evidence::fail(
                "exclusive",
                format!("{most} threads ran bytecode at the same moment"),
            ))
            .diagnose("Two threads held the lock at once: `acquire` must wait while another thread holds it, checking and setting \"held\" under one mutex.");
    }
    report.push(Evidence::pass(
        "exclusive",
        "never more than 1 thread in bytecode",
    ));

    match longest_wait(&probe.progress(), 4) {
        Some((thread, steps, waited)) if steps > max_wait_steps => {
            return report
                .with(Evidence::fail(
                    "fair",
                    format!(
                        "CPU-bound thread {thread} of 4 waited {} while the others ran {steps} steps (at most {max_wait_steps}: {} of work)",
                        ms(waited),
                        ms(MAX_WAIT)
                    ),
                ))
                .diagnose("One thread kept the lock while others waited: a waiter must ask for it after a switch interval (`drop_requested` turns true), and `release` must let a waiter take it before the releasing thread can take it back.");
        }
        Some((_, steps, waited)) => report.push(Evidence::pass(
            "fair",
            format!(
                "4 CPU-bound threads took turns: the longest wait {} while the others ran {steps} steps (at most {max_wait_steps})",
                ms(waited)
            ),
        )),
        None => {
            return report
                .with(Evidence::fail("fair", "a thread never ran"))
                .diagnose("Every thread must get the lock in the end.");
        }
    }

    let speedup = 4.0 * one.as_secs_f64() / four.as_secs_f64();
    let serial = format!(
        "4 CPU-bound threads took {} against {} for one: {speedup:.2}x the speed of one at a time (a GIL allows at most {MAX_CPU_SPEEDUP})",
        ms(four),
        ms(one)
    );
    if speedup > MAX_CPU_SPEEDUP {
        return report
            .with(Evidence::fail("serial", serial))
            .diagnose("CPU-bound threads ran faster together than one at a time: the lock did not serialise them.");
    }
    report.push(Evidence::pass("serial", serial));

    let compute = one / 200 / 10 * (IO_CALLS * IO_THREADS) as u32;
    let ideal = IO_LATENCY * IO_CALLS as u32 + compute;
    let one_at_a_time = (IO_LATENCY * IO_CALLS as u32) * IO_THREADS as u32 + compute;
    let overlap = format!(
        "{IO_THREADS} threads blocking {IO_CALLS} x {} each took {} (ideal {}, one at a time {})",
        ms(IO_LATENCY),
        ms(io_time),
        ms(ideal),
        ms(one_at_a_time)
    );
    report.chart = Some(time_chart(
        format!("{IO_THREADS} threads that mostly wait"),
        &[
            ("one at a time", one_at_a_time),
            ("yours", io_time),
            ("ideal", ideal),
        ],
    ));
    if !measured::grade::io_fast_enough(io_time, ideal) {
        return report
            .with(Evidence::fail("io overlaps", overlap))
            .diagnose("Threads blocked one after another: a blocking call must run without the lock. In `allow_threads`, release, run the call, then acquire again.");
    }
    report.with(Evidence::pass("io overlaps", overlap))
}

fn run<G: Gil>(new: &impl Fn(Duration) -> G, programs: &[Vec<Step>]) -> (Duration, Probe) {
    let gil = new(INTERVAL);
    let probe = Probe::new();
    let elapsed = run_threads(&gil, &probe, programs);
    (elapsed, probe)
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
