//! Deterministic CPU work, sized in time.
//!
//! [`spin`] mixes a number `units` times: the same inputs give the same answer
//! on every machine, so a check can compare results exactly, and the work
//! cannot be skipped by the optimiser. [`units_for`] converts a duration into
//! units on this machine, measured once per process.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Mixes `seed` `units` times (splitmix64 steps) and returns the result.
pub fn spin(units: u64, seed: u64) -> u64 {
    let mut x = seed;
    for _ in 0..units {
        x = black_box(mix(x));
    }
    x
}

/// One splitmix64 step.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Computes until the calling thread has used `cpu` of CPU time, however
/// long that takes on the wall clock, and returns the result.
pub fn spin_for_cpu(cpu: Duration) -> u64 {
    let until = crate::clock::thread_cpu_time() + cpu;
    let mut x = 1;
    while crate::clock::thread_cpu_time() < until {
        x = spin(10_000, x);
    }
    x
}

/// How many [`spin`] units take about `target` of CPU on this machine, when
/// the machine is quiet. Calibrated once per process on a short run (the
/// fastest of several, so a busy moment does not inflate later work).
pub fn units_for(target: Duration) -> u64 {
    static UNITS_PER_SEC: OnceLock<f64> = OnceLock::new();
    let per_sec = *UNITS_PER_SEC.get_or_init(|| {
        let probe = 200_000;
        let fastest = fastest_of(5, || {
            black_box(spin(probe, 1));
        });
        probe as f64 / fastest.as_secs_f64().max(1e-6)
    });
    ((per_sec * target.as_secs_f64()) as u64).max(1)
}

/// The fastest of `runs` timed runs of `work`: what a calibration trusts,
/// since a busy moment can only make a run slower.
pub fn fastest_of(runs: usize, mut work: impl FnMut()) -> Duration {
    (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spin_is_deterministic_and_depends_on_both_inputs() {
        assert_eq!(spin(1000, 7), spin(1000, 7));
        assert_ne!(spin(1000, 7), spin(1000, 8));
        assert_ne!(spin(1000, 7), spin(1001, 7));
        assert_eq!(spin(0, 7), 7);
    }

    #[test]
    fn the_fastest_of_a_few_quick_runs_is_quick() {
        assert!(fastest_of(3, || ()) < Duration::from_secs(1));
    }

    #[test]
    fn more_time_means_more_units() {
        assert!(units_for(Duration::from_millis(20)) > units_for(Duration::from_millis(2)));
    }
}
