//! The "app" of exercise 01/01: an event loop that must tick every
//! [`App::TICK`], and a CPU-heavy [`Job`] it must run without freezing.
//!
//! Both keep a record the check reads afterwards: when the app ticked, and
//! when, where and with what answer the job ran.

use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use crate::heartbeat::Heartbeat;
use crate::kernel::spin;

/// An app's main loop. It lives on the thread that created it (it is not
/// `Send`), like a window or a game loop: only that thread may tick it.
#[derive(Debug)]
pub struct App {
    heartbeat: Heartbeat,
    /// The thread that made the app: its loop's thread.
    home: ThreadId,
    /// Ticks made from any other thread (only `unsafe` code can).
    strays: usize,
    not_send: PhantomData<*const ()>,
}

impl App {
    /// How often the app must tick to stay responsive.
    pub const TICK: Duration = Duration::from_millis(10);

    /// A new app, recording its ticks on `heartbeat`. Its loop's thread is
    /// the calling thread.
    pub fn new(heartbeat: Heartbeat) -> Self {
        App {
            heartbeat,
            home: thread::current().id(),
            strays: 0,
            not_send: PhantomData,
        }
    }

    /// One turn of the loop: redraw, read input... here, record a tick.
    /// A tick from a thread other than the app's own is not a turn of its
    /// loop: it is counted apart, and not recorded on the heartbeat.
    pub fn tick(&mut self) {
        if thread::current().id() == self.home {
            self.heartbeat.tick();
        } else {
            self.strays += 1;
        }
    }

    /// How many times the app was ticked from a thread other than its own.
    pub fn stray_ticks(&self) -> usize {
        self.strays
    }
}

/// A CPU-heavy job: it computes for a fixed amount of work and returns its
/// answer. Run it on any thread with [`Job::run`]. Its answer depends on a
/// seed drawn per run, which only running it reveals.
pub struct Job {
    units: u64,
    seed: u64,
    record: Arc<Record>,
}

#[derive(Debug, Default)]
struct Record {
    started: AtomicBool,
    run: Mutex<Option<JobRun>>,
}

/// What the check learns about a job's run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobRun {
    /// When it started.
    pub started: Instant,
    /// When it finished.
    pub finished: Instant,
    /// The thread it ran on.
    pub thread: ThreadId,
    /// Its answer.
    pub answer: u64,
}

/// The check's view of a [`Job`]: filled in when the job runs.
#[derive(Debug, Clone)]
pub struct JobRecord(Arc<Record>);

impl JobRecord {
    /// Whether the job has started (it may not have finished).
    pub fn started(&self) -> bool {
        self.0.started.load(Ordering::SeqCst)
    }

    /// The run, once the job has finished.
    pub fn run(&self) -> Option<JobRun> {
        *self.0.run.lock().unwrap()
    }
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("units", &self.units)
            .finish_non_exhaustive()
    }
}

impl Job {
    /// A job of `units` of [`spin`] work from `seed`, and the record the
    /// check keeps of it.
    pub fn new(units: u64, seed: u64) -> (Job, JobRecord) {
        let record = Arc::new(Record::default());
        let job = Job {
            units,
            seed,
            record: Arc::clone(&record),
        };
        (job, JobRecord(record))
    }

    /// Does the work and returns the answer. Takes a while!
    pub fn run(self) -> u64 {
        self.record.started.store(true, Ordering::SeqCst);
        let started = Instant::now();
        let answer = spin(self.units, self.seed);
        *self.record.run.lock().unwrap() = Some(JobRun {
            started,
            finished: Instant::now(),
            thread: std::thread::current().id(),
            answer,
        });
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_records_its_run() {
        let (job, record) = Job::new(1000, 3);
        assert!(record.run().is_none());
        assert!(!record.started());
        let answer = std::thread::spawn(move || job.run()).join().unwrap();
        let run = record.run().unwrap();
        assert!(record.started());
        assert_eq!(run.answer, answer);
        assert_ne!(run.thread, std::thread::current().id());
    }

    #[test]
    fn ticks_reach_the_heartbeat() {
        let heartbeat = Heartbeat::new();
        let mut app = App::new(heartbeat.clone());
        app.tick();
        app.tick();
        assert_eq!(heartbeat.ticks().len(), 2);
        assert_eq!(app.stray_ticks(), 0);
    }

    #[test]
    fn a_tick_from_another_thread_is_a_stray() {
        struct Ptr(*mut App);
        // SAFETY: the app's thread waits in `join` while the pointer is used.
        unsafe impl Send for Ptr {}
        let heartbeat = Heartbeat::new();
        let mut app = App::new(heartbeat.clone());
        let ptr = Ptr(&mut app);
        std::thread::spawn(move || {
            let ptr = ptr;
            // SAFETY: the app's thread waits in `join` meanwhile.
            unsafe { (*ptr.0).tick() }
        })
        .join()
        .unwrap();
        assert_eq!(app.stray_ticks(), 1);
        assert!(heartbeat.ticks().is_empty());
    }

    #[test]
    fn a_job_shows_no_seed() {
        let (job, _) = Job::new(10, 123_456_789);
        assert!(!format!("{job:?}").contains("123456789"));
    }
}
