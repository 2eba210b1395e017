//! 05/03 crash isolation, solved: one thread per worker slot, one task at a
//! time, so the task a worker died on is the one it was sent; the dead
//! worker is waited for and replaced.

use std::io::{self, BufRead, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use measured::process::Worker;
use measured::process::{Answer, Failed, Spawner, Task};

/// A worker's whole life (given): one task per line in, one answer per line
/// out.
pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    measured::process::serve_one_at_a_time(input, output)
}

/// Runs `tasks` on `workers` worker processes, one outcome per task, in
/// order; a worker that dies is reported and replaced.
pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> Vec<Result<Answer, Failed>> {
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<Vec<Option<Result<Answer, Failed>>>> = Mutex::new(vec![None; tasks.len()]);
    let failed = |task: &Task, reason: String| {
        Err(Failed {
            id: task.id,
            reason,
        })
    };
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, tasks.len().max(1)) {
            s.spawn(|| {
                let mut worker = Worker::start(spawner);
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(task) = tasks.get(i) else { break };
                    let outcome = match &mut worker {
                        Err(e) => failed(task, format!("no worker: {e}")),
                        Ok(w) => match w.run(task) {
                            Ok(Some(answer)) => Ok(answer),
                            Ok(None) | Err(_) => {
                                // Bury the dead worker (no zombie), learn how
                                // it died, and put a new one in its place.
                                let dead = std::mem::replace(&mut worker, Worker::start(spawner));
                                let reason = match dead.map(Worker::finish) {
                                    Ok(Ok(status)) => format!("the worker died: {status}"),
                                    Ok(Err(e)) | Err(e) => format!("the worker failed: {e}"),
                                };
                                failed(task, reason)
                            }
                        },
                    };
                    outcomes.lock().unwrap()[i] = Some(outcome);
                }
                if let Ok(worker) = worker {
                    let _ = worker.finish();
                }
            });
        }
    });
    outcomes
        .into_inner()
        .unwrap()
        .into_iter()
        .zip(tasks)
        .map(|(o, t)| o.unwrap_or_else(|| failed(t, "never run".into())))
        .collect()
}
