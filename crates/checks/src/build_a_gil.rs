//! 02/01 build a GIL: the learner's lock, driven by the toy interpreter of
//! [`measured::interpreter`]. Never two threads in bytecode; no thread
//! starves (each of 4 CPU-bound threads progresses in every 50 ms); 4
//! CPU-bound threads take about 4x one (speedup at most 1.2: the GIL's
//! `n * t`); 8 threads that mostly block overlap (at least 0.8 of ideal).

use std::time::Duration;

use measured::interpreter::{Gil, Probe, Step, longest_wait, run_threads};
use measured::kernel::units_for;
use verdict::{Evidence, Report};

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
