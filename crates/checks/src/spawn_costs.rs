//! 09/01 spawn costs: the learner measures what it costs to start a tokio
//! task, a thread and a process and wait for each, and the checker compares
//! with its own measurement in the same run.
//!
//! The check proves: the learner's measurement really started processes
//! (the kernel's SIGCHLD reports each one that ended: a hard-coded or
//! estimated process figure starts none); it left none behind (no zombie,
//! each leftover named); the three numbers come in the order every machine
//! shows (task < thread < process, strictly); and each is within 3 times
//! the checker's own figure (exactly 3x agrees, more does not). The
//! checker's own measurement lives in the `references` crate, out of the
//! learner's reach.

use std::time::{Duration, Instant};

use measured::costs::SpawnCosts;
use measured::process::Spawner;
use references::costs::reference;
use verdict::{Evidence, Report, Status};

use crate::harness::{ms, time_chart};
use crate::processes::{ChildWatch, Watched, cleanup_evidence, watch};

/// The exercise's short name.
pub const NAME: &str = "spawn_costs";
/// The argument that makes the check binary exit at once: the process to
/// spawn.
pub const EXIT_ARG: &str = "--exit";
/// How far from the checker's own figure a number may be (exactly this
/// far agrees).
pub const FACTOR: f64 = 3.0;
/// [`FACTOR`] as a whole number, for exact comparisons of nanoseconds.
const FACTOR_WHOLE: u128 = 3;
/// The fewest processes one call of the learner's `measure` must start
/// (the exercise asks for 30; a figure from fewer is noise).
pub const MIN_PROCESSES: usize = 10;
/// How many more rounds of theirs and ours, at most, when they disagree.
pub const RETRIES: usize = 3;
/// No more rounds once the check has run this long.
pub const RETRY_BUDGET: Duration = Duration::from_secs(2);
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

/// The fastest figure of each kind over several rounds.
fn fastest(rounds: &[SpawnCosts]) -> SpawnCosts {
    pick(rounds, |a, b| a.min(b))
}

/// The second fastest figure of each kind over several rounds (the
/// fastest when there is one round): whether the checker's fastest was a
/// level the machine kept, or one lucky moment.
fn second_fastest(rounds: &[SpawnCosts]) -> SpawnCosts {
    let of = |f: fn(&SpawnCosts) -> Duration| {
        let mut all: Vec<Duration> = rounds.iter().map(f).collect();
        all.sort_unstable();
        all.get(1).or(all.first()).copied().unwrap_or_default()
    };
    SpawnCosts {
        task: of(|c| c.task),
        thread: of(|c| c.thread),
        process: of(|c| c.process),
    }
}

fn pick(rounds: &[SpawnCosts], keep: fn(Duration, Duration) -> Duration) -> SpawnCosts {
    let of = |f: fn(&SpawnCosts) -> Duration| rounds.iter().map(f).reduce(keep).unwrap_or_default();
    SpawnCosts {
        task: of(|c| c.task),
        thread: of(|c| c.thread),
        process: of(|c| c.process),
    }
}

/// How many times one figure is the other, whichever is larger.
fn distance(y: Duration, o: Duration) -> f64 {
    let ratio = y.as_secs_f64() / o.as_secs_f64().max(1e-12);
    ratio.max(1.0 / ratio.max(1e-12))
}

/// Is `y` more than [`FACTOR`] times `o`, or less than `o` / [`FACTOR`]?
/// Exact, on whole nanoseconds: exactly 3x is not beyond.
fn beyond(y: Duration, o: Duration) -> bool {
    let (y, o) = (y.as_nanos(), o.as_nanos());
    y > o * FACTOR_WHOLE || o > y * FACTOR_WHOLE
}

/// Whether the learner's figures are out of order or far from the checker's.
fn disagrees(yours: &SpawnCosts, ours: &SpawnCosts) -> bool {
    !(yours.task < yours.thread && yours.thread < yours.process)
        || beyond(yours.task, ours.task)
        || beyond(yours.thread, ours.thread)
        || beyond(yours.process, ours.process)
}

