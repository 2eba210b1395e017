//! 05/03 crash isolation: some tasks make their worker abort. The pool
//! notices, reports exactly those tasks as failed, replaces the dead worker
//! and finishes the rest.
//!
//! The check proves: one outcome per task, in order; every good task
//! answered right; every poison task, and only those, reported failed with a
//! reason; the pool itself survived (a panic is a fail); the work ran in
//! workers (every answer names a process the OS saw this process start,
//! never this one; the children's CPU time carries the work and this
//! process's does not); the poison really went to workers and they really
//! died (the kernel reported children killed by SIGABRT); dead workers were
//! replaced, not every task given a process of its own (the processes the
//! OS saw start); more than one worker computed at once (tasks of two
//! workers in progress together, as each worker's `task.run()` stamped
//! them); and no worker was left running or
//! unwaited-for, each leftover named. Nothing here counts calls to
//! `spawner.command()`: a command built is not a process started.

use std::collections::BTreeSet;
use std::io::{self, StdinLock, StdoutLock};
use std::time::Duration;

use measured::clock::{children_cpu_time, process_cpu_time, thread_cpu_time};
use measured::kernel::{mix, units_for};
use measured::measure::parallelism;
use measured::process::{Answer, Failed, Spawner, Task, WORKER_ARG, recorded};
use references::processes::{batch, expected, is_poison, poison_seed};
use verdict::{Evidence, Report, Status};

use crate::harness::{ms, panic_message, seed};
use crate::processes::{
    ChildLog, ChildWatch, SIDE_BY_SIDE_SAMPLES, Watched, cleanup_evidence, hung_cause,
    serve_if_worker, watch,
};

/// The exercise's short name.
pub const NAME: &str = "crash_isolation";
/// How many tasks.
pub const TASKS: usize = 300;
/// How many of them are poison.
pub const POISON: usize = 6;
/// The CPU one task takes.
pub const TASK_CPU: Duration = Duration::from_micros(500);
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(6);

/// One outcome per task: its answer, or why it failed.
pub type Outcome = Result<Answer, Failed>;

/// The learner's pool: runs `tasks` on `workers` workers from `spawner` and
/// returns one outcome per task, in order.
pub trait RunFn: Fn(&[Task], usize, &Spawner) -> Vec<Outcome> + Send + Sync + 'static {}
impl<F> RunFn for F where F: Fn(&[Task], usize, &Spawner) -> Vec<Outcome> + Send + Sync + 'static {}

/// The check binary's `main`: a worker when started as one, else the checks.
pub fn main(
    worker: impl FnOnce(StdinLock<'static>, StdoutLock<'static>) -> io::Result<()>,
    run: impl RunFn,
) {
    serve_if_worker(worker);
    crate::main(NAME, || {
        let spawner = Spawner::this_program([WORKER_ARG]).expect("this program's path");
        check(run, spawner)
    });
}

/// `TASKS` tasks, `POISON` of them poison, spread through the list (never
/// first, so the pool is already running when the first one comes).
pub(crate) fn tasks(seed: u64) -> Vec<Task> {
    let units = units_for(TASK_CPU);
    let mut tasks = batch(TASKS, units, seed);
    let stride = TASKS / POISON;
    for k in 0..POISON {
        let at = k * stride + 5 + (mix(seed ^ k as u64) as usize % (stride - 10));
        tasks[at].seed = poison_seed(mix(seed ^ at as u64));
    }
    tasks
}

