//! 05/02 process pool: persistent workers that serve thousands of tiny
//! tasks, sent in batches.
//!
//! The check proves: every task is answered exactly once, right and in order,
//! over several `map` calls on one pool; the pool is persistent (it starts
//! `workers` processes once, whatever the number of tasks); dropping it
//! leaves no worker running or unwaited-for; and 10,000 tiny tasks go at
//! least 5 times faster than a process per task, measured in the same run
//! (the per-task cost of starting a worker, times 10,000). The checker's own
//! batched pool is measured alongside to show what batching buys.

use std::io::{self, StdinLock, StdoutLock};
use std::time::{Duration, Instant};

use measured::kernel::units_for;
use measured::measure::parallelism;
use measured::process::{Answer, Spawner, Task, WORKER_ARG, recorded};
use verdict::{Evidence, Report, Status, Timeline};

use crate::harness::{ms, seed};
use crate::processes::{
    Watched, cleanup_evidence, hung_cause, process_per_task, reference_run, reference_spawner,
    serve_if_worker, watch,
};
use crate::worker_processes::wrong_answers;

/// The exercise's short name.
pub const NAME: &str = "process_pool";
/// The tasks of a timed `map`.
pub const TASKS: usize = 10_000;
/// The tasks of the first `map`: not a round number, so a batch size that
/// divides it cannot hide a lost remainder.
pub const WARM_TASKS: usize = 999;
/// The CPU one tiny task takes.
pub const TASK_CPU: Duration = Duration::from_micros(5);
/// How many times faster than a process per task the pool must be.
pub const NEED: f64 = 5.0;
/// How many tasks the process-per-task sample runs.
pub const SAMPLE: usize = 60;
/// Timed rounds.
pub const ROUNDS: usize = 3;
/// How long the whole session with the pool may take before the check
/// calls it hung.
pub const LIMIT: Duration = Duration::from_secs(6);
/// The most spans the report's timeline keeps.
const TIMELINE_SPANS: usize = 2_000;

/// The learner's pool: made by `new(workers, spawner)`, used by
/// `map(&mut pool, tasks)`, closed by dropping it.
pub fn main<P: 'static>(
    worker: impl FnOnce(StdinLock<'static>, StdoutLock<'static>) -> io::Result<()>,
    new: fn(usize, &Spawner) -> io::Result<P>,
    map: fn(&mut P, &[Task]) -> io::Result<Vec<Answer>>,
) {
    serve_if_worker(worker);
    crate::main(NAME, || {
        let spawner = Spawner::this_program([WORKER_ARG]).expect("this program's path");
        check(new, map, spawner)
    });
}

/// What a session with the candidate's pool gave.
struct Session {
    warm: Vec<Answer>,
    warm_time: Duration,
    started_after_warm: usize,
    /// Each timed round: the pool's time and answers, and the
    /// process-per-task sample's time.
    rounds: Vec<(Duration, Vec<Answer>, Duration)>,
    reference: Duration,
    started: usize,
    error: Option<(String, io::Error)>,
}

