//! What the checks know and a learner must not: the checker's own
//! sequential and ideal parallel versions of the work, expected answers and
//! answer tables.
//!
//! Only `checks` depends on this crate, and `checks` re-exports none of it,
//! so an exercise crate (which depends on `measured` and `checks`) cannot
//! name anything here: a learner cannot hand the checker's own answer back
//! to it. Keep it that way: a public item of `checks` or `measured` must
//! never return a type or value from this crate that reveals an answer.
#![deny(missing_docs)]

pub mod ceiling;
pub mod costs;
pub mod decisions;
pub mod interpreter;
pub mod mandelbrot;
pub mod pages;
pub mod pipeline;
pub mod processes;
pub mod schedule;
pub mod squares;
