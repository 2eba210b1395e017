//! Wrong: a dead worker is replaced and its task reported, but nobody waits
//! for the dead process: every crash leaves a zombie behind.

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
                let mut worker = Worker::start(spawner).unwrap();
                while let Some(task) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let outcome = match worker.run(task) {
                        Ok(Some(answer)) => Ok(answer),
                        _ => {
                            // Wrong: replaced but never waited for: each crash leaves a zombie
                            // A new worker in its place; the old one is just
                            // dropped.
                            worker = Worker::start(spawner).unwrap();
                            Err(Failed {
                                id: task.id,
                                reason: "the worker died".into(),
                            })
                        }
                    };
                    outcomes.lock().unwrap()[task.id as usize] = Some(outcome);
                }
                let _ = worker.finish();
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
