//! 05/01 worker processes: a CPU job split over worker processes that take
//! tasks on stdin and send answers on stdout as JSON lines.
//!
//! The check proves: the answers are right and in order, in every run,
//! each run on fresh inputs (a new seed per run, so nothing can be
//! remembered from an earlier one); the work ran in the workers (every
//! answer names a process the OS saw this process start, as /proc and
//! SIGCHLD report it, not this one; the children's CPU time from
//! `getrusage(RUSAGE_CHILDREN)` carries the work and this process's does
//! not, in the first run and in every timed one); no worker is left running
//! or unwaited-for, after the first run and after the timed ones, each
//! leftover named; the workers computed side by side (the kernel saw them
//! runnable at once, and the answers' start and end times, on a clock all
//! processes share, are the in-flight witness); and, when the machine has
//! spare cores now, the speed is at least 70% of the checker's own
//! multi-process version measured in the same run.

use std::collections::BTreeSet;
use std::io::{self, StdinLock, StdoutLock};
use std::sync::Arc;
use std::time::Duration;

use measured::clock::{children_cpu_time, process_cpu_time, thread_cpu_time};
use measured::grade::{SpeedSample, StructureNeed};
use measured::kernel::mix;
use measured::kernel::units_for;
use measured::measure::{ROUNDS, interleaved, parallelism};
use measured::process::{Answer, Spawner, Task, WORKER_ARG, recorded, shared_clock};
use references::processes::{batch, expected_all};
use verdict::{Evidence, Report, Status};

use crate::grading::{speed_evidence, structure_evidence, structure_numbers};
use crate::harness::{ms, seed, time_chart};
use crate::processes::{
    ChildLog, ChildWatch, SIDE_BY_SIDE_SAMPLES, SIDE_BY_SIDE_SHARE, Watched, cleanup_evidence,
    hung_cause, reference_run, reference_spawner, serve_if_worker, watch,
};

/// The exercise's short name.
pub const NAME: &str = "worker_processes";
/// How long the whole job takes on one core: each of two workers gets about
/// 200 ms, so starting a process (about 1 ms) is noise
/// (src/how_checks_work.md, "Other signals").
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
    Hung { killed: usize, waited: Duration },
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
        Watched::TimedOut { killed, waited } => Outcome::Hung { killed, waited },
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

