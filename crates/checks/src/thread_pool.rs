//! 03/03 thread pool: jobs run once with the right results (`submit` and
//! `map`), on pool threads; a panic comes back as an error and its worker
//! survives; never more than n threads alive; 32 sleeping jobs on 8 workers
//! near the ideal; `drop` finishes the queue and leaves no thread behind.
//!
//! Which threads are alive is seen from inside them: the first job a thread
//! runs plants a thread-local marker whose destructor runs when the thread
//! ends, so the count works on any OS. Each phase runs on a thread of its
//! own under a watchdog, because a broken pool hangs rather than fails.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use measured::grade::{io_fast_enough, io_ideal};
use measured::witness::InFlightWitness;
use verdict::{Chart, Evidence, Report, Timeline};

use crate::harness::{ms, panic_message, time_chart};

/// The exercise's short name.
pub const NAME: &str = "thread_pool";
/// Workers in the speed phase.
pub const WORKERS: usize = 8;
/// Sleeping jobs in the speed phase.
pub const JOBS: usize = 32;
/// How long each sleeping job sleeps.
pub const SLEEP: Duration = Duration::from_millis(20);
/// A phase that has not finished after this long is stuck.
pub const PHASE_LIMIT: Duration = Duration::from_secs(5);

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

// Which threads are alive: counted by thread-local markers.
static ALIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ON_CALLER: AtomicBool = AtomicBool::new(false);
static CALLERS: Mutex<Vec<ThreadId>> = Mutex::new(Vec::new());

struct Marker;

impl Drop for Marker {
    fn drop(&mut self) {
        ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

thread_local! {
    static MARKER: std::cell::OnceCell<Marker> = const { std::cell::OnceCell::new() };
}

/// Called at the start of every job: counts the thread the first time.
fn mark_worker() {
    if CALLERS
        .lock()
        .unwrap()
        .contains(&std::thread::current().id())
    {
        ON_CALLER.store(true, Ordering::SeqCst);
        return;
    }
    MARKER.with(|m| {
        m.get_or_init(|| {
            let now = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
            PEAK.fetch_max(now, Ordering::SeqCst);
            Marker
        });
    });
}

type Finding = (&'static str, String, String);

/// Runs `phase` on its own thread; a panic or a hang becomes a finding
/// whose cause is `broken`, the phase's most likely explanation.
fn phase<T: Send + 'static>(
    name: &'static str,
    broken: &'static str,
    body: impl FnOnce() -> Result<T, Finding> + Send + 'static,
) -> Result<T, Finding> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        CALLERS.lock().unwrap().push(std::thread::current().id());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
        let _ = tx.send(result);
    });
    match rx.recv_timeout(PHASE_LIMIT) {
        Ok(Ok(result)) => result,
        Ok(Err(payload)) => {
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
        Err(_) => Err((
            name,
            format!("no result after {} s", PHASE_LIMIT.as_secs()),
            broken.to_owned(),
        )),
    }
}

/// Checks a pool.
pub fn check<P: Pool>(new: impl Fn(usize) -> P + Send + Sync + 'static) -> Report {
    // ALIVE is not reset: it counts living pool threads of this process,
    // including any an earlier pool left behind; phases compare against it.
    ON_CALLER.store(false, Ordering::SeqCst);
    let new = Arc::new(new);
    let mut report = Report::new(NAME);
    let mut chart = None;
    // The bounded phase's last round, kept when it fails too: a pool whose
    // workers take turns shows it as one row busy at a time.
    let timeline = Arc::new(Mutex::new(None));
    let outcome = (|| -> Result<(), Finding> {
        report.push(Evidence::pass("correct", correct(Arc::clone(&new))?));
        report.push(Evidence::pass("panics", panics(Arc::clone(&new))?));
        let (line, bars) = bounded(Arc::clone(&new), Arc::clone(&timeline))?;
        chart = Some(bars);
        report.push(Evidence::pass("bounded", line));
        report.push(Evidence::pass("shutdown", shutdown(Arc::clone(&new))?));
        Ok(())
    })();
    if let Err((name, line, cause)) = outcome {
        report = report.with(Evidence::fail(name, line)).diagnose(cause);
    }
    report.chart = chart;
    report.timeline = timeline.lock().unwrap_or_else(|e| e.into_inner()).take();
    report
}

fn square(x: u64) -> u64 {
    mark_worker();
    x * x + 1
}