/// Checks a `run` whose workers `spawner` starts.
pub fn check(run: impl RunFn, spawner: Spawner) -> Report {
    let report = Report::new(NAME);
    let workers = parallelism().max(2);
    let tasks = tasks(seed());
    let cpu_before = thread_cpu_time();
    let expected: Vec<u64> = tasks.iter().map(expected).collect();
    let work_cpu = thread_cpu_time() - cpu_before;

    let (children_before, own_before) = (children_cpu_time(), process_cpu_time());
    let os = ChildWatch::start();
    let watched = {
        let (tasks, spawner) = (tasks.clone(), spawner.clone());
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let started = std::time::Instant::now();
            let outcome = watch(LIMIT, move || run(&tasks, workers, &spawner));
            (outcome, started.elapsed())
        }))
    };
    let os = os.stop();
    let cpu = Cpu {
        work: work_cpu,
        own: process_cpu_time()
            .saturating_sub(own_before)
            .saturating_sub(os.watch_cpu),
        children: children_cpu_time().saturating_sub(children_before),
    };
    let (outcomes, took) = match watched {
        Ok((Watched::Returned(outcomes), took)) => (outcomes, took),
        Ok((Watched::TimedOut { killed, waited }, _)) => {
            return report
                .with(Evidence::fail(
                    "correct",
                    format!("no outcomes within {}", crate::processes::secs(waited)),
                ))
                .diagnose(format!(
                    "{} If a worker died, reading its stdout gives the end of the file (0 bytes) at once: treat that as the crash, not as a reason to wait, and do not send the poison task again and again.",
                    hung_cause(waited, killed)
                ));
        }
        Err(panic) => {
            // A `todo!()` not yet replaced is "not started", as everywhere.
            if crate::harness::first_panic().is_some_and(|p| p.is_todo()) {
                std::panic::resume_unwind(panic);
            }
            let message = match crate::harness::first_panic() {
                Some(first) => match first.location {
                    Some(at) => format!("{} at {at}", first.message),
                    None => first.message,
                },
                None => panic_message(panic.as_ref()),
            };
            crate::processes::cleanup_evidence("after the panic");
            return report
                .with(Evidence::fail(
                    "survives",
                    format!("the pool itself panicked: {message}"),
                ))
                .diagnose(format!(
                    "Your pool panicked ({message}) when a worker died: the crash it was built to contain took the parent down too. A dead worker shows up as the end of its stdout (`read_line` returns 0) or a broken pipe when you write: handle that case, `wait()` for the dead child, report its task as `Failed`, and start a new worker."
                ));
        }
    };

    if let Some((line, cause)) = wrong_outcomes(&tasks, &expected, &outcomes) {
        crate::processes::cleanup_evidence("after `run` returned");
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    let poison: Vec<&Failed> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    let good = tasks.len() - poison.len();
    let reason = poison.first().map(|f| f.reason.clone()).unwrap_or_default();
    let mut report = report.with(Evidence::pass(
        "correct",
        format!(
            "{good} of {good} good tasks answered right, in order; the {} poison tasks reported failed (\"{reason}\"); all {} done in {}",
            poison.len(),
            tasks.len(),
            ms(took)
        ),
    ));

    // Leftovers first: a zombie's CPU time is not counted, so the CPU
    // evidence below would blame the wrong thing.
    let (cleanup, cause) = cleanup_evidence("after `run` returned");
    let failed = cleanup.status == Status::Fail;
    report.push(cleanup);
    if failed {
        let cause = cause.unwrap_or_default();
        return report.diagnose(format!(
            "{cause} That includes the workers that crashed: a dead child is a zombie until you wait for it, and `wait()` is also how you learn how it died."
        ));
    }
    let facts = Facts::from_log(&os, workers, cpu, &outcomes);
    // A process per task spends this process's CPU on starting them: say
    // that first, it is the cause.
    for judge in [
        judge_persistent,
        judge_in_workers,
        judge_survives,
        judge_side_by_side,
    ] {
        let (evidence, cause) = judge(&outcomes, &facts);
        let failed = evidence.status == Status::Fail;
        report.push(evidence);
        if failed {
            return report.diagnose(cause.unwrap_or_default());
        }
    }
    report
}

/// Why `outcomes` are not right for `tasks`, if they are not.
fn wrong_outcomes(
    tasks: &[Task],
    expected: &[u64],
    outcomes: &[Outcome],
) -> Option<(String, String)> {
    if outcomes.len() != tasks.len() {
        return Some((
            format!("{} outcomes for {} tasks", outcomes.len(), tasks.len()),
            "Return one outcome per task, in the order of the tasks: `Ok(answer)` or `Err(Failed { .. })`.".into(),
        ));
    }
    let mut misplaced = 0;
    let mut wrong_value = 0;
    let mut fine_but_failed = 0;
    let mut poison_answered = 0;
    let mut no_reason = 0;
    for ((task, want), outcome) in tasks.iter().zip(expected).zip(outcomes) {
        match outcome {
            Ok(answer) if answer.id != task.id => misplaced += 1,
            Err(failed) if failed.id != task.id => misplaced += 1,
            Ok(_) if is_poison(task) => poison_answered += 1,
            Ok(answer) if answer.value != *want => wrong_value += 1,
            Ok(_) => {}
            Err(_) if !is_poison(task) => fine_but_failed += 1,
            Err(failed) if failed.reason.trim().is_empty() => no_reason += 1,
            Err(_) => {}
        }
    }
    let poison = tasks.iter().filter(|t| is_poison(t)).count();
    if misplaced > 0 {
        return Some((
            format!("{misplaced} of {} outcomes out of order", tasks.len()),
            "Put each outcome at the index of its task: the answer's (or the failure's) `id` is the task's.".into(),
        ));
    }
    if fine_but_failed > 0 {
        return Some((
            format!(
                "{fine_but_failed} good tasks reported failed, besides the {poison} poison ones"
            ),
            "Only the task a worker died on has failed. Tasks that worker had not answered yet, and every task after the crash, must still be run: start a new worker in place of the dead one and carry on (a worker that gets one task at a time makes the culprit obvious).".into(),
        ));
    }
    if poison_answered > 0 {
        return Some((
            format!("{poison_answered} poison tasks have an answer, yet their worker died"),
            "A task whose worker died before answering has no answer: report it as `Err(Failed { id, reason })`.".into(),
        ));
    }
    if wrong_value > 0 {
        return Some((
            format!("{wrong_value} answers have the wrong value"),
            "Send each answer back as the worker computed it.".into(),
        ));
    }
    if no_reason > 0 {
        return Some((
            format!("{no_reason} failures give no reason"),
            "Say why a task failed: the dead worker's exit status from `child.wait()` (\"signal: 6 (SIGABRT)\") is what an operator needs.".into(),
        ));
    }
    None
}

