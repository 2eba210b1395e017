//! Every exercise's checks, written once.
//!
//! Each exercise has a module here with a `check` function that takes the
//! learner's functions and returns a [`verdict::Report`], and a `main` that the
//! exercise's `check.rs` calls. The same `check` runs against the learner's
//! crate, the solution crate (both through their `check_*` binaries) and the
//! wrong-but-tempting fixtures (in-process, in this crate's tests).
//!
//! Every check gathers evidence in the order src/how_checks_work.md gives in
//! "The order of evidence": correct, then concurrent, then fast, and stops
//! adding measurements once one fails.
#![deny(missing_docs)]

pub mod asynch;
pub mod bounded;
pub mod build_a_gil;
pub mod challenge;
pub mod cpu;
pub mod crash_isolation;
pub mod crawler;
pub mod deadlines;
pub mod dont_block;
pub mod download;
pub mod gather;
pub mod grading;
pub mod harness;
pub mod heartbeat;
pub mod interpreters;
pub mod lost_updates;
pub mod machine;
pub mod mandelbrot;
pub mod map_reduce;
pub mod pick_the_model;
pub mod pipeline;
pub mod process_pool;
pub mod processes;
pub mod profile;
pub mod scoped_sum;
pub mod select;
pub mod spawn_costs;
pub mod thread_pool;
pub mod worker_processes;

pub use harness::{main, run};
