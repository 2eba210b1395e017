//! 03/03 thread pool: every public entry point of the pool (`new`, `submit`
//! and its handle's `join`, `map`, `drop`) is held to the lesson. Jobs run
//! exactly once, on pool threads, with the right results (`map`'s in the
//! items' order); a panic comes back as an error and its worker survives,
//! whether the job came through `submit` or `map`; never more than n pool
//! threads exist, whichever entry point is used; sleeping jobs overlap near
//! the ideal through `submit` and through `map`; one long job does not hold
//! up jobs queued behind it while other workers are idle (one shared
//! queue); and after `drop`, every queued job has run and no thread the
//! pool started is left, named if there is one.
//!
//! Threads are counted from facts the pool's code cannot fake: the OS's
//! list of this process's threads (/proc/self/task, where there is one),
//! sampled at the start of every job, and the ids of the threads that ran
//! the check's own jobs. Each phase runs on a thread of its own under a
//! watchdog, because a broken pool hangs rather than fails. Measuring is
//! split from judging: the judges below are pure functions of recorded
//! facts, unit-tested on right and wrong numbers.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use measured::grade::{io_fast_enough, io_ideal};
use measured::kernel::mix;
use measured::witness::InFlightWitness;
use verdict::{Chart, Evidence, Report, Timeline};

use crate::harness::{ms, panic_message, seed, time_chart};

/// The exercise's short name.
pub const NAME: &str = "thread_pool";
/// Workers in the speed phase.
pub const WORKERS: usize = 8;
/// Sleeping jobs in the speed phase, per entry point and round.
pub const JOBS: usize = 32;
/// How long each sleeping job sleeps.
pub const SLEEP: Duration = Duration::from_millis(20);
/// A phase that has not finished after this long is stuck.
pub const PHASE_LIMIT: Duration = Duration::from_secs(5);
/// Short jobs queued behind the long one in the shared-queue phase.
pub const SHORT_JOBS: usize = 24;
/// How long the long job waits, on an idle machine, with no short job
/// finishing, before giving up on the rest (stretched as
/// [`crate::processes::watch`] stretches a limit).
pub const LATCH_LIMIT: Duration = Duration::from_secs(2);

/// A job's result, or its panic as text.
pub type Outcome = Result<u64, String>;
/// A handle's `join`, boxed.
pub type Join = Box<dyn FnOnce() -> Outcome + Send>;

/// The learner's pool, seen through jobs that return `u64`. Make one with
/// [`pool_adapter!`](crate::pool_adapter).
pub trait Pool: Send + 'static {
    /// `submit(job)`, with the handle's `join` boxed.
    fn submit_job(&self, job: Box<dyn FnOnce() -> u64 + Send>) -> Join;
    /// `map(items, f)`.
    fn map_jobs(&self, items: Vec<u64>, f: fn(u64) -> u64) -> Vec<Outcome>;
}

/// A function making a [`Pool`] of `n` workers from a type with the
/// exercise's API: `pool_adapter!(ThreadPool)`.
#[macro_export]
macro_rules! pool_adapter {
    ($pool:ty) => {{
        struct Adapter($pool);
        impl $crate::thread_pool::Pool for Adapter {
            fn submit_job(
                &self,
                job: Box<dyn FnOnce() -> u64 + Send>,
            ) -> $crate::thread_pool::Join {
                let handle = self.0.submit(job);
                Box::new(move || handle.join().map_err(|e| format!("{e:?}")))
            }
            fn map_jobs(
                &self,
                items: Vec<u64>,
                f: fn(u64) -> u64,
            ) -> Vec<$crate::thread_pool::Outcome> {
                self.0
                    .map(items, f)
                    .into_iter()
                    .map(|r| r.map_err(|e| format!("{e:?}")))
                    .collect()
            }
        }
        |workers: usize| Adapter(<$pool>::new(workers))
    }};
}

/// Checks a pool and writes the report.
pub fn main<P: Pool>(new: impl Fn(usize) -> P + Send + Sync + 'static) {
    crate::main(NAME, || check(new));
}

/// The threads of this process as the OS lists them: the pool's code
/// cannot hide a thread from this list, or add one to it.
pub(crate) mod os_threads {
    use measured::process::ProcStat;
    use std::collections::{HashMap, HashSet};

    /// The kernel's flag for a task already in `exit`: a thread that has
    /// been joined can still be listed for a moment, with this flag set.
    const PF_EXITING: u64 = 0x4;

