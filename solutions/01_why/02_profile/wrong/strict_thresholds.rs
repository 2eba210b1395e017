//! Family 6 (decision tables without both sides of every threshold):
//! `>` and `<` where the rules say "at least 0.7" and "at most 0.2", so a
//! ratio of exactly 0.7 is called mixed, and exactly 0.2 mixed too.

use std::time::{Duration, Instant};

use measured::clock::process_cpu_time;
pub use measured::profile::{Kind, Profile};

pub fn classify(wall: Duration, cpu: Duration) -> Kind {
    if wall.is_zero() {
        return if cpu.is_zero() {
            Kind::IoBound
        } else {
            Kind::CpuBound
        };
    }
    let ratio = cpu.as_secs_f64() / wall.as_secs_f64();
    // Wrong: `>` and `<` where the rules say "at least" and "at most": the edges read as mixed
    if ratio > 0.7 {
        Kind::CpuBound
    } else if ratio < 0.2 {
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
