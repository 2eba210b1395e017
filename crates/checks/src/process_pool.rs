//! 05/02 process pool: persistent workers that serve thousands of tiny
//! tasks, sent in batches.
//!
//! The check proves, for each entry point of the pool's API: every `map`
//! answers each task exactly once, right and in order, every map on fresh
//! tasks (a new seed per map, so no answer can be remembered); the answers
//! come from the pool's workers (each names a process the OS saw this
//! process start, never this one); the pool is persistent (`new` and the
//! maps together start no more than `workers` processes, counted by the
//! OS, from /proc and SIGCHLD, not by calls to `spawner.command()`); a map
//! keeps more than one worker computing at once (tasks of two workers in
//! progress together, as each worker's `task.run()` stamped them, and the
//! kernel saw the workers run at all); dropping the pool leaves no worker running or
//! unwaited-for, each leftover named; and 10,000 tiny tasks go at least 5
//! times faster than a process per task, measured in the same run (the
//! per-task cost of starting a worker, times 10,000). The checker's own
//! batched pool is measured alongside to show what batching buys.

use std::collections::BTreeSet;
use std::io::{self, StdinLock, StdoutLock};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use measured::clock::{children_cpu_time, thread_cpu_time};
use measured::kernel::{mix, units_for};
use measured::measure::parallelism;
use measured::process::{Answer, Spawner, Task, WORKER_ARG, recorded};
use references::processes::{batch, expected_all};
use verdict::{Evidence, Report, Status, Timeline};

