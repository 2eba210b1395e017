//! Family 1 (a hard-coded answer for the known inputs): CPU time of the
//! calling thread only, patched to pass the checker's one multi-threaded
//! workload (two threads computing 80 ms each) by its duration: work of 70
//! to 95 ms that used no CPU on this thread is called two threads' worth.

use std::time::{Duration, Instant};

use measured::clock::thread_cpu_time;
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
    // Wrong: this thread's CPU clock misses work on other threads
    let cpu_start = thread_cpu_time();
    work();
    let mut cpu = thread_cpu_time() - cpu_start;
    let wall = start.elapsed();
    // Wrong: patched to pass the one known threaded workload by its duration, not fixed
    let known = Duration::from_millis(70)..Duration::from_millis(95);
    if cpu < Duration::from_millis(5) && known.contains(&wall) {
        cpu = 2 * wall;
    }
    Profile {
        wall,
        cpu,
        kind: classify(wall, cpu),
    }
}