/// Pure: the `spawned` evidence from how many processes the kernel saw end
/// during each call of the learner's `measure` (`signals`: could it tell?).
pub fn judge_spawned(spawned: &[usize], signals: bool) -> (Evidence, Option<String>) {
    let fewest = spawned.iter().copied().min().unwrap_or(0);
    if !signals {
        return (
            Evidence::skipped(
                "spawned",
                "this platform does not report child processes: not counted",
            ),
            None,
        );
    }
    let counts: Vec<String> = spawned.iter().map(usize::to_string).collect();
    if fewest < MIN_PROCESSES {
        return (
            Evidence::fail(
                "spawned",
                format!(
                    "the kernel saw your measurement start and end {} processes per call (need at least {MIN_PROCESSES})",
                    counts.join(", ")
                ),
            ),
            Some(format!(
                "Your process figure was not measured: a figure typed in, or worked out from another one, is not a measurement of this machine. Start {MIN_PROCESSES} or more processes with `spawner.command().status()` (it waits for each), time them all and divide."
            )),
        );
    }
    (
        Evidence::pass(
            "spawned",
            format!(
                "the kernel saw {} processes start and end per call of your measurement",
                counts.join(", ")
            ),
        ),
        None,
    )
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
            // Each call of theirs is watched by the kernel: how many
            // processes it started (and ended).
            let mut spawned = Vec::new();
            let mut signals = true;
            let mut theirs = |spawned: &mut Vec<usize>| {
                let os = ChildWatch::signals_only();
                let costs = measure(&spawner);
                let log = os.stop();
                signals &= log.signals;
                spawned.push(log.candidate_pids().len());
                costs
            };
            // Theirs between two of the checker's. Noise only ever adds time,
            // so the fastest round of each is the figure; while the two
            // disagree, a few more rounds, interleaved, tell a busy moment
            // from a real difference.
            let started = Instant::now();
            let mut ours = vec![reference(&spawner, 1), reference(&spawner, 1)];
            // The checker's rounds from here on come after the learner's
            // first: they show whether the machine stayed as it was.
            let before = ours.len();
            let mut yours = vec![theirs(&mut spawned), theirs(&mut spawned)];
            ours.extend([reference(&spawner, 1), reference(&spawner, 1)]);
            for _ in 0..RETRIES {
                if started.elapsed() > RETRY_BUDGET || !disagrees(&fastest(&yours), &fastest(&ours))
                {
                    break;
                }
                yours.push(theirs(&mut spawned));
                ours.push(reference(&spawner, 1));
            }
            let ours = Ours {
                fastest: fastest(&ours),
                second: second_fastest(&ours),
                after: fastest(&ours[before..]),
            };
            (yours, ours, spawned, signals)
        })
    };
    let (yours, ours, spawned, signals) = match run {
        Watched::Returned((yours, ours, spawned, signals)) => {
            (fastest(&yours), ours, spawned, signals)
        }
        Watched::TimedOut { waited, .. } => {
            cleanup_evidence("after the measurement was stopped");
            return report
                .with(Evidence::fail("correct", format!("no numbers within {}", crate::processes::secs(waited))))
                .diagnose("Your measurement took too long: a few hundred threads and a few dozen processes are plenty. Is a spawned thread or process never ending?");
        }
    };
    let mut report = report;
    report.chart = Some(report_chart(&yours, &ours.fastest));
    let (evidence, cause) = judge_spawned(&spawned, signals);
    let failed = evidence.status == Status::Fail;
    report.push(evidence);
    if failed {
        cleanup_evidence("after `measure` returned");
        return report.diagnose(cause.unwrap_or_default());
    }
    let (cleanup, cause) = cleanup_evidence("after `measure` returned");
    let failed = cleanup.status == Status::Fail;
    report.push(cleanup);
    if failed {
        return report.diagnose(format!(
            "{} A process figure taken without waiting times only the start: time `spawner.command().status()`, which starts the process and waits for it.",
            cause.unwrap_or_default()
        ));
    }
    judge(report, yours, &ours)
}

/// What the checker's own rounds measured, each figure on its own.
#[derive(Debug, Clone, Copy)]
struct Ours {
    /// The fastest of all its rounds.
    fastest: SpawnCosts,
    /// The second fastest: whether the fastest was a level the machine
    /// kept, or one lucky moment.
    second: SpawnCosts,
    /// The fastest of the rounds taken after the learner's first round:
    /// whether the machine was still as fast when the learner measured.
    after: SpawnCosts,
}

