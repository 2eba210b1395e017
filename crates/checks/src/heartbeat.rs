//! 01/01 heartbeat: the job's answer (which depends on a seed drawn per
//! run, revealed only by running the job) comes back; the job ran on another
//! thread (as the job itself records); the app never went 50 ms without a
//! tick from its own thread while the job ran; and no thread `run_app`
//! started is still running once it has returned.
//!
//! Measuring ([`check`]) gathers `Facts`; `judge` decides from them
//! alone, and is unit-tested on recorded facts.

use std::collections::BTreeMap;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use measured::app::{App, Job, JobRun};
use measured::heartbeat::{Heartbeat, worst_gap};
use measured::kernel::units_for;
use verdict::{Evidence, Report};

use crate::harness::{ms, seed, time_chart};

/// The exercise's short name.
pub const NAME: &str = "heartbeat";
/// How long the job computes on a quiet machine.
pub const JOB_TIME: Duration = Duration::from_millis(400);
/// The longest the app may go without a tick while the job runs.
pub const MAX_GAP: Duration = Duration::from_millis(50);
/// How long threads that `run_app` started may take to be gone after it
/// returned (a thread that was joined, or finished, ends at once).
const GRACE: Duration = Duration::from_millis(300);

/// Checks a `run_app` and writes the report (called by `check.rs`).
pub fn main(run_app: impl Fn(&mut App, Job) -> u64) {
    crate::main(NAME, || check(run_app));
}

/// What one run of `run_app` showed.
#[derive(Debug, Clone)]
struct Facts {
    /// What `run_app` returned.
    answer: u64,
    /// The job's own record of its run, if it finished.
    run: Option<JobRun>,
    /// Whether the job started.
    started: bool,
    /// The thread `run_app` was called on (the app's).
    app_thread: ThreadId,
    /// The app's ticks from its own thread.
    ticks: Vec<Instant>,
    /// The ticks of the checker's own thread, which sleeps `App::TICK`
    /// between ticks meanwhile: how late this machine wakes a sleeping
    /// thread right now.
    reference: Vec<Instant>,
    /// Ticks from other threads.
    strays: usize,
    /// When `run_app` was called, and when it returned.
    called: Instant,
    returned: Instant,
    /// The CPU time the app's thread used inside `run_app`: a loop that
    /// sleeps between ticks uses almost none.
    app_cpu: Duration,
    /// How many times the app's thread gave up its core of its own accord
    /// inside `run_app` (slept or waited), where the OS tells: a loop that
    /// sleeps between ticks does once per tick; one that only spins or
    /// calls `yield_now` never does, however busy the machine.
    app_rests: Option<u64>,
    /// Threads started during `run_app` and still running after it
    /// returned (and a grace period), described.
    left: Vec<String>,
}

/// Checks a `run_app`. A gap that may be the machine's (the app ticked,
/// from its own thread, about every `App::TICK` on the whole, but once went
/// too long) gets a second round with a fresh job and seed, judged in full:
/// a right answer passes it, a wrong one fails both.
pub fn check(run_app: impl Fn(&mut App, Job) -> u64) -> Report {
    let first = round(&run_app);
    let report = judge(&first);
    if report.verdict() == verdict::Verdict::Pass || !plausible_loop(&first) {
        return report;
    }
    let seen = first
        .run
        .map(|run| ms(worst_gap(&first.ticks, run.started, run.finished)))
        .unwrap_or_default();
    judge(&round(&run_app)).note(format!(
        "a first round went {seen} without a tick; this is a second round, with a fresh job"
    ))
}

