//! 01/02 profile, solved: wall time from `Instant`, CPU time from the
//! process's CPU clock, and their ratio tells waiting from working.

use std::time::{Duration, Instant};

use measured::clock::process_cpu_time;
pub use measured::profile::{Kind, Profile};

/// What kind of work used `cpu` of CPU time in `wall` of wall time.
pub fn classify(wall: Duration, cpu: Duration) -> Kind {
    if wall.is_zero() {
        return if cpu.is_zero() {
            Kind::IoBound
        } else {
            Kind::CpuBound
        };
    }
    let ratio = cpu.as_secs_f64() / wall.as_secs_f64();
    if ratio >= 0.7 {
        Kind::CpuBound
    } else if ratio <= 0.2 {
        Kind::IoBound
    } else {
        Kind::Mixed
    }
}

/// Runs `work` once and measures it.
pub fn profile(work: impl FnOnce()) -> Profile {
    let start = Instant::now();
    // The process's CPU clock counts every thread, so work that computes on
    // helper threads shows up too.
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
