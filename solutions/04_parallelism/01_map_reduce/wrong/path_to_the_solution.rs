//! Family 7 (the learner's crate can reach the checker's own answers): the
//! solution's own file pulled in with `#[path]`. It compiles and its answer
//! is right and fast, and not one line of it is the learner's work.

// Wrong: the solution's own file loaded with `#[path]`: none of it is the learner's
#[path = "../../../../solutions/04_parallelism/01_map_reduce/src/lib.rs"]
mod solution;

pub use solution::total;
