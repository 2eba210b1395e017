//! Family 5 (inputs that cannot tell two shapes apart): "a few milliseconds
//! of work needs nothing" asked before isolation, so light work that can
//! crash the process stays in it. No known workload is light and in need of
//! isolation, so the order of the first two questions never showed.

use measured::choosing::{Kind, Model, Workload};

pub fn choose(workload: &Workload) -> Model {
    // Wrong: "light work needs nothing" asked before isolation: crashes stay in
    if workload.kind == Kind::Light {
        return Model::Sequential;
    }
    if workload.needs_isolation {
        return Model::Processes;
    }
    match workload.kind {
        Kind::Light => Model::Sequential,
        Kind::Cpu => Model::Rayon,
        Kind::Mixed => Model::AsyncWithPool,
        Kind::Io if !workload.async_library || workload.operations < 100 => Model::Threads,
        Kind::Io => Model::Async,
    }
}
