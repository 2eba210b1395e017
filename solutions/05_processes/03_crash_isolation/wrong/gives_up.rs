//! Wrong: when a worker dies, its slot gives up and reports every task it
//! would have taken as failed. The pool survives, but good work is lost.

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
        for _ in 0..workers {
            s.spawn(|| {
                let mut worker = Some(Worker::start(spawner).unwrap());
                while let Some(task) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = match worker.as_mut().map(|w| w.run(task)) {
                        Some(Ok(Some(answer))) => Ok(answer),
                        _ => {
                            // Wrong: not replaced: every later task of this slot fails
                            // Dead: bury it, and fail everything from now on.
                            let reason = match worker.take().map(Worker::finish) {
                                Some(Ok(status)) => format!("the worker died: {status}"),
                                _ => "no worker".to_owned(),
                            };
                            Err(Failed {
                                id: task.id,
                                reason,
                            })
                        }
                    };
                    outcomes.lock().unwrap()[task.id as usize] = Some(outcome);
                }
                if let Some(worker) = worker {
                    let _ = worker.finish();
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