/// One round: a fresh app and a job with a seed drawn for it, while the
/// checker's own thread ticks beside it.
fn round(run_app: &impl Fn(&mut App, Job) -> u64) -> Facts {
    let heartbeat = Heartbeat::new();
    let mut app = App::new(heartbeat.clone());
    let (job, record) = Job::new(units_for(JOB_TIME), seed());
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reference = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut ticks = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                ticks.push(Instant::now());
                std::thread::sleep(App::TICK);
            }
            ticks
        })
    };
    let before = live_threads();
    let cpu_before = measured::clock::thread_cpu_time();
    let rests_before = measured::clock::thread_voluntary_switches();
    let called = Instant::now();
    let answer = run_app(&mut app, job);
    let returned = Instant::now();
    let app_cpu = measured::clock::thread_cpu_time().saturating_sub(cpu_before);
    let app_rests = measured::clock::thread_voluntary_switches()
        .zip(rests_before)
        .map(|(after, before)| after.saturating_sub(before));
    let left = threads_left(&before);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    Facts {
        answer,
        run: record.run(),
        started: record.started(),
        app_thread: std::thread::current().id(),
        ticks: heartbeat.ticks(),
        reference: reference.join().unwrap_or_default(),
        strays: app.stray_ticks(),
        called,
        returned,
        app_cpu,
        app_rests,
        left,
    }
}

/// Whether the round looks like a right loop that a busy machine may have
/// held up: the right answer, the job on another thread, no stray ticks, no
/// thread left, and the app ticking from its own thread about every
/// `App::TICK` on the whole (a sleepy loop or a `join` right after `spawn`
/// does not).
fn plausible_loop(f: &Facts) -> bool {
    let Some(run) = f.run else {
        return false;
    };
    let during = f
        .ticks
        .iter()
        .filter(|&&t| t > run.started && t < run.finished)
        .count() as u32;
    f.answer == run.answer
        && run.thread != f.app_thread
        && f.strays == 0
        && f.left.is_empty()
        && !spun(f)
        && during > 0
        && (run.finished - run.started) / during < MAX_GAP / 2
}

/// Whether the app's thread ticked without resting: it used more than a
/// quarter of the time `run_app` took in CPU (a loop that sleeps
/// `App::TICK` between ticks uses a few hundredths of it), or, where the OS
/// counts them, it gave up its core of its own accord fewer times than
/// half its ticks (a resting loop sleeps once per tick; a loop that only
/// calls `yield_now` uses little CPU while another program wants the core,
/// but never sleeps).
fn spun(f: &Facts) -> bool {
    let ticks = f
        .ticks
        .iter()
        .filter(|&&t| t >= f.called && t <= f.returned)
        .count() as u64;
    f.app_cpu * 4 > f.returned.saturating_duration_since(f.called)
        || f.app_rests
            .is_some_and(|rests| ticks >= 10 && rests * 2 < ticks)
}