/// The verdict on the learner's fastest figures (`yours`) against the
/// checker's own rounds.
fn judge(report: Report, yours: SpawnCosts, ours: &Ours) -> Report {
    let (ours, ours_second, ours_after) = (ours.fastest, ours.second, ours.after);
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
        (
            "task",
            yours.task,
            ours.task,
            ours_second.task,
            ours_after.task,
        ),
        (
            "thread",
            yours.thread,
            ours.thread,
            ours_second.thread,
            ours_after.thread,
        ),
        (
            "process",
            yours.process,
            ours.process,
            ours_second.process,
            ours_after.process,
        ),
    ];
    // A figure far above the checker's fastest is the machine's, not the
    // learner's, when the checker itself measured a slow level near it:
    // when its fastest was one lucky moment (its second fastest far
    // slower), or when the machine slowed down once the learner's rounds
    // began (its fastest round from then on far slower). When the machine
    // kept the fast level in the checker's rounds after the learner's, the
    // learner's rounds had it too.
    let slowed = |y: Duration, o: Duration, slow: Duration| {
        y.as_nanos() <= slow.as_nanos() * FACTOR_WHOLE && distance(slow, o) > 1.5
    };
    let unsettled = fields
        .into_iter()
        .filter(|&(_, y, o, _, _)| beyond(y, o) && y > o)
        .find_map(|(name, y, o, second, after)| {
            if slowed(y, o, second) {
                Some((name, y, o, second))
            } else if slowed(y, o, after) {
                Some((name, y, o, after))
            } else {
                None
            }
        });
    let fields = fields.map(|(name, y, o, _, _)| (name, y, o));
    let off = fields
        .into_iter()
        .filter(|&(_, y, o)| beyond(y, o))
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
    if ours.task.is_zero() || ours.thread.is_zero() || ours.process.is_zero() {
        report.push(Evidence::inconclusive(
            "agrees",
            format!("{summary}; the checker's own figure read zero (a clock too coarse here): nothing to compare with"),
        ));
        return report;
    }
    match off_cause {
        None => {
            report.push(Evidence::pass(
                "agrees",
                format!("each within {FACTOR}x of the checker's: {summary}"),
            ));
            report
        }
        Some(_) if unsettled.is_some() => {
            let (name, _, fast, slow) = unsettled.expect("just matched");
            report.push(Evidence::inconclusive(
                "agrees",
                format!(
                    "{summary}; the checker's own {name} figure moved from {} to {} during the check: the machine was too busy to compare",
                    us(fast),
                    us(slow)
                ),
            ));
            report.note("Run the check again when the machine is quieter (`checker doctor` shows how busy it is).")
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

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::{Status, Verdict};

    fn costs(task_ns: u64, thread_us: u64, process_us: u64) -> SpawnCosts {
        SpawnCosts {
            task: Duration::from_nanos(task_ns),
            thread: Duration::from_micros(thread_us),
            process: Duration::from_micros(process_us),
        }
    }

    /// The verdict on a machine that stayed as the checker's second
    /// fastest round saw it.
    fn steady(yours: SpawnCosts, fastest: SpawnCosts, second: SpawnCosts) -> Report {
        let ours = Ours {
            fastest,
            second,
            after: second,
        };
        judge(Report::new(NAME), yours, &ours)
    }

    #[test]
    fn a_machine_that_slowed_once_the_learners_rounds_began_is_not_blamed_on_them() {
        // Measured by the load matrix, quiet: the checker's two rounds
        // before the learner's gave 42 µs a thread, the learner's 213 µs,
        // the checker's after them 180 µs. The learner's code was the
        // checker's own loop.
        let (fastest, after) = (costs(300, 42, 1_500), costs(300, 180, 1_600));
        let ours = Ours {
            fastest,
            second: fastest,
            after,
        };
        let report = judge(Report::new(NAME), costs(300, 213, 2_100), &ours);
        assert_eq!(agrees(&report), Status::Inconclusive);
        assert!(
            report
                .evidence("agrees")
                .unwrap()
                .summary
                .contains("moved from 42.0 µs to 180.0 µs"),
            "{report:?}"
        );
        // The same figure when the checker's later rounds kept 42 µs: the
        // learner's loop does more than spawn and join.
        let ours = Ours {
            after: fastest,
            ..ours
        };
        let report = judge(Report::new(NAME), costs(300, 213, 2_100), &ours);
        assert_eq!(agrees(&report), Status::Fail);
    }

    fn agrees(report: &Report) -> Status {
        report.evidence("agrees").expect("an agrees line").status
    }

    #[test]
    fn figures_within_three_times_agree() {
        let report = steady(
            costs(400, 60, 1_200),
            costs(300, 40, 1_000),
            costs(350, 45, 1_100),
        );
        assert_eq!(report.verdict(), Verdict::Pass);
    }

    #[test]
    fn a_figure_far_off_on_a_steady_machine_fails_with_the_cause() {
        let report = steady(
            costs(3_000, 40, 1_000),
            costs(300, 40, 1_000),
            costs(330, 44, 1_100),
        );
        assert_eq!(agrees(&report), Status::Fail);
        assert!(
            report
                .diagnosis
                .as_deref()
                .unwrap()
                .starts_with("Your task figure is 10x the checker's")
        );
    }

    #[test]
    fn a_figure_the_checkers_own_slow_rounds_reached_is_inconclusive() {
        // The checker's thread figure moved from 40 to 100 µs during the
        // check; 150 µs is within 3x of its slow round.
        let report = steady(
            costs(300, 150, 1_000),
            costs(300, 40, 1_000),
            costs(300, 100, 1_000),
        );
        assert_eq!(agrees(&report), Status::Inconclusive);
        assert_eq!(report.verdict(), Verdict::NotJudged);
        assert!(
            report
                .evidence("agrees")
                .unwrap()
                .summary
                .contains("moved from 40.0 µs to 100.0 µs")
        );
    }

    #[test]
    fn a_fast_level_the_checker_kept_twice_is_not_excused() {
        // Recorded under a one-core hog: 10x the task figure (2.5 µs)
        // against 0.2 µs; the checker's slowest round was 3.6 µs, but its
        // fastest two agreed, so the learner's rounds had the quiet level.
        let report = steady(
            SpawnCosts {
                task: Duration::from_nanos(2_500),
                ..costs(0, 31, 892)
            },
            SpawnCosts {
                task: Duration::from_nanos(200),
                ..costs(0, 41, 830)
            },
            SpawnCosts {
                task: Duration::from_nanos(250),
                ..costs(0, 45, 900)
            },
        );
        assert_eq!(agrees(&report), Status::Fail);
    }

    #[test]
    fn too_small_a_figure_is_never_blamed_on_the_machine() {
        // Noise only adds time: a figure far below the checker's is the
        // learner's (not waiting for what they spawned).
        let report = steady(
            costs(300, 5, 1_000),
            costs(300, 40, 1_000),
            costs(300, 100, 1_000),
        );
        assert_eq!(agrees(&report), Status::Fail);
    }

    #[test]
    fn exactly_three_times_agrees_and_a_nanosecond_more_does_not() {
        let ours = costs(1_000, 40, 1_000);
        let yours = SpawnCosts {
            task: Duration::from_nanos(3_000),
            thread: Duration::from_micros(120),
            process: Duration::from_micros(3_000),
        };
        let report = steady(yours, ours, ours);
        assert_eq!(agrees(&report), Status::Pass);
        // And a third of it, from below.
        let third = SpawnCosts {
            task: Duration::from_nanos(334),
            thread: Duration::from_nanos(13_334),
            process: Duration::from_nanos(333_334),
        };
        assert_eq!(agrees(&steady(third, ours, ours)), Status::Pass);
        let over = SpawnCosts {
            task: Duration::from_nanos(3_001),
            ..yours
        };
        assert_eq!(agrees(&steady(over, ours, ours)), Status::Fail);
        let under = SpawnCosts {
            task: Duration::from_nanos(333),
            ..yours
        };
        assert_eq!(agrees(&steady(under, ours, ours)), Status::Fail);
    }

    #[test]
    fn a_zero_figure_fails_and_a_zero_reference_compares_nothing() {
        let ours = costs(300, 40, 1_000);
        for zero in [costs(0, 40, 1_000), costs(300, 0, 1_000), costs(300, 40, 0)] {
            let report = steady(zero, ours, ours);
            assert_eq!(report.evidence("correct").unwrap().status, Status::Fail);
            assert!(report.diagnosis.unwrap().contains("A cost of zero"));
        }
        let report = steady(ours, costs(0, 40, 1_000), ours);
        assert_eq!(agrees(&report), Status::Inconclusive);
    }

    #[test]
    fn equal_figures_are_out_of_order() {
        // `<`, not `<=`: a task that costs as much as a thread is wrong.
        for yours in [costs(40_000, 40, 1_000), costs(300, 1_000, 1_000)] {
            let report = steady(yours, costs(300, 40, 1_000), costs(300, 40, 1_000));
            assert_eq!(report.evidence("order").unwrap().status, Status::Fail);
        }
    }

    #[test]
    fn processes_counted_by_the_kernel_are_probed_at_the_minimum() {
        // Recorded: the solution 30 per call, a hard-coded figure 0.
        assert_eq!(judge_spawned(&[30, 30], true).0.status, Status::Pass);
        let (e, cause) = judge_spawned(&[0, 0], true);
        assert_eq!(e.status, Status::Fail);
        assert!(cause.unwrap().contains("was not measured"));
        assert_eq!(
            judge_spawned(&[MIN_PROCESSES, 30], true).0.status,
            Status::Pass
        );
        assert_eq!(
            judge_spawned(&[30, MIN_PROCESSES - 1], true).0.status,
            Status::Fail
        );
        assert_eq!(judge_spawned(&[0], false).0.status, Status::Skipped);
    }

    #[test]
    fn out_of_order_fails_whatever_the_noise() {
        let report = steady(
            costs(300, 2_000, 1_000),
            costs(300, 40, 1_000),
            costs(300, 100, 1_000),
        );
        assert_eq!(report.evidence("order").unwrap().status, Status::Fail);
    }
}
