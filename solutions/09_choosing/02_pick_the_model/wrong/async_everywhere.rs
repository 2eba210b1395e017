//! Wrong: async for all waiting, whatever the volume or the library.

use measured::choosing::{Kind, Model, Workload};

pub fn choose(workload: &Workload) -> Model {
    if workload.needs_isolation {
        return Model::Processes;
    }
    match workload.kind {
        Kind::Light => Model::Sequential,
        Kind::Cpu => Model::Rayon,
        Kind::Mixed => Model::AsyncWithPool,
        // Wrong: async for all waiting: the blocking-library and low-volume rules dropped
        Kind::Io => Model::Async,
    }
}