/// The verdict on one run's facts.
fn judge(f: &Facts) -> Report {
    let report = Report::new(NAME);
    let answer = f.answer;
    let Some(run) = f.run else {
        if f.started {
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
    let gap = worst_gap(&f.ticks, run.started, run.finished);
    let ticks_during = f
        .ticks
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
    if run.thread == f.app_thread {
        let mut report = report
            .with(Evidence::fail(
                "concurrent",
                "the job ran on the app's own thread",
            ))
            .diagnose(format!(
                "The job ran on the app's own thread, so nothing ticked for {}: move `job.run()` into `std::thread::spawn`.",
                ms(gap)
            ));
        report.chart = Some(chart);
        return report;
    }
    let mut report = report.with(Evidence::pass(
        "concurrent",
        "the job ran on another thread",
    ));
    // Cleanup first: a fact no busy machine changes.
    if !f.left.is_empty() {
        report.chart = Some(chart);
        return report
            .with(Evidence::fail(
                "cleaned up",
                format!(
                    "{} thread{} that run_app started {} still running after `run_app` returned: {}",
                    f.left.len(),
                    if f.left.len() == 1 { "" } else { "s" },
                    if f.left.len() == 1 { "was" } else { "were" },
                    f.left.join("; ")
                ),
            ))
            .diagnose(format!(
                "{} still running after `run_app` returned: a thread that waits for more work, or loops until the program ends, outlives the job and leaks. Start only the job's thread, let it end when the job does, and `join` it before returning.",
                if f.left.len() == 1 { "A thread is" } else { "Threads are" }
            ));
    }
    report.push(Evidence::pass(
        "cleaned up",
        "every thread run_app started had ended when it returned",
    ));
    report.chart = Some(chart);
    let mut responsive = format!(
        "worst gap between the app's ticks {} while the job ran for {} (need under {}), {ticks_during} ticks",
        ms(gap),
        ms(job_time),
        ms(MAX_GAP)
    );
    if f.strays > 0 {
        responsive.push_str(&format!(
            ", and {} from another thread, which do not count",
            f.strays
        ));
    }
    if gap >= MAX_GAP {
        let machine = worst_gap(&f.reference, run.started, run.finished);
        if plausible_loop(f) && machine * 2 >= MAX_GAP {
            return report
                .with(Evidence::inconclusive(
                    "responsive",
                    format!(
                        "{responsive}; the checker's own thread, sleeping {} between ticks, went {} without one meanwhile",
                        ms(App::TICK),
                        ms(machine)
                    ),
                ))
                .diagnose("This machine is too busy to tell: even the checker's own ticking thread was held up for a long time. Close other programs and run again.");
        }
        let cause = if f.strays > 0 {
            format!(
                "The app was ticked from another thread ({} times), while its own thread went {} without a tick: an app's loop lives on its own thread (that is why `App` is not `Send`). Keep the app's thread ticking, and move the job, not the app.",
                f.strays,
                ms(gap)
            )
        } else if ticks_during == 0 {
            "The job ran on another thread, but the app did not tick while it ran: are you joining the thread right after spawning it? Tick until the job has finished, then join.".to_owned()
        } else {
            format!(
                "The app ticked, but once went {} without a tick: sleep `App::TICK` between ticks, never longer.",
                ms(gap)
            )
        };
        return report
            .with(Evidence::fail("responsive", responsive))
            .diagnose(cause);
    }
    let late = f.returned.saturating_duration_since(run.finished);
    if late > MAX_GAP {
        return report
            .with(Evidence::fail(
                "responsive",
                format!("returned {} after the job finished", ms(late)),
            ))
            .diagnose("Return the answer as soon as the job has finished.");
    }
    if spun(f) {
        return report
            .with(Evidence::fail(
                "responsive",
                format!(
                    "{responsive}; but the app's thread used {} of CPU in the {} `run_app` took{}",
                    ms(f.app_cpu),
                    ms(f.returned.saturating_duration_since(f.called)),
                    f.app_rests
                        .map(|r| format!(", and slept {r} times"))
                        .unwrap_or_default()
                ),
            ))
            .diagnose("The app ticked without resting: its thread spun, keeping a core busy doing nothing (on a one-core machine, the core the job needs). Sleep `App::TICK` between ticks.");
    }
    report.with(Evidence::pass("responsive", responsive))
}

/// The threads of this process alive now (Linux), by id, with their
/// state: ids of tasks under /proc/self/task, leaving out those already
/// exiting (states Z and X). `None` where there is no /proc.
fn live_threads() -> Option<BTreeMap<u32, String>> {
    let entries = std::fs::read_dir("/proc/self/task").ok()?;
    let mut live = BTreeMap::new();
    for entry in entries.flatten() {
        let Some(tid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Some(stat) = measured::process::ProcStat::read(&entry.path().join("stat")) else {
            continue;
        };
        if stat.is_ended() {
            continue;
        }
        let name = &stat.name;
        let doing = match stat.state {
            'R' => "running",
            'S' | 'D' => "waiting",
            _ => "stopped",
        };
        live.insert(tid, format!("thread {tid} \"{name}\" ({doing})"));
    }
    Some(live)
}

/// The threads alive now that were not `before`, waiting up to [`GRACE`]
/// for ending threads to be gone (at once when there are none).
fn threads_left(before: &Option<BTreeMap<u32, String>>) -> Vec<String> {
    let Some(before) = before else {
        return Vec::new();
    };
    let deadline = Instant::now() + GRACE;
    loop {
        let Some(now) = live_threads() else {
            return Vec::new();
        };
        let new: Vec<String> = now
            .into_iter()
            .filter(|(tid, _)| !before.contains_key(tid))
            .map(|(_, what)| what)
            .collect();
        if new.is_empty() || Instant::now() > deadline {
            return new;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::{Status, Verdict};

    /// Facts of a right run: the job ran from 0 to 400 ms on another
    /// thread, the app ticked every `every` ms from its own.
    fn facts(every: u64) -> Facts {
        let t0 = Instant::now();
        let at = |n: u64| t0 + Duration::from_millis(n);
        let other = std::thread::spawn(|| std::thread::current().id())
            .join()
            .unwrap();
        Facts {
            answer: 42,
            run: Some(JobRun {
                started: at(0),
                finished: at(400),
                thread: other,
                answer: 42,
            }),
            started: true,
            app_thread: std::thread::current().id(),
            ticks: (0..=400 / every + 1).map(|i| at(i * every)).collect(),
            reference: (0..=41).map(|i| at(i * 10)).collect(),
            strays: 0,
            called: at(0),
            returned: at(405),
            app_cpu: Duration::from_millis(2),
            app_rests: Some(400 / every + 1),
            left: Vec::new(),
        }
    }

    fn failed_on(report: &Report) -> (String, String) {
        let e = report
            .evidence
            .iter()
            .find(|e| e.status == Status::Fail)
            .expect("a failure");
        (e.name.clone(), report.diagnosis.clone().unwrap_or_default())
    }

    #[test]
    fn a_right_run_passes() {
        let report = judge(&facts(10));
        assert_eq!(report.verdict(), Verdict::Pass);
        assert_eq!(report.evidence.len(), 4);
    }

    #[test]
    fn an_app_thread_that_spins_fails_from_both_sides() {
        // 405 ms in `run_app`: a quarter is 101.25 ms.
        for (cpu, pass) in [(101, true), (102, false), (400, false)] {
            let mut f = facts(10);
            f.app_cpu = Duration::from_millis(cpu);
            let report = judge(&f);
            assert_eq!(report.verdict() == Verdict::Pass, pass, "{cpu} ms");
            if !pass {
                let (name, cause) = failed_on(&report);
                assert_eq!(name, "responsive");
                assert!(cause.contains("spun"));
                assert!(!plausible_loop(&f), "no second round for a spin");
            }
        }
    }

    #[test]
    fn an_app_thread_that_never_sleeps_fails_however_little_cpu_it_got() {
        // A loop of `tick(); yield_now();` on a busy machine: little CPU,
        // many ticks, no sleep. 41 ticks: 20 rests pass (41 < 2 x 21 is
        // false at 21), 20 fail.
        for (rests, pass) in [(21, true), (20, false), (0, false)] {
            let mut f = facts(10);
            f.app_rests = Some(rests);
            let report = judge(&f);
            assert_eq!(report.verdict() == Verdict::Pass, pass, "{rests} rests");
            if !pass {
                assert!(failed_on(&report).1.contains("spun"));
            }
        }
        // Where the OS does not count, the CPU rule alone decides.
        let mut f = facts(10);
        f.app_rests = None;
        assert_eq!(judge(&f).verdict(), Verdict::Pass);
    }

    #[test]
    fn the_gap_rule_from_both_sides() {
        // A gap of 49 ms passes; 50 and 51 fail.
        for (every, pass) in [(49, true), (50, false), (51, false)] {
            let mut f = facts(10);
            let t0 = f.run.unwrap().started;
            f.ticks = vec![
                t0 + Duration::from_millis(200),
                t0 + Duration::from_millis(200 + every),
            ];
            f.ticks
                .extend((0..20).map(|i| t0 + Duration::from_millis(i * 10)));
            f.ticks
                .extend((0..20).map(|i| t0 + Duration::from_millis(200 + every + i * 10)));
            f.ticks.sort();
            let report = judge(&f);
            assert_eq!(
                report.verdict() == Verdict::Pass,
                pass,
                "{every} ms: {}",
                report.to_json()
            );
        }
    }

    #[test]
    fn returning_late_from_both_sides() {
        let mut f = facts(10);
        let end = f.run.unwrap().finished;
        f.returned = end + Duration::from_millis(50);
        assert_eq!(judge(&f).verdict(), Verdict::Pass);
        f.returned = end + Duration::from_millis(51);
        assert_eq!(failed_on(&judge(&f)).0, "responsive");
    }

    #[test]
    fn wrong_answers_and_a_job_never_run() {
        let mut f = facts(10);
        f.answer = 7;
        assert_eq!(failed_on(&judge(&f)).0, "correct");
        f.run = None;
        assert!(
            failed_on(&judge(&f))
                .1
                .contains("Wait for the job to finish")
        );
        f.started = false;
        assert!(failed_on(&judge(&f)).1.contains("Call `job.run()`"));
    }

    #[test]
    fn the_job_on_the_app_thread() {
        let mut f = facts(10);
        f.run.as_mut().unwrap().thread = f.app_thread;
        assert_eq!(failed_on(&judge(&f)).0, "concurrent");
    }

    #[test]
    fn ticks_from_another_thread_do_not_count() {
        let mut f = facts(10);
        f.ticks.clear();
        f.strays = 40;
        let (name, cause) = failed_on(&judge(&f));
        assert_eq!(name, "responsive");
        assert!(cause.contains("ticked from another thread"));
        f.strays = 0;
        assert!(
            failed_on(&judge(&f))
                .1
                .contains("joining the thread right after")
        );
    }

    #[test]
    fn only_a_gap_the_machine_may_cause_earns_a_second_round() {
        // Ticks every 10 ms but one gap of 60 ms: maybe the machine.
        let mut f = facts(10);
        let t0 = f.run.unwrap().started;
        f.ticks.retain(|&t| {
            t < t0 + Duration::from_millis(200) || t > t0 + Duration::from_millis(260)
        });
        assert_eq!(failed_on(&judge(&f)).0, "responsive");
        assert!(plausible_loop(&f));
        // A loop sleeping 100 ms: no.
        assert!(!plausible_loop(&facts(100)));
        // Spawn then join: no ticks during the job.
        let mut f = facts(10);
        f.ticks.clear();
        assert!(!plausible_loop(&f));
    }

    #[test]
    fn a_gap_the_checkers_own_thread_also_saw_is_inconclusive() {
        let mut f = facts(10);
        let t0 = f.run.unwrap().started;
        let hole = |ticks: &mut Vec<Instant>, from: u64, to: u64| {
            ticks.retain(|&t| {
                t < t0 + Duration::from_millis(from) || t > t0 + Duration::from_millis(to)
            })
        };
        hole(&mut f.ticks, 200, 260);
        // The checker's thread went 20 ms: the gap is the learner's.
        hole(&mut f.reference, 105, 115);
        assert_eq!(failed_on(&judge(&f)).0, "responsive");
        // 30 ms (over half the limit): the machine's.
        let mut f2 = f.clone();
        hole(&mut f2.reference, 95, 115);
        let report = judge(&f2);
        assert_eq!(report.verdict(), Verdict::NotJudged, "{}", report.to_json());
        // A sleepy loop fails whatever the machine.
        let mut f3 = facts(100);
        f3.reference.clear();
        assert_eq!(failed_on(&judge(&f3)).0, "responsive");
    }

    #[test]
    fn threads_left_running_are_named() {
        let mut f = facts(10);
        f.left = vec!["thread 12 \"app\" (waiting)".into()];
        let report = judge(&f);
        let (name, cause) = failed_on(&report);
        assert_eq!(name, "cleaned up");
        assert!(cause.contains("still running after `run_app` returned"));
        assert!(
            report.evidence[2]
                .summary
                .contains("thread 12 \"app\" (waiting)")
        );
    }

    #[test]
    fn a_thread_that_ended_is_not_left() {
        let before = live_threads();
        std::thread::spawn(|| {}).join().unwrap();
        assert!(threads_left(&before).is_empty());
    }
}
