//! What exercise 09/01 measures: the cost of starting a unit of concurrency
//! and waiting for it to end, for an async task, a thread and a process.
//! (The checker's own measurement is in the checker, out of reach.)

use std::time::Duration;

/// The cost of one spawn-and-wait of each kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpawnCosts {
    /// `tokio::spawn` of an empty task, then awaiting its handle, on a
    /// runtime that already exists.
    pub task: Duration,
    /// `std::thread::spawn` of an empty closure, then `join`.
    pub thread: Duration,
    /// Starting a process that exits at once, then waiting for it.
    pub process: Duration,
}
