//! 05/02 process pool: keep the workers, send the tasks in batches.
//!
//! Starting a process costs about a millisecond; a tiny task costs a few
//! microseconds. A pool pays the first cost once: it starts `workers`
//! processes in `new` and keeps them for every `map`. And since each line
//! sent down a pipe costs a system call and a wake-up on both sides, it
//! sends tasks in batches (Python's `Pool.map(f, items, chunksize=...)`):
//! one line holds a few hundred tasks, one line comes back with their
//! answers.
//!
//! Read: src/05_processes/02_process_pool.md in the book.
//! Check: cargo run -p checker -- run process_pool

use std::io::{self, BufRead, Write};

use measured::process::{Answer, Spawner, Task};

/// A worker's whole life: read a batch of tasks per line (a JSON array of
/// [`Task`]s), write their answers as one line (a JSON array of
/// [`Answer`]s), flushed, until the input ends.
pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    // TODO: like 05/01's worker, but each line is a `Vec<Task>` and each
    // answer line a `Vec<Answer>`. Flush after every line: the pool is
    // waiting for it.
    let _ = (input, output);
    todo!()
}

/// A pool of worker processes.
pub struct Pool {
    // TODO: the workers: for each, its `Child` and the two ends of its pipes
    // (a `BufWriter<ChildStdin>` and a `BufReader<ChildStdout>`).
}

impl Pool {
    /// Starts `workers` worker processes from `spawner`, once.
    pub fn new(workers: usize, spawner: &Spawner) -> io::Result<Pool> {
        let _ = (workers, spawner);
        todo!()
    }

    /// Runs `tasks` on the pool's workers and returns the answers in the
    /// order of `tasks`, each exactly once.
    pub fn map(&mut self, tasks: &[Task]) -> io::Result<Vec<Answer>> {
        // TODO: cut `tasks` into batches (`tasks.chunks(BATCH)`, a few
        // hundred each) and keep every worker busy: one thread per worker
        // (`std::thread::scope`) that takes the next batch, sends it, reads
        // the answers back, and repeats. Put each answer at its task's index.
        let _ = tasks;
        todo!()
    }
}

// TODO: `impl Drop for Pool`: drop each worker's stdin (its input ends, so
// it exits), then `wait()` for it, so no worker outlives the pool.
