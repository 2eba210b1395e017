//! Family 5 (inputs that cannot tell two shapes apart): the blocking-library
//! question asked of mixed work too, so mixed work with only a blocking
//! library gets plain threads. Every known mixed workload had an async
//! library, so this never showed.

use measured::choosing::{Kind, Model, Workload};

pub fn choose(workload: &Workload) -> Model {
    if workload.needs_isolation {
        return Model::Processes;
    }
    // Wrong: the blocking-library question asked of mixed work too: it gets threads
    if matches!(workload.kind, Kind::Io | Kind::Mixed) && !workload.async_library {
        return Model::Threads;
    }
    match workload.kind {
        Kind::Light => Model::Sequential,
        Kind::Cpu => Model::Rayon,
        Kind::Mixed => Model::AsyncWithPool,
        Kind::Io if workload.operations < 100 => Model::Threads,
        Kind::Io => Model::Async,
    }
}
