//! Wrong: the questions in the wrong order: the kind of work, the library
//! and the volume decide first, and isolation is asked last, so a crashing
//! C library ends up in a thread.

use measured::choosing::{Kind, Model, Workload};

pub fn choose(workload: &Workload) -> Model {
    match workload.kind {
        Kind::Light => Model::Sequential,
        Kind::Cpu => Model::Rayon,
        Kind::Mixed => Model::AsyncWithPool,
        Kind::Io if !workload.async_library || workload.operations < 100 => Model::Threads,
        // Wrong: isolation asked last: a crashing library that is CPU work gets a thread
        // Only the workloads no other rule has decided reach this question.
        Kind::Io if workload.needs_isolation => Model::Processes,
        Kind::Io => Model::Async,
    }
}
