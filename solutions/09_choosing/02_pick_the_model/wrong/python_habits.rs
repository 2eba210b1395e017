//! Wrong: the Python table copied as it is: CPU-bound work goes to
//! processes. In Rust, threads already run in parallel.

use measured::choosing::{Kind, Model, Workload};

pub fn choose(workload: &Workload) -> Model {
    if workload.needs_isolation {
        return Model::Processes;
    }
    match workload.kind {
        Kind::Light => Model::Sequential,
        // Wrong: Python's answer: CPU work to processes; in Rust threads already run in parallel
        Kind::Cpu => Model::Processes,
        Kind::Mixed => Model::AsyncWithPool,
        Kind::Io if !workload.async_library || workload.operations < 100 => Model::Threads,
        Kind::Io => Model::Async,
    }
}
