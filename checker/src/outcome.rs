//! What running a check can produce, and the events the runner emits while
//! it works. Shared by the runner and every reporter; imports nothing of ours.

use std::time::Duration;
use verdict::{Panicked, Report, Verdict};

/// How one check run ended.
// A report is far larger than the other variants, but a run holds one
// outcome per exercise: boxing it would save nothing worth the noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The check ran and wrote a report.
    Report(Report),
    /// The crate did not compile; the compiler's errors as it printed them.
    CompileError {
        /// The rendered diagnostics (or cargo's own error when it had none).
        rendered: String,
    },
    /// The check ended without a usable report.
    Crashed {
        /// How it ended: `exit status 101`, `killed by signal 11 (SIGSEGV)`.
        status: String,
        /// The panic message read from its standard error, if it panicked.
        panic: Option<Panicked>,
        /// The last lines it printed.
        output_tail: String,
    },
    /// No result before the timeout; the check and its children were killed.
    TimedOut {
        /// The timeout that ran out.
        secs: u64,
    },
    /// The check's report cannot be trusted: it did not come sealed with
    /// this run's secret through the checker's own channel, or the check
    /// binary was changed after it was built. It earns nothing.
    NotTrusted {
        /// Why, in a sentence.
        why: String,
    },
    /// The check went past one of the checker's limits (output, memory,
    /// processes, threads, file size); it and everything it started were
    /// stopped.
    Stopped {
        /// Which limit.
        limit: Limit,
        /// The first lines it printed.
        output_head: String,
    },
}

/// A limit a check ran into (see `limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// It printed more than this many bytes.
    Output {
        /// The limit.
        bytes: u64,
    },
    /// An allocation failed at this many bytes per process.
    Memory {
        /// The limit.
        bytes: u64,
    },
    /// Its processes together held more memory than the limit.
    MemoryTogether {
        /// The limit.
        bytes: u64,
        /// How much was counted.
        seen: u64,
    },
    /// It had more processes at once than the limit.
    Processes {
        /// The limit.
        limit: usize,
        /// How many were counted.
        seen: usize,
    },
    /// Its processes had more threads at once than the limit.
    Threads {
        /// The limit.
        limit: u64,
        /// How many were counted.
        seen: u64,
    },
    /// It wrote a file larger than the limit (and was ended by `SIGXFSZ`).
    FileSize {
        /// The limit.
        bytes: u64,
    },
}

pub use course_model::progress::OutcomeKind;

impl Outcome {
    /// The outcome in one word.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Report(report) => {
                if report.panicked.as_ref().is_some_and(|p| p.is_todo()) {
                    return OutcomeKind::NotStarted;
                }
                match report.verdict() {
                    Verdict::Pass => OutcomeKind::Pass,
                    Verdict::Inconclusive => OutcomeKind::Inconclusive,
                    Verdict::NotJudged => OutcomeKind::NotJudged,
                    Verdict::Fail => OutcomeKind::Fail,
                }
            }
            Outcome::CompileError { .. } => OutcomeKind::CompileError,
            Outcome::Crashed { .. } => OutcomeKind::Crashed,
            Outcome::TimedOut { .. } => OutcomeKind::TimedOut,
            Outcome::Stopped { .. } => OutcomeKind::Stopped,
            Outcome::NotTrusted { .. } => OutcomeKind::NotTrusted,
        }
    }
}

/// What the runner is doing, for live reporters (spinners, progress bars).
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// Cargo started building these many check binaries.
    BuildStarted {
        /// How many binaries.
        count: usize,
    },
    /// A line cargo printed while building, e.g. `Compiling rayon v1.10.0`.
    BuildLine(&'a str),
    /// Cargo finished (whether or not everything compiled).
    BuildFinished {
        /// How long the build took.
        elapsed: Duration,
    },
    /// A check binary started.
    CheckStarted {
        /// The exercise it checks.
        exercise: &'a str,
    },
    /// A check binary finished.
    CheckFinished {
        /// The exercise it checked.
        exercise: &'a str,
        /// How it ended.
        outcome: &'a Outcome,
        /// How long it ran.
        elapsed: Duration,
    },
}