    /// The threads alive now, by OS thread id, with their names (Linux);
    /// `None` where there is no /proc. Threads already exiting (zombie,
    /// dead, or past the point of no return) are left out.
    pub(crate) fn live() -> Option<HashMap<u32, String>> {
        let entries = std::fs::read_dir("/proc/self/task").ok()?;
        let mut live = HashMap::new();
        for entry in entries.flatten() {
            let Some(tid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            let Some(stat) = ProcStat::read(&entry.path().join("stat")) else {
                continue;
            };
            let exiting =
                stat.is_ended() || stat.flags.is_some_and(|flags| flags & PF_EXITING != 0);
            if !exiting {
                live.insert(tid, stat.name);
            }
        }
        Some(live)
    }

    /// Threads alive now that were not in `before`, with their names and
    /// whether they are asleep (state S or D: waiting, not exiting).
    pub(crate) fn asleep_since(before: &HashSet<u32>) -> Option<Vec<(u32, String, bool)>> {
        let live = live()?;
        let mut new = Vec::new();
        for (tid, name) in live {
            if before.contains(&tid) {
                continue;
            }
            let path = format!("/proc/self/task/{tid}/stat");
            let asleep = ProcStat::read(std::path::Path::new(&path))
                .is_some_and(|stat| matches!(stat.state, 'S' | 'D'));
            new.push((tid, name, asleep));
        }
        new.sort();
        Some(new)
    }

    /// Threads started since `before` that are still there after the code
    /// that started them returned, as "'name' (thread id n)", leaving out
    /// those `counted` says no to. A thread just joined (or whose scope
    /// just ended) can still be listed for a moment while it finishes; one
    /// left behind stays. So a thread counts as left behind when it is seen
    /// at two looks 10 ms apart (asleep at both, if `asleep_twice`), or is
    /// still listed after `patience`. `None` where there is no /proc.
    pub(crate) fn left_behind(
        before: &HashSet<u32>,
        counted: impl Fn(&str) -> bool,
        asleep_twice: bool,
        patience: std::time::Duration,
    ) -> Option<Vec<String>> {
        let deadline = std::time::Instant::now() + patience;
        let mut seen: HashSet<u32> = HashSet::new();
        loop {
            let mut now = asleep_since(before)?;
            now.retain(|(_, name, _)| counted(name));
            let settled = |asleep: bool| asleep || !asleep_twice;
            let twice = now
                .iter()
                .any(|(tid, _, asleep)| settled(*asleep) && seen.contains(tid));
            if now.is_empty() || twice || std::time::Instant::now() > deadline {
                return Some(
                    now.into_iter()
                        .map(|(tid, name, _)| format!("'{name}' (thread id {tid})"))
                        .collect(),
                );
            }
            seen = now
                .iter()
                .filter(|(_, _, asleep)| settled(*asleep))
                .map(|(tid, _, _)| *tid)
                .collect();
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// The ids of the threads alive now.
    pub(crate) fn live_ids() -> Option<HashSet<u32>> {
        live().map(|l| l.into_keys().collect())
    }

    /// How many threads are listed now that were not in `before`: the
    /// directory alone, no file read, cheap enough for every job. (A thread
    /// joined a moment ago can still be listed: count only where none of
    /// the threads counted has been joined yet.)
    pub(crate) fn listed_since(before: &HashSet<u32>) -> Option<usize> {
        let entries = std::fs::read_dir("/proc/self/task").ok()?;
        Some(
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
                .filter(|tid| !before.contains(tid))
                .count(),
        )
    }

    /// Threads alive now that were not in `before`, as "name (tid n)".
    pub(crate) fn started_since(before: &HashSet<u32>) -> Option<Vec<String>> {
        let mut new: Vec<(u32, String)> = live()?
            .into_iter()
            .filter(|(tid, _)| !before.contains(tid))
            .collect();
        new.sort();
        Some(
            new.into_iter()
                .map(|(tid, name)| format!("'{name}' (thread id {tid})"))
                .collect(),
        )
    }
}

/// The entry points a job can come through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Entry {
    Submit,
    Map,
}

impl Entry {
    fn name(self) -> &'static str {
        match self {
            Entry::Submit => "`submit`",
            Entry::Map => "`map`",
        }
    }
}

/// What the check's own jobs saw of one pool, from its `new` to its drop.
#[derive(Debug, Default)]
struct Seen {
    /// The thread that calls the pool (the phase's own).
    caller: Option<ThreadId>,
    /// OS threads alive before the pool was made.
    before: Option<Arc<HashSet<u32>>>,
    /// Per entry point: the threads that ran its jobs, and the most OS
    /// threads beyond `before` alive when one of its jobs started.
    threads: HashMap<Entry, HashSet<ThreadId>>,
    peak_os: HashMap<Entry, usize>,
    /// Jobs that ran on the caller's thread, per entry point.
    on_caller: HashMap<Entry, usize>,
    /// How many times each keyed job or item ran.
    runs: HashMap<u64, usize>,
}

/// The pool being watched now: one at a time, as the phases run in turn.
static WATCHED: Mutex<Option<Arc<Mutex<Seen>>>> = Mutex::new(None);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts watching a new pool: call on the caller's thread before `new`.
fn watch_pool() -> Arc<Mutex<Seen>> {
    let seen = Arc::new(Mutex::new(Seen {
        caller: Some(std::thread::current().id()),
        before: os_threads::live_ids().map(Arc::new),
        ..Seen::default()
    }));
    *lock(&WATCHED) = Some(Arc::clone(&seen));
    seen
}

// Which threads that ran jobs are still alive, counted by thread-local
// markers: where there is no /proc, this is what `drop` is checked with.
static ALIVE: AtomicUsize = AtomicUsize::new(0);

struct Marker;

impl Drop for Marker {
    fn drop(&mut self) {
        ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    static MARKER: std::cell::OnceCell<Marker> = const { std::cell::OnceCell::new() };
}

/// Called at the start of every job of the check's: notes the thread it
/// runs on, how many threads the process has now, and (with a key) that
/// this job ran once more.
fn job_started(entry: Entry, key: Option<u64>) {
    let Some(seen) = lock(&WATCHED).clone() else {
        return;
    };
    let me = std::thread::current().id();
    let before = lock(&seen).before.clone();
    let extra = before.and_then(|b| os_threads::listed_since(&b));
    let mut seen = lock(&seen);
    if seen.caller == Some(me) {
        *seen.on_caller.entry(entry).or_default() += 1;
    } else {
        MARKER.with(|m| {
            m.get_or_init(|| {
                ALIVE.fetch_add(1, Ordering::SeqCst);
                Marker
            });
        });
        seen.threads.entry(entry).or_default().insert(me);
    }
    if let Some(extra) = extra {
        let peak = seen.peak_os.entry(entry).or_default();
        *peak = (*peak).max(extra);
    }
    if let Some(key) = key {
        *seen.runs.entry(key).or_default() += 1;
    }
}

/// The facts about one pool's threads that the judges need.
#[derive(Debug, Clone, PartialEq)]
struct ThreadFacts {
    workers: usize,
    /// Per entry point used: distinct threads that ran its jobs, the most
    /// new OS threads alive at once (None without /proc), jobs on the caller.
    entries: Vec<(Entry, usize, Option<usize>, usize)>,
    /// Distinct threads that ran any job over the pool's life.
    all_threads: usize,
}

fn thread_facts(seen: &Seen, workers: usize) -> ThreadFacts {
    let mut entries = Vec::new();
    for entry in [Entry::Submit, Entry::Map] {
        let threads = seen.threads.get(&entry).map_or(0, HashSet::len);
        let caller = seen.on_caller.get(&entry).copied().unwrap_or(0);
        if threads + caller == 0 {
            continue;
        }
        let os = seen
            .before
            .as_ref()
            .map(|_| seen.peak_os.get(&entry).copied().unwrap_or(0));
        entries.push((entry, threads, os, caller));
    }
    let all: HashSet<&ThreadId> = seen.threads.values().flatten().collect();
    ThreadFacts {
        workers,
        entries,
        all_threads: all.len(),
    }
}

type Finding = (&'static str, String, String);

/// Threads a pool may keep beside its workers that run no job (a
/// dispatcher, a supervisor): one.
const HELPERS: usize = 1;

/// The judge of a pool's threads: jobs ran on pool threads, never more
/// threads alive than workers, and the same few threads all along.
fn judge_threads(facts: &ThreadFacts) -> Result<(), Finding> {
    let n = facts.workers;
    for &(entry, _, _, caller) in &facts.entries {
        if caller > 0 {
            let e = entry.name();
            return Err((
                "correct",
                format!("{caller} jobs given to {e} ran on the thread that called it"),
                format!(
                    "A pool runs jobs on its own worker threads: {e} should queue the job for a worker, not run it."
                ),
            ));
        }
    }
    for &(entry, threads, os, _) in &facts.entries {
        // The OS count may hold one thread more than the workers: a pool
        // may keep a helper (a dispatcher, say) that runs no job.
        if threads > n || os.is_some_and(|os| os > n + HELPERS) {
            let e = entry.name();
            let line = match os {
                Some(os) if os > n + HELPERS => format!(
                    "while {e}'s jobs ran, the process had {os} threads more than before `new`, for a pool of {n}"
                ),
                _ => format!("{e}'s jobs ran on {threads} different threads, for a pool of {n}"),
            };
            let cause = match entry {
                Entry::Submit => format!(
                    "More threads than workers: a new thread per job? Start {n} workers once, in `new`, and send them the jobs."
                ),
                Entry::Map => format!(
                    "`map` started more threads than the pool's {n} workers: it must not start threads of its own. Submit each item to the pool's queue, then join the handles in order."
                ),
            };
            return Err(("bounded", line, cause));
        }
    }
    if facts.all_threads > n {
        return Err((
            "bounded",
            format!(
                "jobs ran on {} different threads over the pool's life, for a pool of {n}",
                facts.all_threads
            ),
            format!(
                "A pool starts its {n} workers once and keeps them: a thread started per job (or per call), even a few at a time, pays the cost a pool exists to save."
            ),
        ));
    }
    Ok(())
}

/// The judge of what `drop` left: every thread the pool started is gone.
/// `left` names the threads still alive (None: the OS cannot list them),
/// `markers` counts the job threads still alive.
fn judge_left(left: Option<&[String]>, markers: usize) -> Result<(), Finding> {
    let cause = "Join every thread the pool started, so that none outlives the pool: in `Drop`, close the queue (drop the sender), then join every worker (and any other thread the pool started).";
    match left {
        Some(names) if !names.is_empty() => Err((
            "shutdown",
            format!(
                "{} threads the pool started were still running after drop returned: {}",
                names.len(),
                names.join(", ")
            ),
            cause.to_owned(),
        )),
        None if markers > 0 => Err((
            "shutdown",
            format!("{markers} pool threads still running after drop returned"),
            cause.to_owned(),
        )),
        _ => Ok(()),
    }
}

/// Drops `pool` and judges what it left and how it used its threads.
fn finish<P>(
    pool: P,
    seen: &Arc<Mutex<Seen>>,
    workers: usize,
    markers_before: usize,
) -> Result<(), Finding> {
    drop(pool);
    // What is alive right after drop returned: no grace, since a joined
    // thread is already marked as exiting.
    let left = lock(seen)
        .before
        .as_ref()
        .and_then(|b| os_threads::started_since(b));
    let markers = ALIVE.load(Ordering::SeqCst).saturating_sub(markers_before);
    *lock(&WATCHED) = None;
    let facts = thread_facts(&lock(seen), workers);
    judge_threads(&facts)?;
    judge_left(left.as_deref(), markers)
}

/// Runs `phase` on its own thread; a panic or a hang becomes a finding
/// whose cause is `broken`, the phase's most likely explanation.
fn phase<T: Send + 'static>(
    name: &'static str,
    broken: &'static str,
    body: impl FnOnce() -> Result<T, Finding> + Send + 'static,
) -> Result<T, Finding> {
    let watched = crate::processes::watch(PHASE_LIMIT, move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(body))
    });
    match watched {
        crate::processes::Watched::Returned(Ok(result)) => result,
        crate::processes::Watched::Returned(Err(payload)) => {
            let message = panic_message(payload.as_ref());
            if message.contains("not yet implemented") {
                // Let the harness report it like any other todo!(), with
                // the place it stands.
                std::panic::resume_unwind(payload);
            }
            Err((
                name,
                format!("your pool panicked: {message}"),
                broken.to_owned(),
            ))
        }
        crate::processes::Watched::TimedOut { waited, .. } => {
            *lock(&WATCHED) = None;
            Err((
                name,
                format!("no result after {}", crate::processes::secs(waited)),
                broken.to_owned(),
            ))
        }
    }
}

