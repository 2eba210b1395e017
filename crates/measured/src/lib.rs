//! What the exercises call and what the checks measure.
//!
//! - [`server::LatencyServer`]: a real HTTP server on loopback whose every
//!   response takes a set latency; it counts requests in flight, so it is the
//!   witness for I/O exercises.
//! - [`costs`]: what starting a task, a thread and a process costs (09/01).
//! - [`crawl`]: the page parser of 08/01.
//! - [`fetch`]: an async HTTP client, real or on a virtual server that runs
//!   on tokio's clock (chapters 06 and 08).
//! - [`kernel`]: deterministic CPU work, sized in time, whose items report to
//!   an [`witness::InFlightWitness`].
//! - [`heartbeat::Heartbeat`]: the worst gap between ticks of a loop.
//! - [`app`]: the "app" of exercise 01/01, an event loop with a job to run.
//! - [`batching`]: the commands of 07/02's batcher.
//! - [`affinity`]: spreading racing threads over cores.
//! - [`squares`]: the sum of squares in chunks, for chapter 04.
//! - [`mandelbrot`]: rows of very uneven cost, for chapter 04.
//! - [`interpreter`]: a toy interpreter whose global lock the learner writes (02/01).
//! - [`pipeline`]: lines, a parsing stage and a sink that see their queues (07/01).
//! - [`process`]: worker processes, their tasks and answers (chapter 05),
//!   and what `/proc` says of a process or thread.
//! - [`service`]: a checksum and a blocking legacy call, for 06/03.
//! - [`choosing`]: workloads and models, for 09/02.
//! - [`clock`]: the clocks checks read: process CPU time (the process's
//!   own and its children's), a thread's, and the one all processes share.
//! - [`profile`]: the kinds of work, for exercise 01/02.
//! - [`salt`]: fresh random numbers, so that each run's inputs are new.
//! - [`measure`]: interleaved rounds of baseline, ideal reference and
//!   candidate, as src/how_checks_work.md prescribes in
//!   "3. Fast, measured against this machine, right now".
//! - [`grade`]: the grading rules, pure functions of measurements.
//!
//! ```
//! use measured::witness::InFlightWitness;
//!
//! let witness = InFlightWitness::new();
//! std::thread::scope(|s| {
//!     for _ in 0..2 {
//!         s.spawn(|| {
//!             let _item = witness.enter();
//!             std::thread::sleep(std::time::Duration::from_millis(20));
//!         });
//!     }
//! });
//! assert_eq!(witness.stats().items, 2);
//! ```
#![deny(missing_docs)]

pub mod affinity;
pub mod app;
pub mod batching;
pub mod choosing;
pub mod clock;
pub mod costs;
pub mod crawl;
pub mod fetch;
pub mod grade;
pub mod heartbeat;
pub mod interpreter;
pub mod kernel;
pub mod mandelbrot;
pub mod measure;
pub mod pipeline;
pub mod process;
pub mod profile;
pub mod salt;
pub mod server;
pub mod service;
pub mod squares;
pub mod witness;
