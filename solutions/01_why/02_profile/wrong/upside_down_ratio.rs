//! Wrong: the ratio taken upside down (wall / cpu), so waiting looks like
//! working and working like waiting.

use std::time::{Duration, Instant};

use measured::clock::process_cpu_time;
pub use measured::profile::{Kind, Profile};

pub fn classify(wall: Duration, cpu: Duration) -> Kind {
    // Wrong: wall / cpu, upside down: an easy slip when both are just durations
    let ratio = wall.as_secs_f64() / cpu.as_secs_f64().max(1e-9);
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
    let cpu_start = process_cpu_time();
    work();
    let cpu = process_cpu_time() - cpu_start;
    let wall = start.elapsed();
    Profile {
        wall,
        cpu,
        kind: classify(wall, cpu),
    }
}
