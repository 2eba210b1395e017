//! Family 6 (decision tables without both sides of every threshold): the
//! ratio from whole milliseconds (`as_millis`), so short work rounds to the
//! wrong side of a threshold: 1.9 ms of wall with 1 ms of CPU reads as 1/1.

use std::time::{Duration, Instant};

use measured::clock::process_cpu_time;
pub use measured::profile::{Kind, Profile};

pub fn classify(wall: Duration, cpu: Duration) -> Kind {
    // Wrong: whole milliseconds round short work to the wrong side; integers look exact
    let (wall, cpu) = (wall.as_millis(), cpu.as_millis());
    if wall == 0 {
        return if cpu == 0 {
            Kind::IoBound
        } else {
            Kind::CpuBound
        };
    }
    // Integers: ratio >= 0.7 is 10 * cpu >= 7 * wall.
    if 10 * cpu >= 7 * wall {
        Kind::CpuBound
    } else if 10 * cpu <= 2 * wall {
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
