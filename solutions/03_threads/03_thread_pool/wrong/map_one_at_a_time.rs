//! Family 4 (a bound checked on one entry point only): `map` submits and
//! joins in one lazy iterator chain, so each item is submitted only after the
//! previous one finished: the pool runs a map one item at a time. Only
//! `submit` was timed.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// A job panicked instead of returning; this is its panic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobPanicked {
    /// What the job panicked with, when it was a string.
    pub message: String,
}

impl fmt::Display for JobPanicked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the job panicked: {}", self.message)
    }
}

impl std::error::Error for JobPanicked {}

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed number of worker threads sharing one queue of jobs.
pub struct ThreadPool {
    workers: Vec<JoinHandle<()>>,
    queue: Option<Sender<Job>>,
}

/// The result of one submitted job, once it is ready.
pub struct JobHandle<T> {
    result: Receiver<Result<T, JobPanicked>>,
}

impl ThreadPool {
    /// Starts `workers` threads, all waiting for jobs.
    pub fn new(workers: usize) -> Self {
        let (queue, jobs) = mpsc::channel::<Job>();
        let jobs = Arc::new(Mutex::new(jobs));
        let workers = (0..workers.max(1))
            .map(|_| {
                let jobs = Arc::clone(&jobs);
                thread::spawn(move || {
                    loop {
                        // Hold the lock only to take a job, not to run it.
                        let job = jobs.lock().unwrap().recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break, // the queue is closed and empty
                        }
                    }
                })
            })
            .collect();
        ThreadPool {
            workers,
            queue: Some(queue),
        }
    }

    /// Queues `job` and returns a handle to its result.
    pub fn submit<T, F>(&self, job: F) -> JobHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (send, result) = mpsc::channel();
        let wrapped: Job = Box::new(move || {
            let outcome = catch_unwind(AssertUnwindSafe(job)).map_err(|payload| JobPanicked {
                message: payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default(),
            });
            // The caller may have dropped the handle: nobody to tell.
            let _ = send.send(outcome);
        });
        self.queue
            .as_ref()
            .expect("the queue is open until drop")
            .send(wrapped)
            .expect("the workers outlive the pool's handle");
        JobHandle { result }
    }

    /// Runs `f` on every item on the pool; results in the items' order.
    pub fn map<T, R, F>(&self, items: Vec<T>, f: F) -> Vec<Result<R, JobPanicked>>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        // Wrong: submit and join in one lazy chain: one item at a time; it reads tidier
        // One chain: submit, then join. Iterators are lazy, so each item is
        // submitted only when the previous one has been joined.
        items
            .into_iter()
            .map(|item| {
                let f = Arc::clone(&f);
                self.submit(move || f(item))
            })
            .map(JobHandle::join)
            .collect()
    }
}

impl<T> JobHandle<T> {
    /// Waits for the job and returns its result, or how it panicked.
    pub fn join(self) -> Result<T, JobPanicked> {
        self.result.recv().unwrap_or_else(|_| {
            Err(JobPanicked {
                message: "the worker ended before the job sent its result".into(),
            })
        })
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // Closing the queue ends each worker's loop once the queue is empty.
        drop(self.queue.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