/// Where one run's CPU time went: this process's own (the watch's own
/// sampling taken out) and its waited-for children's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunCpu {
    /// This process, while the candidate ran.
    pub own: Duration,
    /// The children the candidate waited for during the run.
    pub children: Duration,
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
    let warm = Arc::new(batch(TASKS / 2, units_for(JOB / 100), seed));
    if let Some(failed) = failing_run(&report, &run, &warm, workers, &spawner) {
        return failed;
    }

    let units = units_for(JOB / TASKS as u32);
    let tasks = Arc::new(batch(TASKS, units, mix(seed ^ 1)));
    let cpu_before = thread_cpu_time();
    let expected = expected_all(&tasks);
    let work_cpu = thread_cpu_time() - cpu_before;

    let children_before = children_cpu_time();
    let own_before = process_cpu_time();
    let started = shared_clock();
    let os = ChildWatch::start();
    let outcome = run_watched(&run, &tasks, workers, &spawner);
    let os = os.stop();
    let cpu = RunCpu {
        own: process_cpu_time()
            .saturating_sub(own_before)
            .saturating_sub(os.watch_cpu),
        children: children_cpu_time().saturating_sub(children_before),
    };
    let answers = match outcome {
        Outcome::Answers(a) => a,
        Outcome::Error(e) => return error_report(report, &e),
        Outcome::Hung { killed, waited } => return hung_report(report, killed, waited),
    };
    if let Some((line, cause)) = wrong_answers(&tasks, &expected, &answers) {
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{} of {} answers right, in order", tasks.len(), tasks.len()),
    ));

    let started_by_os = os.available.then(|| os.candidate_pids());
    let (evidence, cause) = in_workers_evidence(&answers, started_by_os.as_ref(), work_cpu, cpu);
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

    // Side by side: the kernel saw the workers runnable at once, and the
    // answers carry when and where each task ran.
    let m = workers.min(p).min(tasks.len());
    if let Some((evidence, cause)) = kernel_side_by_side(&os, m) {
        return report.with(evidence).diagnose(cause);
    }
    let need = StructureNeed::new(m);
    let items = recorded(&answers);
    report.timeline = Some(
        items
            .timeline_named(started, |pid| Some(format!("worker pid {pid}")))
            .captioned("your run, one row per worker process"),
    );
    let stats = items.stats();
    let (mut evidence, mut cause) = structure_evidence(&stats, need);
    let (share, busy_samples) = os.share_busy(2);
    if evidence.status == Status::Fail
        && busy_worker_load(
            stats.high_water,
            m,
            stats.largest_share,
            (os.available, share, busy_samples),
        )
    {
        // The answers' times say the workers overlapped too little, but the
        // kernel saw them runnable together nearly all the time: a machine
        // so busy that starting a worker took a large part of the run.
        evidence = Evidence::inconclusive(
            "concurrent",
            format!(
                "{}; yet the kernel showed 2 or more workers runnable at {:.0}% of {busy_samples} samples: the machine was too busy to tell",
                evidence.summary,
                share * 100.0
            ),
        );
        cause = None;
        report = report.note("Run the check again when the machine is quieter (`checker doctor` shows how busy it is).");
    }
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

    // Speed: one core, the checker's own workers, yours, interleaved; every
    // round on fresh tasks of the same size, so nothing a run remembers
    // helps the next. The one-core version's results are the expected
    // answers of its round.
    let rounds: Vec<Vec<Task>> = (0..ROUNDS as u64)
        .map(|k| batch(TASKS, units, mix(seed ^ (k + 2))))
        .collect();
    let reference = reference_spawner();
    let mut sequential_results: Vec<Vec<u64>> = Vec::new();
    let mut reference_rounds = 0;
    let mut candidate_rounds: Vec<(io::Result<Vec<Answer>>, RunCpu)> = Vec::new();
    let (mut s, mut r) = (
        || {
            let k = sequential_results.len().min(ROUNDS - 1);
            sequential_results.push(std::hint::black_box(expected_all(&rounds[k])));
        },
        || {
            let k = reference_rounds.min(ROUNDS - 1);
            reference_rounds += 1;
            std::hint::black_box(
                reference_run(&rounds[k], p, &reference).expect("the checker's workers"),
            );
        },
    );
    // Answers are checked after the rounds: checking them computes the job.
    let mut c = || {
        let k = candidate_rounds.len().min(ROUNDS - 1);
        let (children, own) = (children_cpu_time(), process_cpu_time());
        let answers = run(&rounds[k], workers, &spawner);
        let cpu = RunCpu {
            own: process_cpu_time().saturating_sub(own),
            children: children_cpu_time().saturating_sub(children),
        };
        candidate_rounds.push((answers, cpu));
    };
    let measured = interleaved(&mut [&mut s, &mut r, &mut c], ROUNDS, CAP);
    let mut wrong = None;
    for (k, (round, _)) in candidate_rounds.iter().enumerate() {
        let line = match round {
            Ok(answers) => {
                let computed;
                let expected = match sequential_results.get(k) {
                    Some(e) => e,
                    None => {
                        computed = expected_all(&rounds[k]);
                        &computed
                    }
                };
                wrong_answers(&rounds[k], expected, answers).map(|(line, _)| line)
            }
            Err(e) => Some(format!("an error: {e}")),
        };
        if let Some(line) = line {
            wrong = Some((k, line));
            break;
        }
    }
    if let Some((k, line)) = wrong {
        report.push(Evidence::fail(
            "correct",
            format!(
                "right in the first run, then wrong in timed run {}, on fresh tasks: {line}",
                k + 1
            ),
        ));
        return report.diagnose("The answers of a later run, on new tasks of the same size and ids, were wrong: every run's tasks are new (a fresh seed), so an answer kept from an earlier run, or a shortcut taken once the first run was checked, shows here. Run every task in a worker, every time, and put each answer at its task's index.");
    }
    let (cleanup, cleanup_cause) = cleanup_evidence("after the timed runs");
    if cleanup.status == Status::Fail {
        report.push(cleanup);
        return report.diagnose(cleanup_cause.unwrap_or_default());
    }
    let round_cpu: Vec<RunCpu> = candidate_rounds.iter().map(|(_, cpu)| *cpu).collect();
    if let Some((evidence, cause)) = judge_timed_runs(&round_cpu, work_cpu) {
        return report.with(evidence).diagnose(cause);
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

/// The `concurrent` failure when the kernel seldom saw two of the
/// candidate's workers runnable at once (None when it did, when one worker
/// is all this machine asks for, or when it could not look).
fn kernel_side_by_side(os: &ChildLog, m: usize) -> Option<(Evidence, String)> {
    let (share, samples) = os.share_busy(2);
    judge_kernel_side_by_side(os.available, share, samples, m)
}

/// Pure: of the `samples` at which the kernel showed one of the
/// candidate's workers runnable (state R: running, or ready and waiting
/// for a core), `share` had two or more runnable; `m` workers were asked
/// for. Two, not `m`: on a machine of many cores the last worker starts a
/// while after the first, and the answers' witness grades the rest.
pub fn judge_kernel_side_by_side(
    available: bool,
    share: f64,
    samples: usize,
    m: usize,
) -> Option<(Evidence, String)> {
    // Too few samples to tell (a run of a few milliseconds): say nothing.
    if !available || m <= 1 || share >= SIDE_BY_SIDE_SHARE || samples < SIDE_BY_SIDE_SAMPLES {
        return None;
    }
    Some((
        Evidence::fail(
            "concurrent",
            format!(
                "the kernel showed 2 or more of your {m} workers runnable at once at {:.0}% of the {samples} samples at which any was (need {:.0}%)",
                share * 100.0,
                SIDE_BY_SIDE_SHARE * 100.0
            ),
        ),
        "1 task in flight at a time: one worker computed while the others waited. Start every worker and send each its share before you read any answer.".to_owned(),
    ))
}

/// Pure: is a `concurrent` failure from the answers' times better put down
/// to a busy machine (an inconclusive verdict, never a pass)? Only when
/// every worker was in flight at once (`high_water` of `m`), the work was
/// dealt evenly (the largest worker's share at most 1/m + 10%), and the
/// kernel showed two or more workers runnable together at
/// [`SIDE_BY_SIDE_SHARE`] or more of the samples at which any was (a run
/// whose workers ran one after another shows about 0%): then the low
/// average comes from workers that a loaded machine started late.
pub fn busy_worker_load(
    high_water: usize,
    m: usize,
    largest_share: f64,
    kernel: (bool, f64, usize),
) -> bool {
    let (available, share, busy_samples) = kernel;
    available
        && high_water >= m
        && largest_share <= 1.0 / m.max(1) as f64 + 0.1
        && share >= SIDE_BY_SIDE_SHARE
        && busy_samples >= SIDE_BY_SIDE_SAMPLES
}

/// Pure: the `in workers` failure for the first timed run whose CPU time
/// shows the work was not done in workers (None when every run's was).
/// `work` is what the job takes on one core.
pub fn judge_timed_runs(rounds: &[RunCpu], work: Duration) -> Option<(Evidence, String)> {
    for (k, cpu) in rounds.iter().enumerate() {
        if cpu.own > work / 2 {
            return Some((
                Evidence::fail(
                    "in workers",
                    format!(
                        "timed run {}: this process used {} of CPU, the workers {} (the job takes {} on one core)",
                        k + 1,
                        ms(cpu.own),
                        ms(cpu.children),
                        ms(work)
                    ),
                ),
                "The first run did its work in worker processes, but a timed run did it in this process (threads here, or the kernel called directly). Every run is measured the same way: start the workers and send them the tasks every time.".into(),
            ));
        }
        if cpu.children < work / 2 {
            return Some((
                Evidence::fail(
                    "in workers",
                    format!(
                        "timed run {}: the workers used {} of CPU, this process {} (the job takes {} on one core)",
                        k + 1,
                        ms(cpu.children),
                        ms(cpu.own),
                        ms(work)
                    ),
                ),
                "A timed run's workers did not carry the work: either the answers came from somewhere else (remembered, or computed before), or the workers were not waited for (a child's CPU time is counted when its parent waits for it). Run every task in a worker and `wait()` for every worker, every time.".into(),
            ));
        }
    }
    None
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
            let expected = expected_all(tasks);
            wrong_answers(tasks, &expected, &answers)
                .map(|(line, cause)| report.with(Evidence::fail("correct", line)).diagnose(cause))
        }
        Outcome::Error(e) => Some(error_report(report, &e)),
        Outcome::Hung { killed, waited } => Some(hung_report(report, killed, waited)),
    }
}

