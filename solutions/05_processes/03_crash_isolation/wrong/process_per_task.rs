//! Family 3 (structure counted from the wrong place): a process per task hidden behind the pool's API: each slot starts a fresh worker for every task, so a crash never needs a replacement, and every task pays for a process start.

use std::io::{self, BufRead, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use measured::process::{Answer, Failed, Spawner, Task, Worker};

pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    measured::process::serve_one_at_a_time(input, output)
}

pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> Vec<Result<Answer, Failed>> {
    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(vec![None; tasks.len()]);
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| {
                while let Some(i) =
                    Some(next.fetch_add(1, Ordering::Relaxed)).filter(|&i| i < tasks.len())
                {
                    let task = &tasks[i];
                    // Wrong: a fresh worker per task: no crash needs a replacement
                    let mut worker = Worker::start(spawner).unwrap();
                    let outcome = match worker.run(task) {
                        Ok(Some(answer)) => Ok(answer),
                        _ => Err(Failed {
                            id: task.id,
                            reason: String::new(),
                        }),
                    };
                    let status = worker.finish();
                    let outcome = outcome.map_err(|f| Failed {
                        reason: format!(
                            "the worker died: {}",
                            status.map_or_else(|e| e.to_string(), |s| s.to_string())
                        ),
                        ..f
                    });
                    outcomes.lock().unwrap()[i] = Some(outcome);
                }
            });
        }
    });
    outcomes
        .into_inner()
        .unwrap()
        .into_iter()
        .map(Option::unwrap)
        .collect()
}
