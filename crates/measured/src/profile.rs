//! The result type of exercise 01/02: what a piece of work is, measured.

use std::time::Duration;

/// What kind of work something is, told by CPU time against wall time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Computes nearly all the time: `cpu / wall >= 0.7`.
    CpuBound,
    /// Waits nearly all the time: `cpu / wall <= 0.2`.
    IoBound,
    /// Some of each.
    Mixed,
}

/// One piece of work, measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Time on the wall clock, from start to end.
    pub wall: Duration,
    /// CPU time the process used meanwhile, all threads together.
    pub cpu: Duration,
    /// What that makes the work.
    pub kind: Kind,
}
