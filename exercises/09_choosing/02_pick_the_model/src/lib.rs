//! 09/02 pick the model: the course's decision flowchart, as code.
//!
//! Encode these rules, in this order (the first that applies wins):
//!
//! 1. The work must be isolated (it can crash or hang the process, leak
//!    memory for good, or must not see our memory): `Processes`.
//! 2. It is `Light` (a few milliseconds in all): `Sequential`.
//! 3. It is `Cpu`-bound: `Rayon` (Rust threads run in parallel: no GIL, so
//!    no need for processes, unlike Python).
//! 4. It is `Mixed`: `AsyncWithPool`.
//! 5. It is `Io`-bound:
//!    - with only a blocking library: `Threads`;
//!    - fewer than 100 operations: `Threads` (as fast here, and simpler);
//!    - otherwise: `Async`.
//!
//! The checker runs `choose` over the workloads the book describes and over
//! workloads made up afresh every run, and explains every wrong choice: only
//! the rules themselves pass, not answers for the known workloads.
//!
//! Read: src/09_choosing/02_pick_the_model.md in the book.
//! Check: cargo run -p checker -- run pick_the_model

use measured::choosing::{Kind, Model, Workload};

/// The model the rules above give for `workload`.
pub fn choose(workload: &Workload) -> Model {
    // TODO: the rules, in order. A `match` on `workload.kind` after the
    // isolation test reads like the flowchart.
    let _ = (workload, Kind::Light, Model::Sequential);
    todo!()
}
