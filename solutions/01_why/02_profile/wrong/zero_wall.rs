//! Family 6 (decision tables without both sides of every threshold, here a
//! zero-length wall time): the ratio without the zero case, so 0 / 0 is
//! NaN, which fails both comparisons: nothing at all is called mixed.

use std::time::{Duration, Instant};

use measured::clock::process_cpu_time;
pub use measured::profile::{Kind, Profile};

pub fn classify(wall: Duration, cpu: Duration) -> Kind {
    // Wrong: no zero-wall case: 0 / 0 is NaN and falls to mixed; the division looks total
    let ratio = cpu.as_secs_f64() / wall.as_secs_f64();
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