/// Checks a pool.
pub fn check<P: Pool>(new: impl Fn(usize) -> P + Send + Sync + 'static) -> Report {
    let new = Arc::new(new);
    let mut report = Report::new(NAME);
    let mut chart = None;
    // The bounded phase's last round, kept when it fails too: a pool whose
    // workers take turns shows it as one row busy at a time.
    let timeline = Arc::new(Mutex::new(None));
    let salt = seed();
    let outcome = (|| -> Result<(), Finding> {
        report.push(Evidence::pass("correct", correct(Arc::clone(&new), salt)?));
        report.push(Evidence::pass("panics", panics(Arc::clone(&new), salt)?));
        let (line, bars) = bounded(Arc::clone(&new), Arc::clone(&timeline))?;
        chart = Some(bars);
        report.push(Evidence::pass("bounded", line));
        report.push(Evidence::pass("one queue", one_queue(Arc::clone(&new))?));
        report.push(Evidence::pass("shutdown", shutdown(Arc::clone(&new))?));
        Ok(())
    })();
    if let Err((name, line, cause)) = outcome {
        report = report.with(Evidence::fail(name, line)).diagnose(cause);
    }
    report.chart = chart;
    report.timeline = lock(&timeline).take();
    report
}

/// A submitted job's answer: depends on the run's salt, so no answer can be
/// known before the job runs.
fn job_value(salt: u64, i: u64) -> u64 {
    mix(salt ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// `map`'s function in the correct phase: counts its item, returns a value
/// that depends on the item.
fn map_item(x: u64) -> u64 {
    job_started(Entry::Map, Some(x));
    mix(x)
}

/// `map`'s function in the panics phase: odd items panic.
fn map_item_or_panic(x: u64) -> u64 {
    job_started(Entry::Map, None);
    if x % 2 == 1 {
        panic!("item {x} fails on purpose");
    }
    mix(x)
}

/// The judge of results: `got` must be `want`, one for one, in order.
fn judge_results(entry: Entry, got: &[Outcome], want: &[Outcome]) -> Result<(), Finding> {
    if got == want {
        return Ok(());
    }
    let i = (0..want.len().max(got.len()))
        .find(|&i| got.get(i) != want.get(i))
        .unwrap_or(0);
    let line = format!(
        "{} gave {} results for {} jobs; result {i} is {:?}, want {:?}",
        entry.name(),
        got.len(),
        want.len(),
        got.get(i),
        want.get(i)
    );
    let cause = match entry {
        Entry::Submit => "Each handle's `join` must return its own job's result.",
        Entry::Map => {
            "`map` returns one result per item, in the items' order: submit them all, then join the handles in order."
        }
    };
    Err(("correct", line, cause.into()))
}

/// The judge of run counts: every key in `keys` ran exactly once.
fn judge_runs(entry: Entry, keys: &[u64], runs: &HashMap<u64, usize>) -> Result<(), Finding> {
    for (i, key) in keys.iter().enumerate() {
        let ran = runs.get(key).copied().unwrap_or(0);
        if ran != 1 {
            return Err((
                "correct",
                format!("{} job {i} ran {ran} times", entry.name()),
                "Every job must run exactly once.".into(),
            ));
        }
    }
    Ok(())
}

fn correct<P: Pool>(
    new: Arc<impl Fn(usize) -> P + Send + Sync + 'static>,
    salt: u64,
) -> Result<String, Finding> {
    phase(
        "correct",
        "Submitting, joining or mapping jobs hung or panicked: do the workers take jobs from the queue, and does each job send its result to its handle?",
        move || {
            const WORKERS: usize = 4;
            let markers = ALIVE.load(Ordering::SeqCst);
            let seen = watch_pool();
            let pool = new(WORKERS);
            let keys: Vec<u64> = (0..64u64).map(|i| job_value(salt, i)).collect();
            let handles: Vec<Join> = keys
                .iter()
                .map(|&key| {
                    pool.submit_job(Box::new(move || {
                        job_started(Entry::Submit, Some(key));
                        mix(key)
                    }))
                })
                .collect();
            let results: Vec<Outcome> = handles.into_iter().map(|join| join()).collect();
            let want: Vec<Outcome> = keys.iter().map(|&k| Ok(mix(k))).collect();
            judge_results(Entry::Submit, &results, &want)?;
            judge_runs(Entry::Submit, &keys, &lock(&seen).runs)?;
            // Items distinct from the keys above, new in every run.
            let items: Vec<u64> = (0..50u64).map(|i| job_value(!salt, i)).collect();
            let mapped = pool.map_jobs(items.clone(), map_item);
            let want: Vec<Outcome> = items.iter().map(|&x| Ok(mix(x))).collect();
            judge_results(Entry::Map, &mapped, &want)?;
            judge_runs(Entry::Map, &items, &lock(&seen).runs)?;
            finish(pool, &seen, WORKERS, markers)?;
            Ok(format!(
                "64 submitted jobs ran once each with the right results; map ran 50 items once each and kept their order; all on at most {WORKERS} pool threads"
            ))
        },
    )
}

fn panics<P: Pool>(
    new: Arc<impl Fn(usize) -> P + Send + Sync + 'static>,
    salt: u64,
) -> Result<String, Finding> {
    const WORKERS: usize = 2;
    {
        let new = Arc::clone(&new);
        phase(
            "panics",
            "The pool broke after jobs panicked: a panic killed the worker that ran it. Run each job under `std::panic::catch_unwind` and send the panic back as `Err(JobPanicked)`.",
            move || {
                let pool = new(WORKERS);
                let failed: Vec<Outcome> = (0..4)
                    .map(|i| {
                        pool.submit_job(Box::new(move || -> u64 {
                            panic!("job {i} fails on purpose")
                        }))
                    })
                    .collect::<Vec<_>>()
                    .into_iter()
                    .map(|join| join())
                    .collect();
                if let Some(ok) = failed.iter().find(|r| r.is_ok()) {
                    return Err((
                        "panics",
                        format!("a panicking job's join returned {ok:?}"),
                        "A job that panics has no result: `join` must return `Err(JobPanicked)`."
                            .into(),
                    ));
                }
                // Had a panic killed its worker, these would wait forever in
                // the queue of a pool with no workers left: the watchdog
                // says so.
                let later: Vec<Outcome> = (0..4u64)
                    .map(|i| pool.submit_job(Box::new(move || mix(salt ^ i))))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .map(|join| join())
                    .collect();
                let want: Vec<Outcome> = (0..4u64).map(|i| Ok(mix(salt ^ i))).collect();
                if later != want {
                    return Err((
                        "panics",
                        format!("jobs after the panics gave {later:?}"),
                        "A panic must not break the pool: later jobs run as usual.".into(),
                    ));
                }
                drop(pool);
                Ok(())
            },
        )?;
    }
    let new_for_map = Arc::clone(&new);
    phase(
        "panics",
        "`map` never returned after some of its items panicked: a panicking item killed its worker or lost its result. Every job, `map`'s too, must run under `std::panic::catch_unwind`: submit each item with `submit` and join the handles.",
        move || {
            let markers = ALIVE.load(Ordering::SeqCst);
            let seen = watch_pool();
            let pool = new_for_map(WORKERS);
            // Every third item is odd, and panics; the rest must come back.
            let items: Vec<u64> = (0..12u64)
                .map(|i| (job_value(salt, 100 + i) & !1) | u64::from(i % 3 == 1))
                .collect();
            let got = pool.map_jobs(items.clone(), map_item_or_panic);
            let shape: Vec<bool> = got.iter().map(Result::is_ok).collect();
            let want_shape: Vec<bool> = items.iter().map(|x| x % 2 == 0).collect();
            let values_right = got.iter().zip(&items).all(|(g, &x)| {
                g.as_ref()
                    .map_or(x % 2 == 1, |&v| x % 2 == 0 && v == mix(x))
            });
            if shape != want_shape || !values_right {
                return Err((
                    "panics",
                    format!(
                        "map over 12 items, 4 of which panic, gave {} results: {}",
                        got.len(),
                        got.iter()
                            .map(|r| if r.is_ok() { "Ok" } else { "Err" })
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                    "`map` returns a result per item in order: `Err(JobPanicked)` where the item panicked, its value everywhere else. Run every item under `std::panic::catch_unwind` (submit each with `submit`).".into(),
                ));
            }
            let later: Vec<Outcome> = (0..4u64)
                .map(|i| {
                    pool.submit_job(Box::new(move || {
                        job_started(Entry::Submit, None);
                        mix(salt ^ i)
                    }))
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|join| join())
                .collect();
            if later
                .iter()
                .enumerate()
                .any(|(i, r)| *r != Ok(mix(salt ^ i as u64)))
            {
                return Err((
                    "panics",
                    format!("jobs after map's panics gave {later:?}"),
                    "A panic in `map` must not break the pool: later jobs run as usual.".into(),
                ));
            }
            finish(pool, &seen, WORKERS, markers).map_err(|(name, line, cause)| {
                if name == "bounded" {
                    (
                        "panics",
                        line,
                        format!("{cause} Here the panics are the likely reason: a worker that dies with its job's panic is replaced by a new thread. Catch the panic (`std::panic::catch_unwind`) so the worker carries on."),
                    )
                } else {
                    (name, line, cause)
                }
            })?;
            Ok("4 panicking jobs came back as errors and both workers carried on; map over 12 items returned Err for its 4 panicking items and every other value in order".to_owned())
        },
    )
}

/// One entry point's sleeping rounds, measured.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rounds {
    fastest: Duration,
    peak_in_flight: usize,
}

/// The judge of one entry point's sleeping jobs: all `workers` at once at
/// the peak, and the fastest round within the slack of the ideal.
fn judge_bounded(entry: Entry, workers: usize, rounds: Rounds) -> Result<String, Finding> {
    let ideal = io_ideal(JOBS, workers, SLEEP);
    let one_at_a_time = SLEEP * JOBS as u32;
    let speedup = one_at_a_time.as_secs_f64() / rounds.fastest.as_secs_f64().max(1e-9);
    let line = format!(
        "{}: {} jobs at once; {speedup:.1}x faster than one at a time (need {:.1}x): {} against an ideal {}",
        entry.name(),
        rounds.peak_in_flight,
        0.8 * workers as f64,
        ms(rounds.fastest),
        ms(ideal)
    );
    if rounds.peak_in_flight < workers {
        let cause = match (entry, rounds.peak_in_flight) {
            (Entry::Map, 1) => "`map` ran one item at a time: is it joining each item's handle before submitting the next? Iterators are lazy: `.map(submit).map(join)` in one chain does exactly that. Submit every item first (collect the handles into a Vec), then join them in order.".to_owned(),
            (Entry::Map, _) => format!("`map` kept only {} of {workers} workers busy: submit every item first, then join the handles in order.", rounds.peak_in_flight),
            (Entry::Submit, _) => "The workers take turns instead of working together: is a worker holding the queue's lock while it runs its job? Take the job, drop the lock, then run it.".to_owned(),
        };
        return Err((
            "bounded",
            format!(
                "{}: at most {} of {workers} workers ran jobs at once",
                entry.name(),
                rounds.peak_in_flight
            ),
            cause,
        ));
    }
    if !io_fast_enough(rounds.fastest, ideal) {
        return Err((
            "bounded",
            line,
            format!(
                "The pool is slower through {} than its workers should be: does it wait for something between jobs, or does a worker hold a lock while its job runs?",
                entry.name()
            ),
        ));
    }
    Ok(line)
}

static MAP_WITNESS: Mutex<Option<InFlightWitness>> = Mutex::new(None);

/// `map`'s function in the speed phase: sleeps, watched.
fn map_sleep(_: u64) -> u64 {
    job_started(Entry::Map, None);
    let witness = lock(&MAP_WITNESS).clone();
    let _in = witness.as_ref().map(InFlightWitness::enter);
    std::thread::sleep(SLEEP);
    1
}

fn bounded<P: Pool>(
    new: Arc<impl Fn(usize) -> P + Send + Sync + 'static>,
    timeline: Arc<Mutex<Option<Timeline>>>,
) -> Result<(String, Chart), Finding> {
    phase(
        "bounded",
        "32 sleeping jobs never all finished: is every worker taking jobs until the queue closes?",
        move || {
            let markers = ALIVE.load(Ordering::SeqCst);
            let seen = watch_pool();
            let pool = new(WORKERS);
            let mut submit = Rounds {
                fastest: Duration::MAX,
                peak_in_flight: 0,
            };
            let mut map = submit;
            for _ in 0..3 {
                let witness = InFlightWitness::new();
                let started = Instant::now();
                let joins: Vec<Join> = (0..JOBS)
                    .map(|_| {
                        let witness = witness.clone();
                        pool.submit_job(Box::new(move || {
                            job_started(Entry::Submit, None);
                            let _in = witness.enter();
                            std::thread::sleep(SLEEP);
                            1
                        }))
                    })
                    .collect();
                let outcomes: Vec<Outcome> = joins.into_iter().map(|join| join()).collect();
                submit.fastest = submit.fastest.min(started.elapsed());
                submit.peak_in_flight = submit.peak_in_flight.max(witness.high_water());
                // Which worker ran which job when, in the last round.
                *lock(&timeline) = Some(
                    witness
                        .timeline()
                        .captioned("your pool's last round of sleeping jobs, one row per thread"),
                );
                judge_results(Entry::Submit, &outcomes, &vec![Ok(1); JOBS])?;

                let witness = InFlightWitness::new();
                *lock(&MAP_WITNESS) = Some(witness.clone());
                let started = Instant::now();
                let outcomes = pool.map_jobs(vec![0; JOBS], map_sleep);
                map.fastest = map.fastest.min(started.elapsed());
                map.peak_in_flight = map.peak_in_flight.max(witness.high_water());
                *lock(&MAP_WITNESS) = None;
                judge_results(Entry::Map, &outcomes, &vec![Ok(1); JOBS])?;
            }
            // How many threads, before how fast: a pool with too many
            // threads is fast for the wrong reason.
            let facts = thread_facts(&lock(&seen), WORKERS);
            judge_threads(&facts)?;
            let submitted = judge_bounded(Entry::Submit, WORKERS, submit)?;
            let mapped = judge_bounded(Entry::Map, WORKERS, map)?;
            finish(pool, &seen, WORKERS, markers)?;
            let ideal = io_ideal(JOBS, WORKERS, SLEEP);
            let chart = time_chart(
                format!(
                    "{JOBS} jobs sleeping {} each on {WORKERS} workers",
                    ms(SLEEP)
                ),
                &[
                    ("one at a time", SLEEP * JOBS as u32),
                    ("yours, submit", submit.fastest),
                    ("yours, map", map.fastest),
                    ("ideal", ideal),
                ],
            );
            Ok((
                format!("at most {WORKERS} pool threads; {submitted}; {mapped}"),
                chart,
            ))
        },
    )
}

/// What the shared-queue phase saw: whether the long job's wait for the
/// short ones ran out, and how many short jobs were still not done then.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Latch {
    timed_out: bool,
    short_left: usize,
    workers: usize,
}

/// The judge of the shared queue: while one worker is busy with a long job,
/// the others must be able to run every job queued after it.
fn judge_one_queue(latch: Latch) -> Result<String, Finding> {
    let others = latch.workers - 1;
    if latch.timed_out {
        return Err((
            "one queue",
            format!(
                "one long job waited for {SHORT_JOBS} short jobs submitted after it until none had finished for {} or more; {} of them never started, though {others} other workers were free",
                ms(LATCH_LIMIT),
                latch.short_left
            ),
            "Jobs waited behind a busy worker while other workers were idle: does each worker have a queue of its own (jobs dealt out in turn)? Feed all the workers from one shared queue, so that whichever worker is free takes the next job.".into(),
        ));
    }
    Ok(format!(
        "while one worker ran a long job, the other {others} ran the {SHORT_JOBS} jobs queued after it"
    ))
}

fn one_queue<P: Pool>(
    new: Arc<impl Fn(usize) -> P + Send + Sync + 'static>,
) -> Result<String, Finding> {
    phase(
        "one queue",
        "A long job and the short jobs after it never all finished: is every worker taking jobs from the one queue?",
        move || {
            const WORKERS: usize = 4;
            let markers = ALIVE.load(Ordering::SeqCst);
            let seen = watch_pool();
            let pool = new(WORKERS);
            let done = Arc::new((Mutex::new(0usize), Condvar::new()));
            let long = {
                let done = Arc::clone(&done);
                pool.submit_job(Box::new(move || {
                    job_started(Entry::Submit, None);
                    // The long job lasts until every short job is done, or
                    // until none has finished for the limit: a shared
                    // queue lets the other workers run them all meanwhile.
                    let (count, changed) = &*done;
                    let mut pace = crate::processes::Pace::default();
                    let mut finished = lock(count);
                    let mut last = (*finished, Instant::now());
                    // Looks at the machine at the watchdog's pace, not at
                    // each wake-up (which come while short jobs run, and
                    // would see the busiest moments only).
                    let mut looked = Instant::now();
                    while *finished < SHORT_JOBS {
                        if *finished != last.0 {
                            last = (*finished, Instant::now());
                        }
                        // (Within the phase's own limit, which stretches
                        // by its own looks, so that the wait runs out
                        // first.)
                        let wait = pace.stretch(LATCH_LIMIT).min(PHASE_LIMIT * 4 / 5);
                        let deadline = last.1 + wait;
                        let left = deadline.saturating_duration_since(Instant::now());
                        if left.is_zero() {
                            crate::processes::note_starved(&pace);
                            return (SHORT_JOBS - *finished) as u64;
                        }
                        finished = changed
                            .wait_timeout(finished, left.min(Duration::from_millis(100)))
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                        if looked.elapsed() >= crate::processes::PROBE_EVERY {
                            pace.probe();
                            looked = Instant::now();
                        }
                    }
                    0
                }))
            };
            let shorts: Vec<Join> = (0..SHORT_JOBS)
                .map(|_| {
                    let done = Arc::clone(&done);
                    pool.submit_job(Box::new(move || {
                        job_started(Entry::Submit, None);
                        std::thread::sleep(Duration::from_millis(2));
                        *lock(&done.0) += 1;
                        done.1.notify_all();
                        1
                    }))
                })
                .collect();
            let left = long();
            let shorts: Vec<Outcome> = shorts.into_iter().map(|join| join()).collect();
            judge_results(Entry::Submit, &shorts, &vec![Ok(1); SHORT_JOBS])?;
            let short_left = match left {
                Ok(n) => n as usize,
                Err(e) => {
                    return Err((
                        "correct",
                        format!("a job that does not panic gave {e}"),
                        "Each handle's `join` must return its own job's result.".into(),
                    ));
                }
            };
            let line = judge_one_queue(Latch {
                timed_out: short_left > 0,
                short_left,
                workers: WORKERS,
            })?;
            finish(pool, &seen, WORKERS, markers)?;
            Ok(line)
        },
    )
}

fn shutdown<P: Pool>(
    new: Arc<impl Fn(usize) -> P + Send + Sync + 'static>,
) -> Result<String, Finding> {
    phase(
        "shutdown",
        "Dropping the pool hung or panicked: do the workers leave their loop once the queue is closed? Drop the sending end before joining them.",
        move || {
            const WORKERS: usize = 4;
            let markers = ALIVE.load(Ordering::SeqCst);
            let seen = watch_pool();
            let pool = new(WORKERS);
            let ran = Arc::new(AtomicUsize::new(0));
            for _ in 0..16 {
                let ran = Arc::clone(&ran);
                // The handles are dropped at once: nobody waits for these.
                drop(pool.submit_job(Box::new(move || {
                    job_started(Entry::Submit, None);
                    std::thread::sleep(Duration::from_millis(10));
                    ran.fetch_add(1, Ordering::SeqCst);
                    0
                })));
            }
            // `finish` drops the pool: count what had run when drop
            // returned, then judge what it left.
            let at_drop = Arc::new(AtomicUsize::new(0));
            let result = finish(
                DropCounting {
                    pool: Some(pool),
                    ran: Arc::clone(&ran),
                    at_drop: Arc::clone(&at_drop),
                },
                &seen,
                WORKERS,
                markers,
            );
            let ran = at_drop.load(Ordering::SeqCst);
            if ran < 16 {
                return Err(("shutdown", format!("{ran} of 16 queued jobs had run when drop returned"), "`drop` must let the workers finish the queue and wait for them: close the queue (drop the sender), then join every worker.".into()));
            }
            result?;
            Ok("drop ran all 16 queued jobs and left no thread behind".to_owned())
        },
    )
}

/// A pool that notes, when it is dropped, how many jobs had run by the time
/// the pool's own drop returned.
struct DropCounting<P> {
    pool: Option<P>,
    ran: Arc<AtomicUsize>,
    at_drop: Arc<AtomicUsize>,
}

impl<P> Drop for DropCounting<P> {
    fn drop(&mut self) {
        drop(self.pool.take());
        self.at_drop
            .store(self.ran.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(entries: Vec<(Entry, usize, Option<usize>, usize)>, all: usize) -> ThreadFacts {
        ThreadFacts {
            workers: 4,
            entries,
            all_threads: all,
        }
    }

    #[test]
    fn a_pool_of_n_threads_passes_and_one_more_fails() {
        let right = facts(
            vec![(Entry::Submit, 4, Some(4), 0), (Entry::Map, 4, Some(4), 0)],
            4,
        );
        assert!(judge_threads(&right).is_ok());
        // Fewer is fine too: a pool may start its workers lazily.
        assert!(judge_threads(&facts(vec![(Entry::Submit, 3, Some(3), 0)], 3)).is_ok());
        // One helper thread beside 4 workers is allowed; two are not.
        assert!(judge_threads(&facts(vec![(Entry::Submit, 4, Some(5), 0)], 4)).is_ok());
        let (name, _, cause) =
            judge_threads(&facts(vec![(Entry::Submit, 4, Some(6), 0)], 4)).unwrap_err();
        assert_eq!(name, "bounded");
        assert!(cause.contains("a new thread per job?"));
    }

    #[test]
    fn map_bounded_only_by_its_own_threads_fails_on_the_os_count() {
        // map ran its items on 4 threads, but 50 were alive meanwhile.
        let (name, line, cause) = judge_threads(&facts(
            vec![(Entry::Submit, 4, Some(4), 0), (Entry::Map, 4, Some(50), 0)],
            4,
        ))
        .unwrap_err();
        assert_eq!(name, "bounded");
        assert!(line.contains("50 threads more"), "{line}");
        assert!(cause.contains("`map` started more threads"));
    }

    #[test]
    fn without_the_os_list_the_thread_ids_still_count() {
        let (_, line, _) = judge_threads(&facts(vec![(Entry::Map, 50, None, 0)], 50)).unwrap_err();
        assert!(line.contains("50 different threads"), "{line}");
    }

    #[test]
    fn threads_replaced_over_the_pools_life_fail() {
        // Never more than 4 at once, but 5 different ones in all.
        let (_, line, _) = judge_threads(&facts(
            vec![(Entry::Submit, 4, Some(4), 0), (Entry::Map, 4, Some(4), 0)],
            5,
        ))
        .unwrap_err();
        assert!(line.contains("5 different threads over the pool's life"));
    }

    #[test]
    fn a_job_on_the_caller_fails_whichever_entry_point() {
        for entry in [Entry::Submit, Entry::Map] {
            let (name, _, cause) =
                judge_threads(&facts(vec![(entry, 0, Some(0), 1)], 0)).unwrap_err();
            assert_eq!(name, "correct");
            assert!(cause.contains(entry.name()));
        }
    }

    #[test]
    fn drop_leaving_a_thread_fails_naming_it() {
        assert!(judge_left(Some(&[]), 0).is_ok());
        let names = ["'supervisor' (thread id 42)".to_owned()];
        let (name, line, _) = judge_left(Some(&names), 0).unwrap_err();
        assert_eq!(name, "shutdown");
        assert!(line.contains("'supervisor' (thread id 42)"));
        // Without /proc, the markers decide.
        assert!(judge_left(None, 0).is_ok());
        assert!(judge_left(None, 1).is_err());
    }

    #[test]
    fn results_in_order_pass_and_swapped_or_missing_fail() {
        let want: Vec<Outcome> = vec![Ok(1), Ok(2), Ok(3)];
        assert!(judge_results(Entry::Map, &want, &want).is_ok());
        let swapped = vec![Ok(2), Ok(1), Ok(3)];
        let (_, line, _) = judge_results(Entry::Map, &swapped, &want).unwrap_err();
        assert!(line.contains("result 0"));
        let short = vec![Ok(1), Ok(2)];
        let (_, line, _) = judge_results(Entry::Map, &short, &want).unwrap_err();
        assert!(line.contains("2 results for 3 jobs"));
    }

    #[test]
    fn a_job_run_twice_or_never_fails() {
        let runs: HashMap<u64, usize> = [(7, 1), (8, 2)].into_iter().collect();
        assert!(judge_runs(Entry::Submit, &[7], &runs).is_ok());
        assert!(
            judge_runs(Entry::Submit, &[7, 8], &runs)
                .unwrap_err()
                .1
                .contains("ran 2 times")
        );
        assert!(
            judge_runs(Entry::Map, &[9], &runs)
                .unwrap_err()
                .1
                .contains("ran 0 times")
        );
    }

    #[test]
    fn sleeping_rounds_judged_at_the_slack_and_the_peak() {
        let ideal = io_ideal(JOBS, WORKERS, SLEEP); // 80 ms
        let at = |fastest, peak| Rounds {
            fastest,
            peak_in_flight: peak,
        };
        // 1.25 x ideal exactly passes; a millisecond over fails.
        assert!(judge_bounded(Entry::Submit, WORKERS, at(ideal.mul_f64(1.25), 8)).is_ok());
        assert!(
            judge_bounded(
                Entry::Submit,
                WORKERS,
                at(ideal.mul_f64(1.25) + Duration::from_millis(1), 8)
            )
            .is_err()
        );
        // Fast but never all workers at once: 7 of 8 fails.
        assert!(judge_bounded(Entry::Map, WORKERS, at(ideal, 7)).is_err());
        let (_, _, cause) = judge_bounded(Entry::Map, WORKERS, at(SLEEP * 32, 1)).unwrap_err();
        assert!(cause.contains("`map` ran one item at a time"));
        let (_, _, cause) = judge_bounded(Entry::Submit, WORKERS, at(SLEEP * 32, 1)).unwrap_err();
        assert!(cause.contains("holding the queue's lock"));
    }

    #[test]
    fn jobs_stuck_behind_a_long_one_fail_the_shared_queue() {
        let fine = Latch {
            timed_out: false,
            short_left: 0,
            workers: 4,
        };
        assert!(judge_one_queue(fine).is_ok());
        let dealt = Latch {
            timed_out: true,
            short_left: 6,
            workers: 4,
        };
        let (name, line, cause) = judge_one_queue(dealt).unwrap_err();
        assert_eq!(name, "one queue");
        assert!(line.contains("6 of them never started"));
        assert!(cause.contains("a queue of its own"));
    }
}