use crate::harness::{ms, seed};
use crate::processes::{
    ChildLog, ChildWatch, SIDE_BY_SIDE_SAMPLES, Watched, cleanup_evidence, hung_cause,
    process_per_task, reference_run, reference_spawner, serve_if_worker, watch,
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
    /// The candidate's processes the OS showed after `new`, and after the
    /// first map.
    started_by_new: usize,
    started_after_warm: usize,
    /// Each timed round: the pool's time and answers, and the
    /// process-per-task sample's time.
    rounds: Vec<(Duration, Vec<Answer>, Duration)>,
    reference: Duration,
    /// CPU time of the candidate's workers, waited for by the pool's drop:
    /// all the children waited for over the session, less the checker's
    /// own (its sample and its pool wait for theirs within each call).
    workers_cpu: Duration,
    /// What the OS saw during the whole session, up to the pool's drop.
    os: ChildLog,
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
    let warm_tasks = batch(WARM_TASKS, units, seed);
    // Every timed map gets tasks of its own: same ids and size, new seeds.
    let rounds: Vec<Vec<Task>> = (0..ROUNDS as u64)
        .map(|k| batch(TASKS, units, mix(seed ^ (k + 1))))
        .collect();
    // The answers, and the CPU the tasks take on one core here, now.
    let cpu_before = thread_cpu_time();
    let warm_expected = expected_all(&warm_tasks);
    let warm_cpu = thread_cpu_time().saturating_sub(cpu_before);
    let (round_expected, round_cpu): (Vec<Vec<u64>>, Vec<Duration>) = rounds
        .iter()
        .map(|tasks| {
            let before = thread_cpu_time();
            let expected = expected_all(tasks);
            (expected, thread_cpu_time().saturating_sub(before))
        })
        .unzip();

    let started = Arc::new(AtomicUsize::new(0));
    let session = {
        let (spawner, warm_tasks, rounds) = (spawner.clone(), warm_tasks.clone(), rounds.clone());
        let started = Arc::clone(&started);
        watch(LIMIT, move || {
            session(new, map, workers, &spawner, &warm_tasks, &rounds, started)
        })
    };
    let session = match session {
        Watched::Returned(s) => s,
        Watched::TimedOut { waited, .. } if started.load(Ordering::Acquire) > 4 * workers => {
            // Too slow to finish because it starts process after process.
            let n = started.load(Ordering::Acquire);
            return report
                .with(Evidence::fail(
                    "persistent",
                    format!(
                        "the pool gave no answers within {}, and the OS saw it start at least {n} worker processes for a pool of {workers}",
                        crate::processes::secs(waited)
                    ),
                ))
                .diagnose("Your pool starts a process per task or per batch: Start the workers once, in `new`, and send every task to one of them.");
        }
        Watched::TimedOut { killed, waited } => {
            return report
                .with(Evidence::fail(
                    "correct",
                    format!(
                        "the pool gave no answers within {}",
                        crate::processes::secs(waited)
                    ),
                ))
                .diagnose(hung_cause(waited, killed));
        }
    };
    if let Some((during, e)) = &session.error {
        crate::processes::cleanup_evidence("after the error");
        return report
            .with(Evidence::fail("correct", format!("{during} returned an error: {e}")))
            .diagnose(format!(
                "Your pool returned `Err({e})` from {during}. If a worker failed, its own message is above, on standard error; check that the worker reads exactly the format the pool writes."
            ));
    }
    if let Some((line, cause)) = wrong_answers(&warm_tasks, &warm_expected, &session.warm) {
        crate::processes::cleanup_evidence("after the first map");
        return report
            .with(Evidence::fail(
                "correct",
                format!("first map of {WARM_TASKS} tasks: {line}"),
            ))
            .diagnose(batch_cause(&line, cause));
    }
    for (k, (_, answers, _)) in session.rounds.iter().enumerate() {
        if answers.is_empty() {
            continue; // a process per task: not run (see `persistent`)
        }
        if let Some((line, cause)) = wrong_answers(&rounds[k], &round_expected[k], answers) {
            crate::processes::cleanup_evidence("after the maps");
            let cause = if k > 0 {
                format!(
                    "{cause} Every map gets new tasks (the same ids and sizes, new seeds): answers kept from an earlier map are wrong for the next one. Send every task of every map to a worker."
                )
            } else {
                batch_cause(&line, cause)
            };
            return report
                .with(Evidence::fail(
                    "correct",
                    format!("map {} of {TASKS} fresh tasks: {line}", k + 2),
                ))
                .diagnose(cause);
        }
    }
    let timed = session.rounds.iter().filter(|r| !r.1.is_empty()).count();
    let maps = 1 + timed;
    let served = WARM_TASKS + TASKS * timed;
    let mut report = report.with(Evidence::pass(
        "correct",
        format!(
            "{served} tasks over {maps} maps on one pool, each answered once, right and in order, every map on fresh tasks"
        ),
    ));
    report.timeline = pool_timeline(&session);

    // Persistent: the processes are started once, counted by the OS.
    let sample = session
        .rounds
        .iter()
        .map(|r| r.2)
        .min()
        .unwrap_or(Duration::MAX);
    let per_task = sample / SAMPLE as u32;
    let started_by_os = session.os.available.then(|| session.os.candidate_pids());
    let counts = StartCounts {
        available: session.os.available,
        by_new: session.started_by_new,
        in_all: started_by_os.as_ref().map_or(0, BTreeSet::len),
        workers,
        maps,
    };
    if let Some((mut evidence, cause)) = judge_persistent(&counts) {
        evidence.summary = format!("{}; among them {}", evidence.summary, session.os.named(5));
        crate::processes::cleanup_evidence("after the pool was dropped");
        let cause = format!(
            "{cause} Here {WARM_TASKS} tasks took {}, {} each, when starting a process costs about {} and a tiny task {}.",
            ms(session.warm_time),
            micros(session.warm_time / WARM_TASKS as u32),
            micros(per_task),
            micros(TASK_CPU)
        );
        return report.with(evidence).diagnose(cause);
    }
    report.push(Evidence::pass(
        "persistent",
        if counts.available {
            format!(
                "the OS saw {} worker processes start, all in `new`, and serve all {maps} maps",
                counts.in_all
            )
        } else {
            format!("{maps} maps served (this platform cannot list processes: starts not counted)")
        },
    ));

    // In the workers: every answer names a process the OS saw start.
    let all_answers = session
        .rounds
        .iter()
        .flat_map(|r| r.1.iter())
        .chain(session.warm.iter());
    if let Some((evidence, cause)) = judge_answer_pids(all_answers, started_by_os.as_ref()) {
        crate::processes::cleanup_evidence("after the pool was dropped");
        return report.with(evidence).diagnose(cause);
    }

    // Side by side: more than one worker computing at once, from when each
    // task ran as the workers' `task.run()` stamped it (a pool that feeds
    // one worker at a time never has two tasks of two workers in progress:
    // it reads one worker's answers before the next worker gets a batch),
    // and from the kernel (workers that never once ran did not compute).
    let in_flight = session
        .rounds
        .iter()
        .map(|r| &r.1)
        .chain(std::iter::once(&session.warm))
        .filter(|answers| !answers.is_empty())
        .map(|answers| recorded(answers).stats().high_water)
        .max()
        .unwrap_or(0);
    let (share, busy_samples) = session.os.share_busy(2);
    let (evidence, cause) = judge_side_by_side(
        in_flight,
        &KernelSeen {
            available: session.os.available,
            share,
            busy_samples,
            all_samples: session.os.samples,
        },
        workers,
    );
    let side_by_side = evidence.status != Status::Fail;
    report.push(evidence);
    if let Some(cause) = cause {
        crate::processes::cleanup_evidence("after the pool was dropped");
        return report.diagnose(cause);
    }
    if !side_by_side {
        return report;
    }

    let (cleanup, cause) = cleanup_evidence("after the pool was dropped");
    let cleaned = cleanup.status != Status::Fail;
    report.push(cleanup);
    if let Some(cause) = cause {
        return report.diagnose(cause);
    }
    if !cleaned {
        return report;
    }

    // The workers' CPU carried the tasks: answers computed here and
    // relabelled with the workers' pids leave the workers idle.
    let work_cpu = warm_cpu
        + session
            .rounds
            .iter()
            .zip(&round_cpu)
            .filter(|(r, _)| !r.1.is_empty())
            .map(|(_, cpu)| *cpu)
            .sum::<Duration>();
    let (evidence, cause) = judge_workers_cpu(session.workers_cpu, work_cpu, served);
    report.push(evidence);
    if let Some(cause) = cause {
        return report.diagnose(cause);
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

/// What the OS counted of the candidate's processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartCounts {
    /// Could it count at all?
    pub available: bool,
    /// Seen by the end of `new`.
    pub by_new: usize,
    /// Seen over the whole session (new, every map, drop).
    pub in_all: usize,
    /// The pool's size.
    pub workers: usize,
    /// Maps served.
    pub maps: usize,
}

/// Pure: the `in workers` failure when an answer names this process or a
/// pid the OS never saw this process start.
pub fn judge_answer_pids<'a>(
    answers: impl Iterator<Item = &'a Answer>,
    started: Option<&BTreeSet<u32>>,
) -> Option<(Evidence, String)> {
    let me = std::process::id();
    let (mut here, mut strangers, mut total) = (0, BTreeSet::new(), 0);
    for a in answers {
        total += 1;
        if a.pid == me {
            here += 1;
        } else if started.is_some_and(|s| !s.contains(&a.pid)) {
            strangers.insert(a.pid);
        }
    }
    if here > 0 {
        return Some((
            Evidence::fail(
                "in workers",
                format!("{here} of {total} answers were computed in this process, not a worker"),
            ),
            "The pool ran tasks in the parent process: a process pool sends every task to one of its workers, which runs `task.run()` and sends the answer back unchanged.".into(),
        ));
    }
    if !strangers.is_empty() {
        let named: Vec<String> = strangers.iter().take(5).map(u32::to_string).collect();
        return Some((
            Evidence::fail(
                "in workers",
                format!(
                    "answers name {} pids ({}) the OS never saw this process start",
                    strangers.len(),
                    named.join(", ")
                ),
            ),
            "Send back each answer as the worker's `task.run()` made it: it names the worker process that computed it.".into(),
        ));
    }
    None
}