fn error_report(report: Report, e: &io::Error) -> Report {
    report
        .with(Evidence::fail("correct", format!("`run` returned an error: {e}")))
        .diagnose(format!(
            "Your `run` returned `Err({e})`. If a worker failed, its own message is above, on standard error; a worker that cannot parse a line gets an `InvalidData` error: send one JSON value per line, each followed by a newline."
        ))
}

fn hung_report(report: Report, killed: usize, waited: Duration) -> Report {
    report
        .with(Evidence::fail(
            "correct",
            format!("no answers within {}", crate::processes::secs(waited)),
        ))
        .diagnose(hung_cause(waited, killed))
}

/// The `in workers` evidence: which processes computed the answers, checked
/// against the children the OS saw this process start (`started`, None
/// where it cannot tell), and where the work's CPU time went. Pure.
pub fn in_workers_evidence(
    answers: &[Answer],
    started: Option<&BTreeSet<u32>>,
    work_cpu: Duration,
    cpu: RunCpu,
) -> (Evidence, Option<String>) {
    let me = std::process::id();
    let here = answers.iter().filter(|a| a.pid == me).count();
    let mut pids: Vec<u32> = answers.iter().map(|a| a.pid).filter(|&p| p != me).collect();
    pids.sort_unstable();
    pids.dedup();
    let numbers = format!(
        "the workers used {} of CPU and this process {} (the job takes {} on one core)",
        ms(cpu.children),
        ms(cpu.own),
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
    if let Some(started) = started {
        let strangers: Vec<String> = pids
            .iter()
            .filter(|p| !started.contains(p))
            .map(u32::to_string)
            .collect();
        if !strangers.is_empty() {
            return (
                Evidence::fail(
                    "in workers",
                    format!(
                        "answers name pids {} that the OS never saw this process start (it started {}); {numbers}",
                        strangers.join(", "),
                        started.len()
                    ),
                ),
                Some("Each answer must be the one `task.run()` returned in a worker, sent back unchanged: it names the process that computed it, and that process must be a worker you started.".into()),
            );
        }
    }
    if cpu.own > work_cpu / 2 {
        return (
            Evidence::fail("in workers", numbers),
            Some("This process spent as much CPU as the job itself: the work, or a copy of it, ran here. The parent only sends tasks and reads answers.".into()),
        );
    }
    if cpu.children < work_cpu / 2 {
        return (
            Evidence::fail("in workers", format!("{numbers}: the workers' time was not counted")),
            Some("A child's CPU time is added to the parent's `RUSAGE_CHILDREN` only when the parent waits for it: call `child.wait()` on every worker you started (after dropping its stdin), or it lingers as a zombie.".into()),
        );
    }
    let seen = started.map_or_else(String::new, |s| {
        format!(", all among the {} the OS saw this process start", s.len())
    });
    (
        Evidence::pass(
            "in workers",
            format!(
                "{} tasks in {} worker processes{seen}; {numbers}",
                answers.len(),
                pids.len()
            ),
        ),
        None,
    )
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

    fn ms_(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn answers_from_started_children_with_the_cpu_there_pass() {
        let started: BTreeSet<u32> = [101, 102].into();
        let answers = [answer(0, 101), answer(1, 102)];
        let cpu = RunCpu {
            own: ms_(3),
            children: ms_(430),
        };
        let (e, cause) = in_workers_evidence(&answers, Some(&started), ms_(400), cpu);
        assert_eq!(e.status, Status::Pass, "{}", e.summary);
        assert!(cause.is_none());
    }

    #[test]
    fn an_answer_from_this_process_fails() {
        let answers = [answer(0, std::process::id())];
        let cpu = RunCpu {
            own: ms_(400),
            children: ms_(0),
        };
        let (e, cause) = in_workers_evidence(&answers, None, ms_(400), cpu);
        assert_eq!(e.status, Status::Fail);
        assert!(
            cause
                .unwrap()
                .contains("The work ran in the parent process")
        );
    }

    #[test]
    fn a_pid_the_os_never_saw_fails_even_with_the_cpu_right() {
        // Answers relabelled with made-up pids: the OS started 101 only.
        let started: BTreeSet<u32> = [101].into();
        let answers = [answer(0, 101), answer(1, 4_000_000)];
        let cpu = RunCpu {
            own: ms_(3),
            children: ms_(430),
        };
        let (e, _) = in_workers_evidence(&answers, Some(&started), ms_(400), cpu);
        assert_eq!(e.status, Status::Fail);
        assert!(e.summary.contains("4000000"));
    }

    #[test]
    fn cpu_thresholds_are_half_the_work_on_both_sides() {
        let started: BTreeSet<u32> = [101].into();
        let answers = [answer(0, 101)];
        let judge = |own, children| {
            in_workers_evidence(
                &answers,
                Some(&started),
                ms_(400),
                RunCpu {
                    own: ms_(own),
                    children: ms_(children),
                },
            )
            .0
            .status
        };
        assert_eq!(judge(200, 400), Status::Pass); // own exactly half: allowed
        assert_eq!(judge(201, 400), Status::Fail);
        assert_eq!(judge(0, 200), Status::Pass); // children exactly half
        assert_eq!(judge(0, 199), Status::Fail);
    }

    #[test]
    fn every_timed_run_is_judged_not_only_the_first() {
        let good = RunCpu {
            own: ms_(2),
            children: ms_(410),
        };
        let in_parent = RunCpu {
            own: ms_(405),
            children: ms_(0),
        };
        let remembered = RunCpu {
            own: ms_(0),
            children: ms_(0),
        };
        assert!(judge_timed_runs(&[good, good, good], ms_(400)).is_none());
        let (e, cause) = judge_timed_runs(&[good, in_parent, good], ms_(400)).unwrap();
        assert!(e.summary.starts_with("timed run 2:"), "{}", e.summary);
        assert!(cause.contains("a timed run did it in this process"));
        let (e, _) = judge_timed_runs(&[good, good, remembered], ms_(400)).unwrap();
        assert!(e.summary.starts_with("timed run 3:"));
        assert!(judge_timed_runs(&[], ms_(400)).is_none());
    }

    #[test]
    fn a_busy_machine_excuses_a_low_overlap_only_when_the_kernel_saw_it() {
        // Recorded under a one-core hog: peak 2 of 2, 1.30 in flight on
        // average (need 1.40), largest share 50%: inconclusive, if the
        // kernel saw the two runnable together.
        let kernel = |share| (true, share, 300);
        assert!(busy_worker_load(2, 2, 0.5, kernel(0.3)));
        assert!(busy_worker_load(2, 2, 0.5, kernel(SIDE_BY_SIDE_SHARE)));
        assert!(!busy_worker_load(
            2,
            2,
            0.5,
            kernel(SIDE_BY_SIDE_SHARE - 0.001)
        ));
        // One at a time: the kernel saw 0%.
        assert!(!busy_worker_load(2, 2, 0.5, kernel(0.0)));
        // Uneven shares are the learner's: 60% is the edge for two workers.
        assert!(busy_worker_load(2, 2, 0.6, kernel(0.9)));
        assert!(!busy_worker_load(2, 2, 0.61, kernel(0.9)));
        // Fewer in flight than wanted, no /proc, too few samples: no excuse.
        assert!(!busy_worker_load(1, 2, 0.5, kernel(0.9)));
        assert!(!busy_worker_load(2, 2, 0.5, (false, 0.9, 300)));
        assert!(!busy_worker_load(
            2,
            2,
            0.5,
            (true, 0.9, SIDE_BY_SIDE_SAMPLES - 1)
        ));
    }

    #[test]
    fn the_kernel_side_by_side_share_is_probed_at_its_edge() {
        // Recorded: the solution 92%, workers one after another 0 to 1%.
        assert!(judge_kernel_side_by_side(true, 0.92, 400, 2).is_none());
        assert!(judge_kernel_side_by_side(true, 0.01, 400, 2).is_some());
        assert!(judge_kernel_side_by_side(true, SIDE_BY_SIDE_SHARE, 400, 2).is_none());
        assert!(judge_kernel_side_by_side(true, SIDE_BY_SIDE_SHARE - 0.001, 400, 2).is_some());
        // One worker asked for, no /proc, or too few samples: no verdict.
        assert!(judge_kernel_side_by_side(true, 0.0, 400, 1).is_none());
        assert!(judge_kernel_side_by_side(false, 0.0, 400, 2).is_none());
        assert!(judge_kernel_side_by_side(true, 0.0, SIDE_BY_SIDE_SAMPLES - 1, 2).is_none());
        assert!(judge_kernel_side_by_side(true, 0.0, SIDE_BY_SIDE_SAMPLES, 2).is_some());
    }
}
