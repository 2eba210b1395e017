//! 05/01 worker processes: split a CPU job over processes that share no
//! memory and talk over pipes.
//!
//! The parent starts `workers` worker processes, sends each its share of the
//! tasks on the worker's stdin, one JSON value per line, and reads the
//! answers back from the worker's stdout. A worker reads tasks until its
//! input ends, runs each, and writes one answer per line.
//!
//! Your workers are this crate's check binary started again with `--worker`
//! (Python's `multiprocessing` does the same with the "spawn" start method):
//! `spawner.command()` gives you the `std::process::Command` that starts one.
//!
//! Read: src/05_processes/01_worker_processes.md in the book.
//! Check: cargo run -p checker -- run worker_processes

use std::io::{self, BufRead, Write};

use measured::process::{Answer, Spawner, Task};

/// A worker's whole life: read one [`Task`] per line from `input` until it
/// ends, and for each write `task.run()`, the [`Answer`], as one line of
/// JSON to `output`.
pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    // TODO: for each line of `input`: `serde_json::from_str::<Task>(&line?)?`,
    // then `serde_json::to_writer(&mut output, &task.run())?` and a "\n".
    // Flush `output` before you return.
    let _ = (input, output);
    todo!()
}

/// Runs `tasks` on `workers` worker processes started from `spawner` and
/// returns their answers in the order of `tasks`.
pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> io::Result<Vec<Answer>> {
    // TODO:
    // 1. Start every worker first: `spawner.command()` with stdin and stdout
    //    set to `Stdio::piped()`, then `.spawn()?`.
    // 2. Send worker `w` the tasks `w, w + workers, ...`, one JSON line each,
    //    then drop its stdin: that is how a worker learns there is no more.
    // 3. Read every worker's answers (one JSON line each), then `wait()` for
    //    it: a child nobody waits for stays behind as a zombie.
    // 4. Put each answer at the index of the task with its `id`.
    let _ = (tasks, workers, spawner);
    todo!()
}
