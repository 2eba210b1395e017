//! Wrong: `submit` runs the job at once, on the caller's thread, and hands
//! back a handle that is already done. Every result is right, and nothing
//! ever runs in parallel: a sequential loop in disguise.

use std::panic::{AssertUnwindSafe, catch_unwind};

#[derive(Debug)]
pub struct JobPanicked;

pub struct ThreadPool;

pub struct JobHandle<T>(Result<T, JobPanicked>);

impl ThreadPool {
    pub fn new(_workers: usize) -> Self {
        ThreadPool
    }

    pub fn submit<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> JobHandle<T> {
        // Wrong: the job runs now, on the caller's thread: right results, no parallelism
        JobHandle(catch_unwind(AssertUnwindSafe(job)).map_err(|_| JobPanicked))
    }

    pub fn map<T, R, F>(&self, items: Vec<T>, f: F) -> Vec<Result<R, JobPanicked>>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        let f = std::sync::Arc::new(f);
        items
            .into_iter()
            .map(|item| {
                let f = f.clone();
                self.submit(move || f(item)).join()
            })
            .collect()
    }
}

impl<T> JobHandle<T> {
    pub fn join(self) -> Result<T, JobPanicked> {
        self.0
    }
}