/// Pure: the `persistent` failure when the OS saw more processes start
/// than the pool has workers (by `new`, or later, in the maps).
pub fn judge_persistent(c: &StartCounts) -> Option<(Evidence, String)> {
    if !c.available || c.in_all <= c.workers {
        return None;
    }
    let later = c.in_all.saturating_sub(c.by_new);
    let summary = format!(
        "the OS saw {} worker processes start for a pool of {} ({} by the end of `new`, {later} during the {} maps)",
        c.in_all, c.workers, c.by_new, c.maps
    );
    let cause = if c.by_new > c.workers {
        format!(
            "`new` started {} processes for a pool of {}: start exactly `workers`, once.",
            c.by_new, c.workers
        )
    } else if later <= c.workers * c.maps {
        "Your pool starts new processes in `map` (fresh workers per map, or per batch), whether or not they come from `spawner.command()`: the OS counts every process. Start the workers once, in `new`, and send every task to one of them.".to_owned()
    } else {
        "Your pool starts a process per task or per batch: Start the workers once, in `new`, and send every task to one of them.".to_owned()
    };
    Some((Evidence::fail("persistent", summary), cause))
}

/// Pure: the `in workers` evidence from CPU time. `workers_cpu` is what
/// the candidate's workers used in all (counted by the kernel, when the
/// pool waited for them), `work_cpu` what the `served` tasks take on one
/// core here. The workers must have spent at least half of it: a pool
/// whose answers were computed elsewhere (in this process, relabelled with
/// the workers' pids) leaves them nearly idle.
pub fn judge_workers_cpu(
    workers_cpu: Duration,
    work_cpu: Duration,
    served: usize,
) -> (Evidence, Option<String>) {
    let numbers = format!(
        "the workers used {} of CPU; the {served} tasks take {} on one core",
        ms(workers_cpu),
        ms(work_cpu)
    );
    if workers_cpu >= work_cpu / 2 {
        return (Evidence::pass("in workers", numbers), None);
    }
    (
        Evidence::fail("in workers", format!("{numbers}: the workers did not do the work")),
        Some("The answers carry the workers' pids, but the workers did not spend the CPU the tasks take: the tasks were computed somewhere else (in this process) and relabelled. Send every task to a worker, which runs `task.run()` and sends the answer back unchanged.".into()),
    )
}

