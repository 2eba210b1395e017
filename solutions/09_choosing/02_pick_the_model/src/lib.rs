//! 09/02 pick the model, solved: the flowchart's questions in order.

use measured::choosing::{Kind, Model, Workload};

/// Below this many operations, threads are as fast as async, and simpler.
const HIGH_VOLUME: usize = 100;

/// The model the course's rules give for `workload`.
pub fn choose(workload: &Workload) -> Model {
    if workload.needs_isolation {
        return Model::Processes;
    }
    match workload.kind {
        Kind::Light => Model::Sequential,
        Kind::Cpu => Model::Rayon,
        Kind::Mixed => Model::AsyncWithPool,
        Kind::Io if !workload.async_library => Model::Threads,
        Kind::Io if workload.operations < HIGH_VOLUME => Model::Threads,
        Kind::Io => Model::Async,
    }
}