/// Where the CPU time of a run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cpu {
    /// What the good tasks take on one core.
    pub work: Duration,
    /// This process, while the pool ran (the watch's own sampling out).
    pub own: Duration,
    /// The children waited for while the pool ran.
    pub children: Duration,
}

/// What the OS and the clocks showed about one run: the facts the judges
/// below decide on, recorded so that they can be unit-tested.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Could the OS show children at all?
    pub available: bool,
    /// Did SIGCHLD reports arrive (so deaths are known)?
    pub signals: bool,
    /// The candidate's children the OS saw start.
    pub started: BTreeSet<u32>,
    /// Of those, how many the kernel reported killed by SIGABRT.
    pub aborted: usize,
    /// The most tasks of two or more workers in progress at once, from the
    /// start and end each worker's `task.run()` stamped on its answer.
    pub in_flight: usize,
    /// Of the samples at which a worker was runnable, the share at which
    /// two or more were (shown, not graded: under load a worker that has
    /// just answered stays runnable a while).
    pub share: f64,
    /// Samples at which a worker was runnable.
    pub samples: usize,
    /// The pool's size.
    pub workers: usize,
    /// CPU time.
    pub cpu: Cpu,
}

impl Facts {
    fn from_log(log: &ChildLog, workers: usize, cpu: Cpu, outcomes: &[Outcome]) -> Facts {
        let answers: Vec<Answer> = outcomes
            .iter()
            .filter_map(|o| o.as_ref().ok().copied())
            .collect();
        Facts {
            in_flight: recorded(&answers).stats().high_water,
            available: log.available,
            signals: log.signals,
            started: log.candidate_pids(),
            aborted: log.killed_by(libc::SIGABRT),
            share: log.share_busy(2).0,
            samples: log.share_busy(2).1,
            workers,
            cpu,
        }
    }
}

/// Pure: the answers came from workers the OS saw start, and the work's
/// CPU time is the children's.
pub fn judge_in_workers(outcomes: &[Outcome], f: &Facts) -> (Evidence, Option<String>) {
    let me = std::process::id();
    let answers: Vec<&Answer> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    let here = answers.iter().filter(|a| a.pid == me).count();
    let numbers = format!(
        "the workers used {} of CPU and this process {} (the good tasks take {} on one core)",
        ms(f.cpu.children),
        ms(f.cpu.own),
        ms(f.cpu.work)
    );
    if here > 0 {
        return (
            Evidence::fail(
                "in workers",
                format!("{here} of {} answers were computed in this process, not a worker; {numbers}", answers.len()),
            ),
            Some("The tasks ran in the parent process: a poison task there would have killed the pool itself, which is what worker processes are for. Send every task to a worker (`Worker::run`), and let the crash happen there.".into()),
        );
    }
    if f.available {
        let strangers: BTreeSet<u32> = answers
            .iter()
            .map(|a| a.pid)
            .filter(|p| !f.started.contains(p))
            .collect();
        if !strangers.is_empty() {
            return (
                Evidence::fail(
                    "in workers",
                    format!("{} answers name pids the OS never saw this process start; {numbers}", strangers.len()),
                ),
                Some("Return each answer as the worker sent it: it names the worker process that computed it.".into()),
            );
        }
    }
    if f.cpu.own > f.cpu.work / 2 {
        return (
            Evidence::fail("in workers", numbers),
            Some("This process spent as much CPU as the work itself: the tasks, or copies of them, ran here. The pool only sends tasks and reads answers.".into()),
        );
    }
    if f.cpu.children < f.cpu.work / 2 {
        return (
            Evidence::fail("in workers", format!("{numbers}: the workers' time was not counted")),
            Some("A child's CPU time is counted when its parent waits for it: `finish()` every worker, the live ones at the end and the dead ones as soon as they die.".into()),
        );
    }
    let pids: BTreeSet<u32> = answers.iter().map(|a| a.pid).collect();
    (
        Evidence::pass(
            "in workers",
            format!(
                "{} answers from {} worker processes; {numbers}",
                answers.len(),
                pids.len()
            ),
        ),
        None,
    )
}

