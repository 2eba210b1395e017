//! Wrong: CPU time of the calling thread only, so work done on other
//! threads goes unseen.

use std::time::{Duration, Instant};

use measured::clock::thread_cpu_time;
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
    // Wrong: this thread's CPU clock misses work on other threads; it reads like "my CPU time"
    let cpu_start = thread_cpu_time();
    work();
    let cpu = thread_cpu_time() - cpu_start;
    let wall = start.elapsed();
    Profile {
        wall,
        cpu,
        kind: classify(wall, cpu),
    }
}
