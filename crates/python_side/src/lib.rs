//! Python beside Rust, measured on the learner's own machine
//! (`cargo run -p checker -- python [<chapter>]`).
//!
//! - [`discover`] finds the interpreters on PATH (`python3`, `python3.N`,
//!   the free-threaded `python3.Nt`) and asks each its version and whether
//!   the GIL is on.
//! - [`chapters`] runs the course's own Python programs (in `python/`, one
//!   per lesson, standard library only) under each, with a time limit
//!   ([`limited`]), and the same work in Rust ([`rust_side`]) in the same
//!   run, into [`results::Workload`]s.
//! - [`table`] prints them; [`results`] writes them for the book.
//!
//! ```no_run
//! use python_side::{chapters, discover, table};
//!
//! let path = std::env::var_os("PATH").unwrap_or_default();
//! let found = discover::discover(&path, discover::PROBE_LIMIT);
//! let settings = chapters::Settings::default();
//! for w in chapters::measure(chapters::Chapter::Gil, &found, &settings) {
//!     let order: Vec<_> = found.iter().map(Into::into).collect();
//!     print!("{}", table::workload(&w, &order));
//! }
//! ```
#![deny(missing_docs)]

pub mod chapters;
pub mod discover;
pub mod limited;
pub mod results;
pub mod rust_side;
pub mod table;
