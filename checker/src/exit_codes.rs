//! The exit codes of the checker, named and documented in one place.
//!
//! Scripts and CI read these; `main` maps every error to one of them.

/// Everything asked for passed (or was only inconclusive on speed), or the
/// command had nothing to grade (`list`, `hint`, `reset`).
pub const SUCCESS: u8 = 0;

/// The checker worked, but at least one exercise did not pass: a failing
/// verdict, a compile error, a crash, a timeout or an unstarted `todo!()`.
pub const CHECK_FAILED: u8 = 1;

/// The command line was wrong: an unknown option (clap's own code) or an
/// exercise name that `course.toml` does not list.
pub const USAGE: u8 = 2;

/// `course.toml` could not be found, read or understood.
pub const COURSE_ERROR: u8 = 3;

/// The machine failed, not the learner's code: cargo or git missing or
/// failing outside the learner's code (cargo failing without a compiler
/// error, as on a read-only or full disk; `reset` outside a git checkout;
/// `doctor` without a `machine_report`), a file of its own it could not
/// write, or a grade with an exercise the busy machine could not judge.
pub const ENVIRONMENT_ERROR: u8 = 4;

/// `grade` (or `manifest`) found a file the learner must not change
/// changed, deleted or added, or no integrity manifest: the tree was not
/// graded. The message names the file.
pub const INTEGRITY_FAILED: u8 = 5;

/// Stopped by Ctrl-C; the running check and everything it started were
/// killed first (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;
