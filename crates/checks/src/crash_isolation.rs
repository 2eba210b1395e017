//! 05/03 crash isolation: some tasks make their worker abort. The pool
//! notices, reports exactly those tasks as failed, replaces the dead worker
//! and finishes the rest.
//!
//! The check proves: one outcome per task, in order; every good task
//! answered right; every poison task, and only those, reported failed with a
//! reason; the poison really went to workers and they really died (the pool
//! started new processes); the pool itself survived (a panic is a fail);
//! and no worker was left running or unwaited-for.

use std::io::{self, StdinLock, StdoutLock};
use std::time::Duration;

use measured::kernel::{mix, units_for};
use measured::measure::parallelism;
use measured::process::{Answer, Failed, Spawner, Task, WORKER_ARG};
use verdict::{Evidence, Report, Status};

use crate::harness::{ms, panic_message, seed};
use crate::processes::{Watched, cleanup_evidence, hung_cause, serve_if_worker, watch};

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
pub fn tasks(seed: u64) -> Vec<Task> {
    let units = units_for(TASK_CPU);
    let mut tasks = Task::batch(TASKS, units, seed);
    let stride = TASKS / POISON;
    for k in 0..POISON {
        let at = k * stride + 5 + (mix(seed ^ k as u64) as usize % (stride - 10));
        tasks[at].seed = Task::poison_seed(mix(seed ^ at as u64));
    }
    tasks
}

/// Checks a `run` whose workers `spawner` starts.
pub fn check(run: impl RunFn, spawner: Spawner) -> Report {
    let report = Report::new(NAME);
    let workers = parallelism().max(2);
    let tasks = tasks(seed());
    let expected: Vec<u64> = tasks
        .iter()
        .map(|t| if t.is_poison() { 0 } else { t.expected() })
        .collect();

    let watched = {
        let (tasks, spawner) = (tasks.clone(), spawner.clone());
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let started = std::time::Instant::now();
            let outcome = watch(LIMIT, move || run(&tasks, workers, &spawner));
            (outcome, started.elapsed())
        }))
    };
    let (outcomes, took) = match watched {
        Ok((Watched::Returned(outcomes), took)) => (outcomes, took),
        Ok((Watched::TimedOut { killed }, _)) => {
            return report
                .with(Evidence::fail(
                    "correct",
                    format!("no outcomes within {} s", LIMIT.as_secs()),
                ))
                .diagnose(format!(
                    "{} If a worker died, reading its stdout gives the end of the file (0 bytes) at once: treat that as the crash, not as a reason to wait, and do not send the poison task again and again.",
                    hung_cause(LIMIT, killed)
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
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    let poison: Vec<&Failed> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    let good = tasks.len() - poison.len();
    let reason = poison.first().map(|f| f.reason.clone()).unwrap_or_default();
    let mut report = report.with(Evidence::pass(
        "correct",
        format!(
            "{good} of {good} good tasks answered right, in order; the {} poison tasks reported failed (\"{reason}\")",
            poison.len()
        ),
    ));

    let started = spawner.started();
    let crashed_in_workers = started > workers;
    if !crashed_in_workers {
        report.push(Evidence::fail(
            "survives",
            format!("{started} workers started, so none of them died: the poison tasks never reached a worker"),
        ));
        return report.diagnose("The pool must find out that a task is poison by sending it to a worker and watching that worker die: do not screen tasks in the parent (here nothing can know in advance which input crashes a C library).");
    }
    report.push(Evidence::pass(
        "survives",
        format!(
            "{} workers died and the pool carried on: {started} processes started for {workers} workers, all {} tasks done in {}",
            poison.len(),
            tasks.len(),
            ms(took)
        ),
    ));

    let (cleanup, cause) = cleanup_evidence("after `run` returned");
    let failed = cleanup.status == Status::Fail;
    report.push(cleanup);
    if failed {
        let cause = cause.unwrap_or_default();
        return report.diagnose(format!(
            "{cause} That includes the workers that crashed: a dead child is a zombie until you wait for it, and `wait()` is also how you learn how it died."
        ));
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
            Ok(_) if task.is_poison() => poison_answered += 1,
            Ok(answer) if answer.value != *want => wrong_value += 1,
            Ok(_) => {}
            Err(_) if !task.is_poison() => fine_but_failed += 1,
            Err(failed) if failed.reason.trim().is_empty() => no_reason += 1,
            Err(_) => {}
        }
    }
    let poison = tasks.iter().filter(|t| t.is_poison()).count();
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
