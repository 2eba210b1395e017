//! Family 8 (cleanup not checked): a supervisor thread restarts dead
//! workers; `Drop` joins the workers but not the supervisor, which is still
//! running (asleep between rounds) when the pool is gone.

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
    workers: Arc<Mutex<Vec<JoinHandle<()>>>>,
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
        let start = {
            let jobs = Arc::clone(&jobs);
            move || {
                let jobs = Arc::clone(&jobs);
                thread::spawn(move || {
                    loop {
                        let job = jobs.lock().unwrap().recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                })
            }
        };
        let all = Arc::new(Mutex::new(
            (0..workers.max(1)).map(|_| start()).collect::<Vec<_>>(),
        ));
        // Wrong: a supervisor `Drop` never joins: still asleep when the pool is gone
        // A supervisor restarts any worker that died, while the pool lives.
        let watched = Arc::downgrade(&all);
        thread::spawn(move || {
            while let Some(workers) = watched.upgrade() {
                for worker in workers.lock().unwrap().iter_mut() {
                    if worker.is_finished() {
                        *worker = start();
                    }
                }
                drop(workers);
                thread::sleep(std::time::Duration::from_millis(100));
            }
        });
        ThreadPool {
            workers: all,
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
        let workers: Vec<_> = self.workers.lock().unwrap().drain(..).collect();
        for worker in workers {
            let _ = worker.join();
        }
    }
}
