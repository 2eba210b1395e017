//! 05/01 worker processes: a CPU job split over worker processes that take
//! tasks on stdin and send answers on stdout as JSON lines.
//!
//! The check proves: the answers are right and in order; the work ran in the
//! workers (every answer names a process other than this one, the children's
//! CPU time from `getrusage(RUSAGE_CHILDREN)` carries the work and this
//! process's does not); no worker is left running or unwaited-for; the
//! workers computed side by side (the answers' start and end times, on a
//! clock all processes share, are the in-flight witness); and, when the
//! machine has spare cores now, the speed is at least 70% of the checker's
//! own multi-process version measured in the same run.

use std::io::{self, StdinLock, StdoutLock};
use std::sync::Arc;
use std::time::Duration;

use measured::clock::{children_cpu_time, process_cpu_time, thread_cpu_time};
use measured::grade::{SpeedSample, StructureNeed};
use measured::kernel::units_for;
use measured::measure::{ROUNDS, interleaved, parallelism};
use measured::process::{Answer, Spawner, Task, WORKER_ARG, recorded, shared_clock};
use verdict::{Evidence, Report, Status};

use crate::grading::{speed_evidence, structure_evidence, structure_numbers};
use crate::harness::{ms, seed, time_chart};
use crate::processes::{
    Watched, cleanup_evidence, hung_cause, reference_run, reference_spawner, serve_if_worker, watch,
};

/// The exercise's short name.
pub const NAME: &str = "worker_processes";
/// How long the whole job takes on one core: each of two workers gets about
/// 200 ms, so starting a process (about 1 ms) is noise (GRADING.md).
pub const JOB: Duration = Duration::from_millis(400);
/// How many tasks the job is cut into.
pub const TASKS: usize = 16;
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(5);
/// Past this much measuring, stop and call the machine too busy.
pub const CAP: Duration = Duration::from_secs(4);

/// The learner's parent side: runs `tasks` on `workers` worker processes
/// started from `spawner`, answers in task order.
pub trait RunFn:
    Fn(&[Task], usize, &Spawner) -> io::Result<Vec<Answer>> + Send + Sync + 'static
{
}
impl<F> RunFn for F where
    F: Fn(&[Task], usize, &Spawner) -> io::Result<Vec<Answer>> + Send + Sync + 'static
{
}

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

/// What one watched run of the candidate gave.
enum Outcome {
    Answers(Vec<Answer>),
    Error(io::Error),
    Hung { killed: usize },
}

fn run_watched<R: RunFn>(
    run: &Arc<R>,
    tasks: &Arc<Vec<Task>>,
    workers: usize,
    spawner: &Arc<Spawner>,
) -> Outcome {
    let (run, tasks, spawner) = (Arc::clone(run), Arc::clone(tasks), Arc::clone(spawner));
    match watch(LIMIT, move || run(&tasks, workers, &spawner)) {
        Watched::Returned(Ok(answers)) => Outcome::Answers(answers),
        Watched::Returned(Err(e)) => Outcome::Error(e),
        Watched::TimedOut { killed } => Outcome::Hung { killed },
    }
}

/// Why `answers` are not the answers to `tasks`, if they are not;
/// `expected` holds each task's value, computed once.
pub fn wrong_answers(
    tasks: &[Task],
    expected: &[u64],
    answers: &[Answer],
) -> Option<(String, String)> {
    if answers.len() != tasks.len() {
        return Some((
            format!("{} answers for {} tasks", answers.len(), tasks.len()),
            "Every task must be answered exactly once: count the lines you read back from each worker, and read until each worker's stdout ends.".into(),
        ));
    }
    let misplaced = tasks
        .iter()
        .zip(answers)
        .filter(|(t, a)| t.id != a.id)
        .count();
    if misplaced > 0 {
        return Some((
            format!("{misplaced} of {} answers out of order", tasks.len()),
            "Return the answers in the order of the tasks: put each answer at the index of the task with its `id`.".into(),
        ));
    }
    let wrong = expected
        .iter()
        .zip(answers)
        .filter(|(v, a)| a.value != **v)
        .count();
    if wrong > 0 {
        return Some((
            format!("{wrong} of {} answers have the wrong value", tasks.len()),
            "A worker must answer each task with `task.run()`, sent back unchanged.".into(),
        ));
    }
    None
}