/// Pure: the poison reached workers, which died of it (SIGABRT, as the
/// kernel reported each death), and the pool carried on.
pub fn judge_survives(outcomes: &[Outcome], f: &Facts) -> (Evidence, Option<String>) {
    let failed = outcomes.iter().filter(|o| o.is_err()).count();
    if !f.available || !f.signals {
        return (
            Evidence::pass(
                "survives",
                format!(
                    "{failed} tasks reported failed and the pool carried on (this platform cannot show how children died)"
                ),
            ),
            None,
        );
    }
    if f.aborted == 0 {
        return (
            Evidence::fail(
                "survives",
                format!("{failed} tasks reported failed, yet the kernel reported no worker killed by SIGABRT: the poison tasks never reached a worker"),
            ),
            Some("The pool must find out that a task is poison by sending it to a worker and watching that worker die: do not screen tasks in the parent (here nothing can know in advance which input crashes a C library).".into()),
        );
    }
    (
        Evidence::pass(
            "survives",
            format!(
                "the kernel reported {} workers killed by SIGABRT and the pool carried on to the last task",
                f.aborted
            ),
        ),
        None,
    )
}

/// The most processes a pool of `workers` may start for `POISON` crashes:
/// one per worker, one per crash, and a spare per crash.
pub fn start_limit(workers: usize) -> usize {
    workers + 2 * POISON
}

/// Pure: dead workers were replaced, not a process started per task.
pub fn judge_persistent(outcomes: &[Outcome], f: &Facts) -> (Evidence, Option<String>) {
    let limit = start_limit(f.workers);
    let n = f.started.len();
    if !f.available {
        return (
            Evidence::skipped(
                "persistent",
                "this platform cannot list processes: not counted",
            ),
            None,
        );
    }
    if n > limit {
        return (
            Evidence::fail(
                "persistent",
                format!(
                    "the OS saw at least {n} worker processes start for {} tasks, {} workers and {POISON} crashes (at most {limit} needed)",
                    outcomes.len(),
                    f.workers
                ),
            ),
            Some("Your pool starts a process per task: every task pays for a process start, and a crash needs no replacement because nothing is reused. Keep each worker for task after task, and start a new one only in place of one that died.".into()),
        );
    }
    (
        Evidence::pass(
            "persistent",
            format!(
                "the OS saw {n} worker processes start: {} workers and the replacements of the dead",
                f.workers
            ),
        ),
        None,
    )
}

