//! 03/03 thread pool: a fixed set of worker threads that run submitted jobs.
//!
//! Python's `ThreadPoolExecutor(max_workers=n)` in Rust: `new` starts the
//! workers once; `submit` queues a job and hands back a handle to its
//! result; `map` runs a function over many items and keeps their order; a
//! job that panics is reported as an error and its worker carries on;
//! dropping the pool lets queued jobs finish and waits for every worker.
//!
//! Read: src/03_threads/03_thread_pool.md in the book.
//! Check: cargo run -p checker -- run thread_pool

use std::fmt;
use std::marker::PhantomData;

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

/// A fixed number of worker threads sharing one queue of jobs.
pub struct ThreadPool {
    // TODO: the workers' join handles and the sending end of the job queue.
}

/// The result of one submitted job, once it is ready.
pub struct JobHandle<T> {
    // TODO: the receiving end of a channel the job sends its result down.
    result: PhantomData<T>,
}

impl ThreadPool {
    /// Starts `workers` threads, all waiting for jobs.
    pub fn new(workers: usize) -> Self {
        // TODO: make a channel for jobs (`Box<dyn FnOnce() + Send>`), start
        // `workers` threads that take jobs from it until it closes.
        let _ = workers;
        todo!()
    }

    /// Queues `job` and returns a handle to its result.
    pub fn submit<T, F>(&self, job: F) -> JobHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // TODO: wrap `job` in a closure that runs it under `catch_unwind`
        // and sends the outcome to the handle; queue that closure.
        let _ = job;
        todo!()
    }

    /// Runs `f` on every item on the pool; results in the items' order.
    pub fn map<T, R, F>(&self, items: Vec<T>, f: F) -> Vec<Result<R, JobPanicked>>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        // TODO: share `f` (an `Arc`), submit one job per item, then join the
        // handles in order.
        let _ = (items, f);
        todo!()
    }
}

impl<T> JobHandle<T> {
    /// Waits for the job and returns its result, or how it panicked.
    pub fn join(self) -> Result<T, JobPanicked> {
        // TODO: wait for the result the job sends.
        let _ = self.result;
        todo!()
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // TODO: close the queue so the workers' loops end once it is empty,
        // then join every worker.
    }
}