/// What the kernel showed of the candidate's workers over a session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KernelSeen {
    /// Could it show processes at all?
    pub available: bool,
    /// Of the samples at which a worker was runnable, the share at which
    /// two or more were (shown, not graded: under load a worker that has
    /// just answered stays runnable a while).
    pub share: f64,
    /// Samples at which a worker was runnable.
    pub busy_samples: usize,
    /// Samples in all.
    pub all_samples: usize,
}

/// Pure: the `side by side` evidence. `in_flight` is the most tasks of the
/// candidate's workers in progress at once, from the start and end each
/// worker's `task.run()` stamped on its answer (on a clock all processes
/// share); `kernel` is what the kernel showed.
pub fn judge_side_by_side(
    in_flight: usize,
    kernel: &KernelSeen,
    workers: usize,
) -> (Evidence, Option<String>) {
    // Workers that never once showed runnable over a whole session did not
    // compute the answers, whatever pids the answers carry.
    if kernel.available && kernel.busy_samples < 2 && kernel.all_samples >= 100 {
        return (
            Evidence::fail(
                "side by side",
                format!(
                    "the kernel showed a worker runnable at {} of {} samples: your workers never computed",
                    kernel.busy_samples, kernel.all_samples
                ),
            ),
            Some("The answers were not computed by the pool's workers: every task must go to a worker, which runs `task.run()` and sends the answer back unchanged.".into()),
        );
    }
    let seen = if kernel.available && kernel.busy_samples >= SIDE_BY_SIDE_SAMPLES {
        format!(
            "; the kernel showed 2 or more runnable at {:.0}% of {} samples at which any was",
            kernel.share * 100.0,
            kernel.busy_samples
        )
    } else {
        String::new()
    };
    if workers < 2 || in_flight >= 2 {
        return (
            Evidence::pass(
                "side by side",
                format!(
                    "up to {in_flight} tasks of the {workers} workers in progress at once{seen}"
                ),
            ),
            None,
        );
    }
    (
        Evidence::fail(
            "side by side",
            format!("never more than {in_flight} task of the {workers} workers in progress at once{seen}"),
        ),
        Some("One worker computed at a time: each batch was sent and its answers read before the next batch went out, so the other workers waited. Keep every worker busy: one thread per worker that takes the next batch as soon as its worker is free (or send every worker a batch before reading any answer).".into()),
    )
}