/// Pure: more than one worker computed at once.
pub fn judge_side_by_side(_outcomes: &[Outcome], f: &Facts) -> (Evidence, Option<String>) {
    let seen = if f.available && f.samples >= SIDE_BY_SIDE_SAMPLES {
        format!(
            "; the kernel showed 2 or more runnable at {:.0}% of {} samples at which any was",
            f.share * 100.0,
            f.samples
        )
    } else {
        String::new()
    };
    if f.workers < 2 || f.in_flight >= 2 {
        return (
            Evidence::pass(
                "side by side",
                format!(
                    "up to {} tasks of the {} workers in progress at once{seen}",
                    f.in_flight, f.workers
                ),
            ),
            None,
        );
    }
    (
        Evidence::fail(
            "side by side",
            format!(
                "never more than {} task of the {} workers in progress at once{seen}",
                f.in_flight, f.workers
            ),
        ),
        Some("One worker at a time did all the work: a crash pool is still a pool. Give each of the `workers` slots its own worker and thread, taking the next task from a shared counter, so that they compute side by side and a crash stops only one of them.".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: u64, pid: u32) -> Outcome {
        Ok(Answer {
            id,
            value: 0,
            pid,
            started_ns: 0,
            ended_ns: 1,
        })
    }

    fn failed(id: u64) -> Outcome {
        Err(Failed {
            id,
            reason: "signal: 6 (SIGABRT)".into(),
        })
    }

    /// Recorded from the solution: 8 processes for 2 workers and 6 crashes,
    /// all 6 deaths reported, 91% of busy samples with both runnable.
    fn solution() -> Facts {
        Facts {
            available: true,
            signals: true,
            started: (101..109).collect(),
            aborted: 6,
            in_flight: 2,
            share: 0.91,
            samples: 86,
            workers: 2,
            cpu: Cpu {
                work: Duration::from_millis(157),
                own: Duration::from_millis(8),
                children: Duration::from_millis(176),
            },
        }
    }

    fn outcomes() -> Vec<Outcome> {
        vec![answer(0, 101), failed(1), answer(2, 102)]
    }

    #[test]
    fn the_solution_passes_every_judge() {
        for judge in [
            judge_in_workers,
            judge_survives,
            judge_persistent,
            judge_side_by_side,
        ] {
            let (e, cause) = judge(&outcomes(), &solution());
            assert_eq!(e.status, Status::Pass, "{}: {}", e.name, e.summary);
            assert!(cause.is_none());
        }
    }

    #[test]
    fn tasks_run_in_the_parent_fail_in_workers() {
        // Recorded: all 294 answers computed here, 160 ms of CPU here.
        let f = Facts {
            started: BTreeSet::new(),
            cpu: Cpu {
                own: Duration::from_millis(160),
                children: Duration::ZERO,
                ..solution().cpu
            },
            ..solution()
        };
        let here = vec![answer(0, std::process::id()), failed(1)];
        let (e, cause) = judge_in_workers(&here, &f);
        assert_eq!(e.status, Status::Fail);
        assert!(
            cause
                .unwrap()
                .contains("The tasks ran in the parent process")
        );
        // A pid the OS never saw start, with the CPU split right.
        let (e, _) = judge_in_workers(&[answer(0, 999)], &solution());
        assert_eq!(e.status, Status::Fail);
    }

    #[test]
    fn no_death_reported_means_the_poison_never_reached_a_worker() {
        let f = Facts {
            aborted: 0,
            ..solution()
        };
        let (e, cause) = judge_survives(&outcomes(), &f);
        assert_eq!(e.status, Status::Fail);
        assert!(cause.unwrap().contains("do not screen tasks in the parent"));
        // One death reported is enough (two at once can arrive as one signal).
        assert_eq!(
            judge_survives(
                &outcomes(),
                &Facts {
                    aborted: 1,
                    ..solution()
                }
            )
            .0
            .status,
            Status::Pass
        );
        // A platform that reports no deaths fails nobody.
        assert_eq!(
            judge_survives(
                &outcomes(),
                &Facts {
                    aborted: 0,
                    signals: false,
                    ..solution()
                }
            )
            .0
            .status,
            Status::Pass
        );
    }

    #[test]
    fn process_starts_are_bounded_at_the_limit() {
        let with = |n: u32| Facts {
            started: (1..=n).collect(),
            ..solution()
        };
        let limit = start_limit(2) as u32;
        assert_eq!(
            judge_persistent(&outcomes(), &with(limit)).0.status,
            Status::Pass
        );
        assert_eq!(
            judge_persistent(&outcomes(), &with(limit + 1)).0.status,
            Status::Fail
        );
        // Recorded: a process per task, 300 processes.
        let (e, cause) = judge_persistent(&outcomes(), &with(300));
        assert_eq!(e.status, Status::Fail);
        assert!(cause.unwrap().contains("a process per task"));
    }

    #[test]
    fn one_worker_at_a_time_is_not_side_by_side() {
        // Recorded: one worker replaced on each crash, 1 in flight (and 1%
        // of 323 samples with two runnable).
        let f = Facts {
            in_flight: 1,
            share: 0.01,
            samples: 323,
            ..solution()
        };
        let (e, cause) = judge_side_by_side(&outcomes(), &f);
        assert_eq!(e.status, Status::Fail);
        assert!(cause.unwrap().contains("a crash pool is still a pool"));
        // The kernel's share is shown, not graded: 40% with one in flight
        // is still one at a time.
        let busy = Facts {
            in_flight: 1,
            share: 0.4,
            ..solution()
        };
        assert_eq!(
            judge_side_by_side(&outcomes(), &busy).0.status,
            Status::Fail
        );
        let one_slot = Facts {
            in_flight: 1,
            workers: 1,
            ..solution()
        };
        assert_eq!(
            judge_side_by_side(&outcomes(), &one_slot).0.status,
            Status::Pass
        );
    }
}
