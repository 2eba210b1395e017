//! The vocabulary of exercise 09/02: a workload described the way the
//! course's decision flowchart asks about it, and the models to choose from.

/// What the work mostly does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Little of anything: a few milliseconds in all.
    Light,
    /// Computing: the CPU is busy the whole time.
    Cpu,
    /// Waiting: network, disk, a database, a timer.
    Io,
    /// Both: waiting for data, then computing on it.
    Mixed,
}

/// A workload, as the flowchart describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// What it mostly does.
    pub kind: Kind,
    /// How many independent operations (requests, files, items).
    pub operations: usize,
    /// Whether the I/O can be done with an async library (an async HTTP
    /// client, an async database driver), not only a blocking one.
    pub async_library: bool,
    /// Whether a failure must be contained: code that can crash the whole
    /// process (a C library that aborts, a segfault), leak memory for good,
    /// or must not see this process's memory.
    pub needs_isolation: bool,
}

/// Ways to run a workload, as this course taught them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// One thread, one thing after another.
    Sequential,
    /// OS threads: one per operation, or a small pool (chapter 03).
    Threads,
    /// Async tasks on a runtime such as tokio (chapter 06).
    Async,
    /// Data parallelism on every core with rayon (chapter 04).
    Rayon,
    /// Worker processes (chapter 05).
    Processes,
    /// Async for the waiting, a thread pool for the computing (chapter 08).
    AsyncWithPool,
}
