//! 09/01 spawn costs: the learner measures what it costs to start a tokio
//! task, a thread and a process and wait for each, and the checker compares
//! with its own measurement in the same run.
//!
//! The check proves: the three numbers come in the order every machine
//! shows (task < thread < process, each by a wide margin), and each is
//! within 3 times the checker's own figure.

use std::time::Duration;

use measured::costs::{SpawnCosts, reference};
use measured::process::Spawner;
use verdict::{Evidence, Report};

use crate::harness::{ms, time_chart};
use crate::processes::{Watched, watch};

/// The exercise's short name.
pub const NAME: &str = "spawn_costs";
/// The argument that makes the check binary exit at once: the process to
/// spawn.
pub const EXIT_ARG: &str = "--exit";
/// How far from the checker's own figure a number may be.
pub const FACTOR: f64 = 3.0;
/// How long a measurement may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(6);

/// Checks a `measure` and writes the report. Started with [`EXIT_ARG`],
/// the program exits at once instead: that is the process being measured.
pub fn main(measure: impl Fn(&Spawner) -> SpawnCosts + Send + Sync + Clone + 'static) {
    if std::env::args().nth(1).as_deref() == Some(EXIT_ARG) {
        std::process::exit(0);
    }
    crate::main(NAME, || {
        let spawner = Spawner::this_program([EXIT_ARG]).expect("this program's path");
        check(measure, spawner)
    });
}

fn us(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        ms(d)
    } else {
        format!("{us:.1} µs")
    }
}

/// Checks a `measure` whose processes `spawner` starts.
pub fn check(
    measure: impl Fn(&Spawner) -> SpawnCosts + Send + Sync + Clone + 'static,
    spawner: Spawner,
) -> Report {
    let report = Report::new(NAME);
    let run = {
        let spawner = spawner.clone();
        watch(LIMIT, move || {
            // Theirs between two of the checker's, and the best of each.
            let before = reference(&spawner, 2);
            let first = measure(&spawner);
            let second = measure(&spawner);
            let after = reference(&spawner, 2);
            let best =
                |f: fn(&SpawnCosts) -> Duration, a: &SpawnCosts, b: &SpawnCosts| f(a).min(f(b));
            let pick = |a: &SpawnCosts, b: &SpawnCosts| SpawnCosts {
                task: best(|c| c.task, a, b),
                thread: best(|c| c.thread, a, b),
                process: best(|c| c.process, a, b),
            };
            (pick(&first, &second), pick(&before, &after))
        })
    };
    let (yours, ours) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { .. } => {
            return report
                .with(Evidence::fail("correct", format!("no numbers within {} s", LIMIT.as_secs())))
                .diagnose("Your measurement took too long: a few hundred threads and a few dozen processes are plenty. Is a spawned thread or process never ending?");
        }
    };
    let line = |name: &str, y: Duration, o: Duration| {
        format!("{name} {} (the checker measured {})", us(y), us(o))
    };
    let summary = format!(
        "{}; {}; {}",
        line("task", yours.task, ours.task),
        line("thread", yours.thread, ours.thread),
        line("process", yours.process, ours.process)
    );
    let mut report = report;
    report.chart = Some(report_chart(&yours, &ours));
    if yours.task.is_zero() || yours.thread.is_zero() || yours.process.is_zero() {
        return report
            .with(Evidence::fail("correct", summary))
            .diagnose("A cost of zero means nothing was timed: divide the time of many spawns by how many there were, with `Duration` arithmetic (`elapsed / n`), not integer milliseconds.");
    }
    // The figure furthest from the checker's, and what that points to.
    let fields = [
        ("task", yours.task, ours.task),
        ("thread", yours.thread, ours.thread),
        ("process", yours.process, ours.process),
    ];
    let distance = |y: Duration, o: Duration| {
        let ratio = y.as_secs_f64() / o.as_secs_f64().max(1e-12);
        ratio.max(1.0 / ratio.max(1e-12))
    };
    let off = fields
        .into_iter()
        .filter(|&(_, y, o)| distance(y, o) > FACTOR)
        .max_by(|a, b| distance(a.1, a.2).total_cmp(&distance(b.1, b.2)));
    let off_cause = off.map(|(name, y, o)| {
        if y > o {
            format!("Your {name} figure is {:.0}x the checker's: is something besides the spawn-and-wait inside the timed loop (work or a sleep in the task, thread or process; building a runtime; printing)? Or more spawns than you divide by? Divide by the number of spawns.", y.as_secs_f64() / o.as_secs_f64())
        } else {
            format!("Your {name} figure is {:.0}x smaller than the checker's: are you waiting for each one to end (`.await` the handle, `join` the thread, `wait` for the child) inside the timed loop?", o.as_secs_f64() / y.as_secs_f64().max(1e-12))
        }
    });
    if !(yours.task < yours.thread && yours.thread < yours.process) {
        let cause = off_cause.clone().unwrap_or_else(|| {
            if yours.task >= yours.thread {
                "Your task costs as much as a thread: are you building a new tokio runtime for each task? Build one runtime, then time only `tokio::spawn(async {}).await` inside it, many times.".to_owned()
            } else {
                "Your numbers are not in the order every machine shows (task, then thread, then process): time many spawns of each and divide, and wait for each (await, join, wait) inside the timed loop.".to_owned()
            }
        });
        return report
            .with(Evidence::fail("order", summary))
            .diagnose(cause);
    }
    let mut report = report.with(Evidence::pass(
        "order",
        format!(
            "task < thread < process: {} < {} < {}",
            us(yours.task),
            us(yours.thread),
            us(yours.process)
        ),
    ));
    match off_cause {
        None => {
            report.push(Evidence::pass(
                "agrees",
                format!("each within {FACTOR}x of the checker's: {summary}"),
            ));
            report
        }
        Some(cause) => {
            report.push(Evidence::fail("agrees", summary));
            report.diagnose(cause)
        }
    }
}

fn report_chart(yours: &SpawnCosts, ours: &SpawnCosts) -> verdict::Chart {
    let mut chart = time_chart(
        "spawn and wait, one of each (µs)",
        &[
            ("task, yours", yours.task),
            ("task, checker's", ours.task),
            ("thread, yours", yours.thread),
            ("thread, checker's", ours.thread),
            ("process, yours", yours.process),
            ("process, checker's", ours.process),
        ],
    );
    chart.unit = "µs".into();
    for bar in &mut chart.bars {
        bar.value *= 1000.0;
    }
    chart
}