/// Checks a pool made by `new` and used by `map`, whose workers `spawner`
/// starts.
pub fn check<P: 'static>(
    new: fn(usize, &Spawner) -> io::Result<P>,
    map: fn(&mut P, &[Task]) -> io::Result<Vec<Answer>>,
    spawner: Spawner,
) -> Report {
    let report = Report::new(NAME);
    let p = parallelism();
    let workers = p.max(2);
    let seed = seed();
    let units = units_for(TASK_CPU);
    let warm_tasks = Task::batch(WARM_TASKS, units, seed);
    let tasks = Task::batch(TASKS, units, seed ^ 1);
    let warm_expected: Vec<u64> = warm_tasks.iter().map(Task::expected).collect();
    let expected: Vec<u64> = tasks.iter().map(Task::expected).collect();

    let session = {
        let (spawner, warm_tasks, tasks) = (spawner.clone(), warm_tasks.clone(), tasks.clone());
        watch(LIMIT, move || {
            session(new, map, workers, &spawner, &warm_tasks, &tasks)
        })
    };
    let session = match session {
        Watched::Returned(s) => s,
        Watched::TimedOut { killed } => {
            return report
                .with(Evidence::fail(
                    "correct",
                    format!("the pool gave no answers within {} s", LIMIT.as_secs()),
                ))
                .diagnose(hung_cause(LIMIT, killed));
        }
    };
    if let Some((during, e)) = &session.error {
        return report
            .with(Evidence::fail("correct", format!("{during} returned an error: {e}")))
            .diagnose(format!(
                "Your pool returned `Err({e})` from {during}. If a worker failed, its own message is above, on standard error; check that the worker reads exactly the format the pool writes."
            ));
    }
    if let Some((line, cause)) = wrong_answers(&warm_tasks, &warm_expected, &session.warm) {
        return report
            .with(Evidence::fail(
                "correct",
                format!("first map of {WARM_TASKS} tasks: {line}"),
            ))
            .diagnose(batch_cause(&line, cause));
    }
    let per_task_started = session.started_after_warm > workers;
    if !per_task_started {
        for (_, answers, _) in &session.rounds {
            if let Some((line, cause)) = wrong_answers(&tasks, &expected, answers) {
                return report
                    .with(Evidence::fail(
                        "correct",
                        format!("a map of {TASKS} tasks: {line}"),
                    ))
                    .diagnose(batch_cause(&line, cause));
            }
        }
    }
    let timed = if per_task_started {
        0
    } else {
        session.rounds.len()
    };
    let maps = 1 + timed;
    let served = WARM_TASKS + TASKS * timed;
    let mut report = report.with(Evidence::pass(
        "correct",
        format!(
            "{served} tasks over {maps} maps on one pool, each answered once, right and in order"
        ),
    ));
    report.timeline = pool_timeline(&session);

    // Persistent: the processes are started once.
    let started = session.started;
    let sample = session
        .rounds
        .iter()
        .map(|r| r.2)
        .min()
        .unwrap_or(Duration::MAX);
    let per_task = sample / SAMPLE as u32;
    if started > workers {
        let report = report.with(Evidence::fail(
            "persistent",
            format!(
                "{started} worker processes started for {served} tasks (a pool of {workers} starts {workers})"
            ),
        ));
        return report.diagnose(format!(
            "Your pool starts a process per task or per batch: {WARM_TASKS} tasks took {}, {} each, when starting a process costs about {} here and a tiny task {}. Start the workers once, in `new`, and send every task to one of them.",
            ms(session.warm_time),
            micros(session.warm_time / WARM_TASKS as u32),
            micros(per_task),
            micros(TASK_CPU)
        ));
    }
    report.push(Evidence::pass(
        "persistent",
        format!("{started} worker processes served all {maps} maps"),
    ));

    let (cleanup, cause) = cleanup_evidence("after the pool was dropped");
    let cleaned = cleanup.status != Status::Fail;
    report.push(cleanup);
    if let Some(cause) = cause {
        return report.diagnose(cause);
    }
    if !cleaned {
        return report;
    }

    // Throughput against a process per task, measured now.
    let yours = session
        .rounds
        .iter()
        .map(|r| r.0)
        .min()
        .unwrap_or(Duration::MAX);
    let per_process = per_task * TASKS as u32;
    let speedup = per_process.as_secs_f64() / yours.as_secs_f64().max(1e-9);
    let numbers = format!(
        "{TASKS} tiny tasks in {} ({} each): {speedup:.0}x faster than a process per task ({} each, measured now); the checker's batched pool {}",
        ms(yours),
        micros(yours / TASKS as u32),
        ms(per_task),
        ms(session.reference),
    );
    report.chart = Some(crate::harness::time_chart(
        format!("{TASKS} tiny tasks, {workers} workers"),
        &[
            ("a process per task (estimated)", per_process),
            ("yours", yours),
            ("checker's pool, batches of 64", session.reference),
        ],
    ));
    report.speedup = Some(verdict::Speedup {
        measured: speedup,
        ceiling: per_process.as_secs_f64() / session.reference.as_secs_f64().max(1e-9),
    });
    if speedup >= NEED {
        report.push(Evidence::pass("speed", numbers));
        if yours.as_secs_f64() > 1.5 * session.reference.as_secs_f64() {
            report = report.note(format!(
                "Fast enough, and batching would make it faster: your pool took {} per task, the checker's, which sends 64 tasks per line, {}. Each line through a pipe costs a system call and a wake-up on both sides.",
                micros(yours / TASKS as u32),
                micros(session.reference / TASKS as u32)
            ));
        }
        report
    } else {
        report.push(Evidence::fail("speed", numbers));
        report.diagnose(format!(
            "Your pool was only {speedup:.1}x faster than starting a process per task (need {NEED}x): each task pays a round trip through two pipes and two context switches. Send tasks in batches (a few hundred per line, like `chunksize` in Python's `Pool.map`) and read a batch of answers back."
        ))
    }
}

