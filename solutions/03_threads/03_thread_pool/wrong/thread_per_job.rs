//! Wrong: `submit` starts a new thread for every job. Jobs run and results
//! come back, but nothing bounds the threads: 32 jobs, 32 threads.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::thread::{self, JoinHandle};

#[derive(Debug)]
pub struct JobPanicked;

pub struct ThreadPool {
    threads: Mutex<Vec<JoinHandle<()>>>,
}

pub struct JobHandle<T>(std::sync::mpsc::Receiver<Result<T, JobPanicked>>);

impl ThreadPool {
    pub fn new(_workers: usize) -> Self {
        ThreadPool {
            threads: Mutex::new(Vec::new()),
        }
    }

    pub fn submit<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> JobHandle<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        // Wrong: a new thread per job: nothing bounds the threads; it is the simplest way
        let thread = thread::spawn(move || {
            let _ = tx.send(catch_unwind(AssertUnwindSafe(job)).map_err(|_| JobPanicked));
        });
        self.threads.lock().unwrap().push(thread);
        JobHandle(rx)
    }

    pub fn map<T, R, F>(&self, items: Vec<T>, f: F) -> Vec<Result<R, JobPanicked>>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(T) -> R + Send + Sync + 'static,
    {
        let f = std::sync::Arc::new(f);
        let handles: Vec<_> = items
            .into_iter()
            .map(|item| {
                let f = f.clone();
                self.submit(move || f(item))
            })
            .collect();
        handles.into_iter().map(JobHandle::join).collect()
    }
}

impl<T> JobHandle<T> {
    pub fn join(self) -> Result<T, JobPanicked> {
        self.0.recv().unwrap_or(Err(JobPanicked))
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        for thread in self.threads.lock().unwrap().drain(..) {
            let _ = thread.join();
        }
    }
}
