//! 01/01 heartbeat: the job's answer comes back, the job ran on another
//! thread, and the app never went 50 ms without a tick while it ran.

use std::time::{Duration, Instant};

use measured::app::{App, Job};
use measured::heartbeat::Heartbeat;
use measured::kernel::units_for;
use verdict::{Evidence, Report};

use crate::harness::{ms, seed, time_chart};

/// The exercise's short name.
pub const NAME: &str = "heartbeat";
/// How long the job computes on a quiet machine.
pub const JOB_TIME: Duration = Duration::from_millis(400);
/// The longest the app may go without a tick while the job runs.
pub const MAX_GAP: Duration = Duration::from_millis(50);

/// Checks a `run_app` and writes the report (called by `check.rs`).
pub fn main(run_app: impl FnOnce(&mut App, Job) -> u64) {
    crate::main(NAME, || check(run_app));
}

/// Checks a `run_app`.
pub fn check(run_app: impl FnOnce(&mut App, Job) -> u64) -> Report {
    let heartbeat = Heartbeat::new();
    let mut app = App::new(heartbeat.clone());
    let (job, record) = Job::new(units_for(JOB_TIME), seed());
    let app_thread = std::thread::current().id();
    let answer = run_app(&mut app, job);
    let returned = Instant::now();
    let report = Report::new(NAME);

    let Some(run) = record.run() else {
        if record.started() {
            return report
                .with(Evidence::fail(
                    "correct",
                    format!("run_app returned {answer} while the job was still running"),
                ))
                .diagnose("Wait for the job to finish (tick until it has, then `join`) and return its answer.");
        }
        return report
            .with(Evidence::fail(
                "correct",
                format!("run_app returned {answer}, but the job never ran"),
            ))
            .diagnose("Call `job.run()` (on another thread) and return what it returns.");
    };
    if answer != run.answer {
        return report
            .with(Evidence::fail(
                "correct",
                format!(
                    "run_app returned {answer}, but the job's answer was {}",
                    run.answer
                ),
            ))
            .diagnose("Return the value `job.run()` gave back, unchanged.");
    }
    let report = report.with(Evidence::pass("correct", "returned the job's answer"));

    let job_time = run.finished - run.started;
    let gap = heartbeat.worst_gap(run.started, run.finished);
    let ticks_during = heartbeat
        .ticks()
        .iter()
        .filter(|&&t| t > run.started && t < run.finished)
        .count();
    let chart = time_chart(
        "longest time without a tick while the job ran",
        &[
            ("job on the app's thread", job_time),
            ("yours", gap),
            ("allowed", MAX_GAP),
        ],
    );
    let mut report = if run.thread == app_thread {
        report
            .with(Evidence::fail(
                "concurrent",
                "the job ran on the app's own thread",
            ))
            .diagnose(format!(
                "The job ran on the app's own thread, so nothing ticked for {}: move `job.run()` into `std::thread::spawn`.",
                ms(gap)
            ))
    } else {
        report.with(Evidence::pass(
            "concurrent",
            "the job ran on another thread",
        ))
    };
    let responsive = format!(
        "worst gap between ticks {} while the job ran for {} (need under {}), {ticks_during} ticks",
        ms(gap),
        ms(job_time),
        ms(MAX_GAP)
    );
    report = if gap < MAX_GAP {
        report.with(Evidence::pass("responsive", responsive))
    } else if ticks_during == 0 {
        report
            .with(Evidence::fail("responsive", responsive))
            .diagnose(
                "The job ran on another thread, but the app did not tick while it ran: are you joining the thread right after spawning it? Tick until the job has finished, then join.",
            )
    } else {
        report
            .with(Evidence::fail("responsive", responsive))
            .diagnose(format!(
                "The app ticked, but once went {} without a tick: sleep `App::TICK` between ticks, never longer.",
                ms(gap)
            ))
    };
    let late = returned.saturating_duration_since(run.finished);
    if late > MAX_GAP && report.verdict().is_done() {
        report = report
            .with(Evidence::fail(
                "responsive",
                format!("returned {} after the job finished", ms(late)),
            ))
            .diagnose("Return the answer as soon as the job has finished.");
    }
    report.chart = Some(chart);
    report
}