/// Checks a `run` whose workers `spawner` starts.
pub fn check(run: impl RunFn, spawner: Spawner) -> Report {
    let report = Report::new(NAME);
    let p = parallelism();
    let workers = p;
    let run = Arc::new(run);
    let spawner = Arc::new(spawner);
    let seed = seed();

    // A small job first: it starts the workers once and finds most mistakes
    // in a few milliseconds.
    let warm = Arc::new(Task::batch(TASKS / 2, units_for(JOB / 100), seed));
    if let Some(failed) = failing_run(&report, &run, &warm, workers, &spawner) {
        return failed;
    }

    let tasks = Arc::new(Task::batch(TASKS, units_for(JOB / TASKS as u32), seed ^ 1));
    let cpu_before = thread_cpu_time();
    let expected: Vec<u64> = tasks.iter().map(Task::expected).collect();
    let work_cpu = thread_cpu_time() - cpu_before;

    let children_before = children_cpu_time();
    let own_before = process_cpu_time();
    let started = shared_clock();
    let answers = match run_watched(&run, &tasks, workers, &spawner) {
        Outcome::Answers(a) => a,
        Outcome::Error(e) => return error_report(report, &e),
        Outcome::Hung { killed } => return hung_report(report, killed),
    };
    let own_cpu = process_cpu_time().saturating_sub(own_before);
    let children_cpu = children_cpu_time().saturating_sub(children_before);
    if let Some((line, cause)) = wrong_answers(&tasks, &expected, &answers) {
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{} of {} answers right, in order", tasks.len(), tasks.len()),
    ));

    let (evidence, cause) = in_workers_evidence(&answers, work_cpu, children_cpu, own_cpu);
    let in_workers = evidence.status == Status::Pass;
    report.push(evidence);
    let (cleanup, cleanup_cause) = cleanup_evidence("after `run` returned");
    let cleaned = cleanup.status != Status::Fail;
    report.push(cleanup);
    if let Some(cause) = cause.or(cleanup_cause) {
        return report.diagnose(cause);
    }
    if !in_workers || !cleaned {
        return report;
    }

    // Side by side: the answers carry when and where each task ran.
    let m = workers.min(p).min(tasks.len());
    let need = StructureNeed::new(m);
    let items = recorded(&answers);
    report.timeline = Some(
        items
            .timeline_named(started, |pid| Some(format!("worker pid {pid}")))
            .captioned("your run, one row per worker process"),
    );
    let stats = items.stats();
    let (evidence, cause) = structure_evidence(&stats, need);
    let concurrent = evidence.status == Status::Pass;
    report.push(evidence);
    if let Some(cause) = cause {
        let cause = if stats.high_water <= 1 {
            "1 task in flight at a time: one worker computed while the others waited. Start every worker and send each its share before you read any answer.".to_owned()
        } else {
            cause.replace("thread", "worker")
        };
        return report.diagnose(cause);
    }

    // Speed: one core, the checker's own workers, yours, interleaved.
    let reference = reference_spawner();
    let mut later: Vec<io::Result<Vec<Answer>>> = Vec::new();
    let (mut s, mut r) = (
        || {
            std::hint::black_box(
                tasks
                    .iter()
                    .map(Task::expected)
                    .fold(0u64, u64::wrapping_add),
            );
        },
        || {
            std::hint::black_box(
                reference_run(&tasks, p, &reference).expect("the checker's workers"),
            );
        },
    );
    // Answers are checked after the rounds: checking them computes the job.
    let mut c = || later.push(run(&tasks, workers, &spawner));
    let measured = interleaved(&mut [&mut s, &mut r, &mut c], ROUNDS, CAP);
    let wrong = later.iter().find_map(|round| match round {
        Ok(answers) => wrong_answers(&tasks, &expected, answers).map(|(line, _)| line),
        Err(e) => Some(format!("an error: {e}")),
    });
    if let Some(line) = wrong {
        report.push(Evidence::fail(
            "correct",
            format!("right once, then wrong: {line}"),
        ));
        return report.diagnose("The answers change from run to run: make sure every answer is read from its own worker and put at its task's index.");
    }
    let mins = measured.minimums();
    let sample = SpeedSample {
        sequential: mins[0],
        reference: mins[1],
        candidate: mins[2],
        capped: measured.capped,
    };
    if concurrent {
        report.speedup = Some(verdict::Speedup {
            measured: sample.speedup(),
            ceiling: sample.ceiling(),
        });
        let (evidence, cause) = speed_evidence(&sample, p, &structure_numbers(&stats, need));
        report.push(evidence);
        if let Some(cause) = cause {
            report = report.diagnose(cause);
        }
    }
    report.chart = Some(time_chart(
        format!("the same job on {p} cores"),
        &[
            ("one core, no workers", sample.sequential),
            ("yours", sample.candidate),
            ("checker's workers", sample.reference),
        ],
    ));
    report
}