fn on_caller() -> Result<(), Finding> {
    if ON_CALLER.load(Ordering::SeqCst) {
        return Err((
            "correct",
            "jobs ran on the thread that submitted them".into(),
            "A pool runs jobs on its own worker threads: `submit` should queue the job for a worker, not run it.".into(),
        ));
    }
    Ok(())
}

fn correct<P: Pool>(
    new: Arc<impl Fn(usize) -> P + Send + Sync + 'static>,
) -> Result<String, Finding> {
    phase(
        "correct",
        "Submitting or joining jobs hung or panicked: do the workers take jobs from the queue, and does each job send its result to its handle?",
        move || {
            let pool = new(4);
            let runs: Arc<Vec<AtomicUsize>> =
                Arc::new((0..64).map(|_| AtomicUsize::new(0)).collect());
            let handles: Vec<Join> = (0..64u64)
                .map(|i| {
                    let runs = Arc::clone(&runs);
                    pool.submit_job(Box::new(move || {
                        runs[i as usize].fetch_add(1, Ordering::SeqCst);
                        square(i)
                    }))
                })
                .collect();
            let results: Vec<Outcome> = handles.into_iter().map(|join| join()).collect();
            on_caller()?;
            for (i, result) in results.iter().enumerate() {
                if *result != Ok(square_value(i as u64)) {
                    return Err((
                        "correct",
                        format!(
                            "job {i} gave {result:?}, want Ok({})",
                            square_value(i as u64)
                        ),
                        "Each handle's `join` must return its own job's result.".into(),
                    ));
                }
            }
            if let Some(i) = runs.iter().position(|r| r.load(Ordering::SeqCst) != 1) {
                return Err((
                    "correct",
                    format!("job {i} ran {} times", runs[i].load(Ordering::SeqCst)),
                    "Every submitted job must run exactly once.".into(),
                ));
            }
            let mapped = pool.map_jobs((0..50).collect(), square);
            let want: Vec<Outcome> = (0..50).map(|i| Ok(square_value(i))).collect();
            if mapped != want {
                let i = (0..want.len())
                    .find(|&i| mapped.get(i) != Some(&want[i]))
                    .unwrap_or(0);
                return Err(("correct", format!("map gave {} results; result {i} is {:?}, want {:?}", mapped.len(), mapped.get(i), want[i]), "`map` returns one result per item, in the items' order: submit them all, then join the handles in order.".into()));
            }
            Ok("64 submitted jobs ran once each with the right results; map kept the order of 50 items".to_owned())
        },
    )
}

fn square_value(x: u64) -> u64 {
    x * x + 1
}