/// The pool's whole life, on the watched thread, with the OS watching.
fn session<P>(
    new: fn(usize, &Spawner) -> io::Result<P>,
    map: fn(&mut P, &[Task]) -> io::Result<Vec<Answer>>,
    workers: usize,
    spawner: &Spawner,
    warm_tasks: &[Task],
    rounds: &[Vec<Task>],
    started: Arc<AtomicUsize>,
) -> Session {
    let mut session = Session {
        warm: Vec::new(),
        warm_time: Duration::ZERO,
        started_by_new: 0,
        started_after_warm: 0,
        rounds: Vec::new(),
        reference: Duration::MAX,
        workers_cpu: Duration::ZERO,
        os: ChildLog::default(),
        error: None,
    };
    let os = ChildWatch::start_counting(started);
    let children_before = children_cpu_time();
    // The checker's own children's CPU, waited for within each of its calls.
    let mut checkers = Duration::ZERO;
    let mut own = |f: &mut dyn FnMut()| {
        let before = children_cpu_time();
        f();
        checkers += children_cpu_time().saturating_sub(before);
    };
    let mut pool = match new(workers, spawner) {
        Ok(pool) => pool,
        Err(e) => {
            session.error = Some(("`Pool::new`".into(), e));
            session.os = os.stop();
            return session;
        }
    };
    // The workers `new` started are counted once they have exec'd: wait
    // for them a little (a loaded machine takes a while to start one).
    let deadline = Instant::now() + Duration::from_millis(100);
    while os.candidates_so_far() < workers && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    session.started_by_new = os.candidates_so_far();
    let t = Instant::now();
    match map(&mut pool, warm_tasks) {
        Ok(answers) => session.warm = answers,
        Err(e) => {
            session.error = Some(("`map`".into(), e));
            drop(pool);
            session.os = os.stop();
            return session;
        }
    }
    session.warm_time = t.elapsed();
    std::thread::sleep(Duration::from_millis(2));
    session.started_after_warm = os.candidates_so_far();

    let reference = reference_spawner();
    let sample = &rounds[0][..SAMPLE];
    // Clearly a process per task (or per batch): measure no more maps.
    // Anything less goes on, and the counts judge it at the end.
    if session.started_after_warm <= 4 * workers {
        for tasks in rounds {
            let mut per_task = Duration::ZERO;
            own(&mut || {
                let t = Instant::now();
                std::hint::black_box(
                    process_per_task(sample, workers, &reference).expect("the checker's workers"),
                );
                per_task = t.elapsed();
            });
            let t = Instant::now();
            let answers = match map(&mut pool, tasks) {
                Ok(answers) => answers,
                Err(e) => {
                    session.error = Some(("`map`".into(), e));
                    break;
                }
            };
            session.rounds.push((t.elapsed(), answers, per_task));
            own(&mut || {
                let t = Instant::now();
                std::hint::black_box(
                    reference_run(tasks, workers, &reference).expect("the checker's pool"),
                );
                session.reference = session.reference.min(t.elapsed());
            });
        }
    } else {
        // A process per task: the first map already shows it; measure the
        // cost of one process for the message and stop.
        let mut per_task = Duration::ZERO;
        own(&mut || {
            let t = Instant::now();
            std::hint::black_box(
                process_per_task(sample, workers, &reference).expect("the checker's workers"),
            );
            per_task = t.elapsed();
        });
        session.rounds.push((Duration::MAX, Vec::new(), per_task));
    }
    drop(pool);
    session.workers_cpu = children_cpu_time()
        .saturating_sub(children_before)
        .saturating_sub(checkers);
    session.os = os.stop();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: u64, pid: u32) -> Answer {
        Answer {
            id,
            value: 0,
            pid,
            started_ns: 0,
            ended_ns: 1,
        }
    }

    fn counts(by_new: usize, in_all: usize) -> StartCounts {
        StartCounts {
            available: true,
            by_new,
            in_all,
            workers: 2,
            maps: 4,
        }
    }

    #[test]
    fn starts_are_bounded_on_every_entry_point() {
        // Recorded: the solution 2 (both in `new`); fresh workers per map
        // 10 (2 + 2 per map); a process per task about 1,000 in one map.
        assert!(judge_persistent(&counts(2, 2)).is_none());
        assert!(judge_persistent(&counts(1, 2)).is_none());
        let (e, cause) = judge_persistent(&counts(2, 10)).unwrap();
        assert_eq!(e.name, "persistent");
        assert!(cause.contains("the OS counts every process"));
        let (_, cause) = judge_persistent(&counts(2, 1_004)).unwrap();
        assert!(cause.contains("a process per task"));
        let (_, cause) = judge_persistent(&counts(3, 3)).unwrap();
        assert!(cause.starts_with("`new` started 3"));
        // The bound itself: `workers` passes, one more fails.
        assert!(judge_persistent(&counts(2, 3)).is_some());
        // No /proc: nothing counted, nothing failed.
        assert!(
            judge_persistent(&StartCounts {
                available: false,
                ..counts(9, 99)
            })
            .is_none()
        );
    }

    #[test]
    fn side_by_side_is_probed_at_its_edge() {
        // Recorded: the solution 2 in flight; one worker fed at a time 1,
        // whatever the kernel showed (33% and 40% runnable under load).
        let kernel = |share, busy| KernelSeen {
            available: true,
            share,
            busy_samples: busy,
            all_samples: 600,
        };
        let status = |in_flight, k: KernelSeen| judge_side_by_side(in_flight, &k, 2).0.status;
        assert_eq!(status(2, kernel(0.9, 120)), Status::Pass);
        assert_eq!(status(1, kernel(0.4, 171)), Status::Fail);
        assert_eq!(status(1, kernel(0.01, 194)), Status::Fail);
        // One worker asked for: one in flight is all there can be.
        assert_eq!(
            judge_side_by_side(1, &kernel(0.0, 50), 1).0.status,
            Status::Pass
        );
        // Never runnable in a whole session: the answers came from elsewhere
        // (the parent, relabelled with idle workers' pids).
        let (e, cause) = judge_side_by_side(2, &kernel(0.0, 0), 2);
        assert_eq!(e.status, Status::Fail);
        assert!(
            cause
                .unwrap()
                .contains("not computed by the pool's workers")
        );
        assert_eq!(status(2, kernel(0.0, 2)), Status::Pass);
        let short = KernelSeen {
            all_samples: 99,
            ..kernel(0.0, 0)
        };
        assert_eq!(status(2, short), Status::Pass);
        let blind = KernelSeen {
            available: false,
            ..kernel(0.0, 0)
        };
        assert_eq!(status(2, blind), Status::Pass);
    }

    #[test]
    fn workers_must_spend_half_the_tasks_cpu() {
        let ms = Duration::from_millis;
        let (e, cause) = judge_workers_cpu(ms(100), ms(200), 30_999);
        assert_eq!(e.status, Status::Pass);
        assert!(cause.is_none());
        let (e, _) = judge_workers_cpu(ms(400), ms(200), 30_999);
        assert_eq!(e.status, Status::Pass);
        let (e, cause) = judge_workers_cpu(ms(99), ms(200), 30_999);
        assert_eq!(e.status, Status::Fail);
        assert!(e.summary.contains("30999 tasks"));
        assert!(cause.unwrap().contains("relabelled"));
        assert_eq!(judge_workers_cpu(ms(0), ms(200), 1).0.status, Status::Fail);
    }

    #[test]
    fn answers_must_come_from_workers_the_os_saw() {
        let started: BTreeSet<u32> = [101, 102].into();
        let fine = [answer(0, 101), answer(1, 102)];
        assert!(judge_answer_pids(fine.iter(), Some(&started)).is_none());
        let here = [answer(0, std::process::id())];
        let (e, _) = judge_answer_pids(here.iter(), Some(&started)).unwrap();
        assert!(
            e.summary
                .starts_with("1 of 1 answers were computed in this process")
        );
        let made_up = [answer(0, 101), answer(1, 7)];
        let (e, _) = judge_answer_pids(made_up.iter(), Some(&started)).unwrap();
        assert!(e.summary.contains("(7)"));
        // Without /proc only "this process" can be told.
        assert!(judge_answer_pids(made_up.iter(), None).is_none());
    }
}