/// Runs the candidate once on `tasks`; a report when that already fails.
fn failing_run<R: RunFn>(
    report: &Report,
    run: &Arc<R>,
    tasks: &Arc<Vec<Task>>,
    workers: usize,
    spawner: &Arc<Spawner>,
) -> Option<Report> {
    let report = report.clone();
    match run_watched(run, tasks, workers, spawner) {
        Outcome::Answers(answers) => {
            let expected: Vec<u64> = tasks.iter().map(Task::expected).collect();
            wrong_answers(tasks, &expected, &answers)
                .map(|(line, cause)| report.with(Evidence::fail("correct", line)).diagnose(cause))
        }
        Outcome::Error(e) => Some(error_report(report, &e)),
        Outcome::Hung { killed } => Some(hung_report(report, killed)),
    }
}

fn error_report(report: Report, e: &io::Error) -> Report {
    report
        .with(Evidence::fail("correct", format!("`run` returned an error: {e}")))
        .diagnose(format!(
            "Your `run` returned `Err({e})`. If a worker failed, its own message is above, on standard error; a worker that cannot parse a line gets an `InvalidData` error: send one JSON value per line, each followed by a newline."
        ))
}

fn hung_report(report: Report, killed: usize) -> Report {
    report
        .with(Evidence::fail(
            "correct",
            format!("no answers within {} s", LIMIT.as_secs()),
        ))
        .diagnose(hung_cause(LIMIT, killed))
}

/// The `in workers` evidence: where the work's CPU time went.
pub fn in_workers_evidence(
    answers: &[Answer],
    work_cpu: Duration,
    children_cpu: Duration,
    own_cpu: Duration,
) -> (Evidence, Option<String>) {
    let me = std::process::id();
    let here = answers.iter().filter(|a| a.pid == me).count();
    let mut pids: Vec<u32> = answers.iter().map(|a| a.pid).filter(|&p| p != me).collect();
    pids.sort_unstable();
    pids.dedup();
    let numbers = format!(
        "the workers used {} of CPU and this process {} (the job takes {} on one core)",
        ms(children_cpu),
        ms(own_cpu),
        ms(work_cpu)
    );
    if here > 0 {
        return (
            Evidence::fail(
                "in workers",
                format!("{here} of {} tasks ran in this process, not a worker; {numbers}", answers.len()),
            ),
            Some("The work ran in the parent process (threads in the parent share its memory and, in Python, its GIL). Call `task.run()` in the worker, on the task it read from stdin, and send the answer back.".into()),
        );
    }
    if own_cpu > work_cpu / 2 {
        return (
            Evidence::fail("in workers", numbers),
            Some("This process spent as much CPU as the job itself: the work, or a copy of it, ran here. The parent only sends tasks and reads answers.".into()),
        );
    }
    if children_cpu < work_cpu / 2 {
        return (
            Evidence::fail("in workers", format!("{numbers}: the workers' time was not counted")),
            Some("A child's CPU time is added to the parent's `RUSAGE_CHILDREN` only when the parent waits for it: call `child.wait()` on every worker you started (after dropping its stdin), or it lingers as a zombie.".into()),
        );
    }
    (
        Evidence::pass(
            "in workers",
            format!(
                "{} tasks in {} worker processes; {numbers}",
                answers.len(),
                pids.len()
            ),
        ),
        None,
    )
}