/// The pool's whole life, on the watched thread.
fn session<P>(
    new: fn(usize, &Spawner) -> io::Result<P>,
    map: fn(&mut P, &[Task]) -> io::Result<Vec<Answer>>,
    workers: usize,
    spawner: &Spawner,
    warm_tasks: &[Task],
    tasks: &[Task],
) -> Session {
    let mut session = Session {
        warm: Vec::new(),
        warm_time: Duration::ZERO,
        started_after_warm: 0,
        rounds: Vec::new(),
        reference: Duration::MAX,
        started: 0,
        error: None,
    };
    let mut pool = match new(workers, spawner) {
        Ok(pool) => pool,
        Err(e) => {
            session.error = Some(("`Pool::new`".into(), e));
            return session;
        }
    };
    let t = Instant::now();
    match map(&mut pool, warm_tasks) {
        Ok(answers) => session.warm = answers,
        Err(e) => {
            session.error = Some(("`map`".into(), e));
            drop(pool);
            return session;
        }
    }
    session.warm_time = t.elapsed();
    session.started_after_warm = spawner.started();

    let reference = reference_spawner();
    let sample = &tasks[..SAMPLE];
    if session.started_after_warm <= workers {
        for _ in 0..ROUNDS {
            let t = Instant::now();
            std::hint::black_box(
                process_per_task(sample, workers, &reference).expect("the checker's workers"),
            );
            let per_task = t.elapsed();
            let t = Instant::now();
            let answers = match map(&mut pool, tasks) {
                Ok(answers) => answers,
                Err(e) => {
                    session.error = Some(("`map`".into(), e));
                    break;
                }
            };
            session.rounds.push((t.elapsed(), answers, per_task));
            let t = Instant::now();
            std::hint::black_box(
                reference_run(tasks, workers, &reference).expect("the checker's pool"),
            );
            session.reference = session.reference.min(t.elapsed());
        }
    } else {
        // A process per task: the first map already shows it; measure the
        // cost of one process for the message and stop.
        let t = Instant::now();
        std::hint::black_box(
            process_per_task(sample, workers, &reference).expect("the checker's workers"),
        );
        session
            .rounds
            .push((Duration::MAX, Vec::new(), t.elapsed()));
    }
    session.started = spawner.started();
    drop(pool);
    session
}

/// The last map whose answers came back (the first one when the pool
/// starts a process per task), one row per worker process: the tasks'
/// times as the workers recorded them, tiny neighbours joined.
fn pool_timeline(session: &Session) -> Option<Timeline> {
    let (answers, which) = match session.rounds.iter().rev().find(|r| !r.1.is_empty()) {
        Some(round) => (&round.1, format!("your last map of {TASKS} tasks")),
        None => (
            &session.warm,
            format!("your first map of {WARM_TASKS} tasks"),
        ),
    };
    let origin = answers.iter().map(|a| a.started_ns).min()?;
    let timeline = recorded(answers)
        .timeline_named(Duration::from_nanos(origin), |pid| {
            Some(format!("worker pid {pid}"))
        })
        .captioned(format!("{which}, one row per worker process"));
    Some(timeline.simplified(TIMELINE_SPANS))
}

/// The likely cause of wrong answers from a pool that batches.
fn batch_cause(line: &str, cause: String) -> String {
    if line.contains("answers for") {
        format!(
            "{cause} A pool that batches often loses the last, shorter batch (`chunks_exact` drops it; `chunks` keeps it), or reads fewer answer lines than it sent tasks."
        )
    } else {
        cause
    }
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}
