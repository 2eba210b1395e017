//! Family 5 (inputs that cannot tell two shapes apart): each worker has a
//! queue of its own and `submit` deals jobs to them in turn. With equal jobs
//! it looks like a pool; with one long job, the jobs dealt behind it wait
//! while the other workers sit idle.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
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
    /// One queue per worker: no lock to share, no worker waits for another.
    queues: Vec<Sender<Job>>,
    next: AtomicUsize,
}

/// The result of one submitted job, once it is ready.
pub struct JobHandle<T> {
    result: Receiver<Result<T, JobPanicked>>,
}

impl ThreadPool {
    /// Starts `workers` threads, all waiting for jobs.
    pub fn new(workers: usize) -> Self {
        let (queues, workers) = (0..workers.max(1))
            .map(|_| {
                let (queue, jobs) = mpsc::channel::<Job>();
                let worker = thread::spawn(move || {
                    for job in jobs {
                        job();
                    }
                });
                (queue, worker)
            })
            .unzip();
        ThreadPool {
            workers,
            queues,
            next: AtomicUsize::new(0),
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
        // Wrong: a queue per worker: jobs behind a long one wait while others idle
        // Deal the jobs out in turn, like cards.
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.queues.len();
        self.queues[turn]
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
        let handles: Vec<_> = items
            .into_iter()
            .map(|item| {
                let f = Arc::clone(&f);
                self.submit(move || f(item))
            })
            .collect();
        handles.into_iter().map(JobHandle::join).collect()
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
        self.queues.clear();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
