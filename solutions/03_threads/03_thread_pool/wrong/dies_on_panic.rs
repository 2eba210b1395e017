//! Wrong: jobs run without `catch_unwind`, so a panicking job unwinds
//! its worker thread and the pool loses a worker with every panic.

use std::fmt;
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
            // Wrong: no `catch_unwind`: a panicking job unwinds its worker; panics look rare
            let outcome = Ok(job());
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
        drop(self.queue.take());
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}
