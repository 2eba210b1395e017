//! 05/03 crash isolation: a worker process can die without taking the pool
//! down with it.
//!
//! Some tasks are poison: `task.run()` aborts the worker's whole process on
//! them, as a C library does on a malformed file. A thread that crashed
//! like that would take your program with it; a process only takes itself.
//! Your pool must notice the death, report that task as failed, start a new
//! worker in its place and finish every other task.
//!
//! The workers are given: [`Worker`] starts one and sends it one task at a
//! time (it is 05/02's worker with batches of one). You write `run`.
//!
//! Read: src/05_processes/03_crash_isolation.md in the book.
//! Check: cargo run -p checker -- run crash_isolation

use std::io::{self, BufRead, Write};

pub use measured::process::Worker;
use measured::process::{Answer, Failed, Spawner, Task};

/// A worker's whole life (given): one task per line in, one answer per line
/// out. Its code is `measured::process::serve_one_at_a_time`.
pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    measured::process::serve_one_at_a_time(input, output)
}

/// Runs `tasks` on `workers` worker processes from `spawner` and returns one
/// outcome per task, in order: `Ok(answer)`, or `Err(Failed { id, reason })`
/// for a task whose worker died on it.
pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> Vec<Result<Answer, Failed>> {
    // TODO: in `std::thread::scope`, one thread per worker. Each starts a
    // `Worker` and takes the next task index from a shared `AtomicUsize`
    // until none is left. For each task, `worker.run(task)`:
    // - `Ok(Some(answer))`: keep it at the task's index;
    // - `Ok(None)`: the worker died on this task. `finish()` it to learn how
    //   (its `ExitStatus`, say "signal: 6 (SIGABRT)"), record
    //   `Failed { id: task.id, reason }`, and `Worker::start` a new one;
    // - `Err(e)`: record the task as failed with `e` as the reason.
    // When no task is left, `finish()` the worker.
    let _ = (tasks, workers, spawner);
    todo!()
}
