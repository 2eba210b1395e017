//! Family 3 (structure not checked at all): a crash pool of one worker at a time: every task goes to the same worker, replaced when it dies, so the other workers' slots never compute.

use std::io::{self, BufRead, Write};

use measured::process::{Answer, Failed, Spawner, Task, Worker};

pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    measured::process::serve_one_at_a_time(input, output)
}

pub fn run(tasks: &[Task], _workers: usize, spawner: &Spawner) -> Vec<Result<Answer, Failed>> {
    // Wrong: one worker for every task, ignoring `workers`: the other slots never compute
    let mut worker = Worker::start(spawner).unwrap();
    let mut outcomes = Vec::with_capacity(tasks.len());
    for task in tasks {
        match worker.run(task) {
            Ok(Some(answer)) => outcomes.push(Ok(answer)),
            _ => {
                let dead = std::mem::replace(&mut worker, Worker::start(spawner).unwrap());
                let reason = match dead.finish() {
                    Ok(status) => format!("the worker died: {status}"),
                    Err(e) => format!("the worker failed: {e}"),
                };
                outcomes.push(Err(Failed {
                    id: task.id,
                    reason,
                }));
            }
        }
    }
    let _ = worker.finish();
    outcomes
}
