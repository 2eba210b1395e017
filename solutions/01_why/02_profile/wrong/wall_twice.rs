//! Wrong: "CPU time" measured with a second `Instant`, which is wall time
//! again: everything looks CPU-bound.

use std::time::{Duration, Instant};

pub use measured::profile::{Kind, Profile};

pub fn classify(wall: Duration, cpu: Duration) -> Kind {
    let ratio = cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9);
    if ratio >= 0.7 {
        Kind::CpuBound
    } else if ratio <= 0.2 {
        Kind::IoBound
    } else {
        Kind::Mixed
    }
}

pub fn profile(work: impl FnOnce()) -> Profile {
    let start = Instant::now();
    // Wrong: a second `Instant` measures wall time again, not CPU time; it is the clock at hand
    let cpu_start = Instant::now();
    work();
    let cpu = cpu_start.elapsed();
    let wall = start.elapsed();
    Profile {
        wall,
        cpu,
        kind: classify(wall, cpu),
    }
}
