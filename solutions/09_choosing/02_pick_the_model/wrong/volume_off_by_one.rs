//! Family 6 (decision tables without both sides of every threshold): "up
//! to 100 operations, threads", so exactly 100 operations with an async
//! library get threads where the rule ("fewer than 100") says async.

use measured::choosing::{Kind, Model, Workload};

pub fn choose(workload: &Workload) -> Model {
    if workload.needs_isolation {
        return Model::Processes;
    }
    match workload.kind {
        Kind::Light => Model::Sequential,
        Kind::Cpu => Model::Rayon,
        Kind::Mixed => Model::AsyncWithPool,
        Kind::Io if !workload.async_library => Model::Threads,
        // Wrong: `<=` where the rule says "fewer than 100": exactly 100 gets threads
        Kind::Io if workload.operations <= 100 => Model::Threads,
        Kind::Io => Model::Async,
    }
}