fn panics<P: Pool>(
    new: Arc<impl Fn(usize) -> P + Send + Sync + 'static>,
) -> Result<String, Finding> {
    phase(
        "panics",
        "The pool broke after jobs panicked: a panic killed the worker that ran it. Run each job under `std::panic::catch_unwind` and send the panic back as `Err(JobPanicked)`.",
        move || {
            let pool = new(2);
            let failed: Vec<Outcome> = (0..4)
                .map(|i| {
                    pool.submit_job(Box::new(move || -> u64 {
                        mark_worker();
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
            // Had a panic killed its worker, these would wait forever in the
            // queue of a pool with no workers left: the phase's watchdog says so.
            let later: Vec<Outcome> = (0..4u64)
                .map(|i| pool.submit_job(Box::new(move || square(i))))
                .collect::<Vec<_>>()
                .into_iter()
                .map(|join| join())
                .collect();
            if later
                .iter()
                .enumerate()
                .any(|(i, r)| *r != Ok(square_value(i as u64)))
            {
                return Err((
                    "panics",
                    format!("jobs after the panics gave {later:?}"),
                    "A panic must not break the pool: later jobs run as usual.".into(),
                ));
            }
            Ok("4 panicking jobs came back as errors and both workers carried on".to_owned())
        },
    )
}

fn bounded<P: Pool>(
    new: Arc<impl Fn(usize) -> P + Send + Sync + 'static>,
    timeline: Arc<Mutex<Option<Timeline>>>,
) -> Result<(String, Chart), Finding> {
    phase(
        "bounded",
        "32 sleeping jobs never all finished: is every worker taking jobs until the queue closes?",
        move || {
            let baseline = ALIVE.load(Ordering::SeqCst);
            PEAK.store(baseline, Ordering::SeqCst);
            let pool = new(WORKERS);
            let mut times = Vec::new();
            let mut peak_in_flight = 0;
            for _ in 0..3 {
                let witness = InFlightWitness::new();
                let started = Instant::now();
                let joins: Vec<Join> = (0..JOBS)
                    .map(|_| {
                        let witness = witness.clone();
                        pool.submit_job(Box::new(move || {
                            mark_worker();
                            let _in = witness.enter();
                            std::thread::sleep(SLEEP);
                            1
                        }))
                    })
                    .collect();
                let outcomes: Vec<Outcome> = joins.into_iter().map(|join| join()).collect();
                times.push(started.elapsed());
                peak_in_flight = peak_in_flight.max(witness.high_water());
                // Which worker ran which job when, in the last round.
                *timeline.lock().unwrap_or_else(|e| e.into_inner()) = Some(
                    witness
                        .timeline()
                        .captioned("your pool's last round of sleeping jobs, one row per thread"),
                );
                if let Some(bad) = outcomes.iter().find(|o| **o != Ok(1)) {
                    let done = outcomes.iter().filter(|o| **o == Ok(1)).count();
                    return Err((
                        "bounded",
                        format!(
                            "{done} of {JOBS} sleeping jobs returned their result; one gave {bad:?}"
                        ),
                        "Every job's handle must return its result.".into(),
                    ));
                }
            }
            let alive = PEAK.load(Ordering::SeqCst) - baseline;
            if alive > WORKERS {
                return Err((
                    "bounded",
                    format!("{alive} pool threads alive at once for a pool of {WORKERS}"),
                    format!(
                        "More threads than workers: a new thread per job? Start {WORKERS} workers once, in `new`, and send them the jobs."
                    ),
                ));
            }
            if peak_in_flight < WORKERS {
                return Err(("bounded", format!("at most {peak_in_flight} of {WORKERS} workers ran jobs at once"), "The workers take turns instead of working together: is a worker holding the queue's lock while it runs its job? Take the job, drop the lock, then run it.".into()));
            }
            let fastest = times.iter().copied().min().unwrap_or_default();
            let ideal = io_ideal(JOBS, WORKERS, SLEEP);
            let one_at_a_time = SLEEP * JOBS as u32;
            let chart = time_chart(
                format!(
                    "{JOBS} jobs sleeping {} each on {WORKERS} workers",
                    ms(SLEEP)
                ),
                &[
                    ("one at a time", one_at_a_time),
                    ("yours", fastest),
                    ("ideal", ideal),
                ],
            );
            let speedup = one_at_a_time.as_secs_f64() / fastest.as_secs_f64();
            let line = format!(
                "at most {alive} threads alive, {peak_in_flight} jobs at once; {speedup:.1}x faster than one at a time (need {:.1}x): {} against an ideal {}",
                0.8 * WORKERS as f64,
                ms(fastest),
                ms(ideal)
            );
            if !io_fast_enough(fastest, ideal) {
                return Err(("bounded", line, "The pool is slower than its workers should be: does `submit` wait for something, or does a worker hold a lock while its job runs?".into()));
            }
            Ok((line, chart))
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
            let baseline = ALIVE.load(Ordering::SeqCst);
            let pool = new(4);
            let ran = Arc::new(AtomicUsize::new(0));
            for _ in 0..16 {
                let ran = Arc::clone(&ran);
                // The handles are dropped at once: nobody waits for these.
                drop(pool.submit_job(Box::new(move || {
                    mark_worker();
                    std::thread::sleep(Duration::from_millis(10));
                    ran.fetch_add(1, Ordering::SeqCst);
                    0
                })));
            }
            drop(pool);
            let ran = ran.load(Ordering::SeqCst);
            let alive = ALIVE.load(Ordering::SeqCst).saturating_sub(baseline);
            if ran < 16 {
                return Err(("shutdown", format!("{ran} of 16 queued jobs had run when drop returned"), "`drop` must let the workers finish the queue and wait for them: close the queue (drop the sender), then join every worker.".into()));
            }
            if alive > 0 {
                return Err((
                    "shutdown",
                    format!("{alive} pool threads still running after drop"),
                    "Join every worker in `Drop`, so no thread outlives the pool.".into(),
                ));
            }
            Ok("drop ran all 16 queued jobs and left no thread behind".to_owned())
        },
    )
}
