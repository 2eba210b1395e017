//! Deterministic CPU work, sized in time.
//!
//! [`spin`] mixes a number `units` times: the same inputs give the same answer
//! on every machine, so a check can compare results exactly, and the work
//! cannot be skipped by the optimiser. [`units_for`] converts a duration into
//! units on this machine, measured once per process.

use std::hint::black_box;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::witness::InFlightWitness;

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
        let fastest = (0..5)
            .map(|_| {
                let t = Instant::now();
                black_box(spin(probe, 1));
                t.elapsed()
            })
            .min()
            .unwrap();
        probe as f64 / fastest.as_secs_f64().max(1e-6)
    });
    ((per_sec * target.as_secs_f64()) as u64).max(1)
}

/// A batch of equal work items on a witness: item `i` spins `units` from
/// seed `i`. Used for ideal references and CPU-bound exercises.
#[derive(Debug, Clone)]
pub struct Items {
    /// How many items.
    pub count: usize,
    /// Work per item.
    pub units: u64,
    /// Where items report entry and exit.
    pub witness: InFlightWitness,
}

impl Items {
    /// `count` items of `units` each, with a fresh witness.
    pub fn new(count: usize, units: u64) -> Self {
        Items {
            count,
            units,
            witness: InFlightWitness::new(),
        }
    }

    /// Runs item `i` while the witness watches, and returns its result.
    pub fn run(&self, i: usize) -> u64 {
        let _in_flight = self.witness.enter();
        spin(self.units, i as u64)
    }

    /// Sum of all results, one at a time: the sequential reference.
    pub fn sequential(&self) -> u64 {
        (0..self.count)
            .map(|i| self.run(i))
            .fold(0, u64::wrapping_add)
    }

    /// Sum of all results split evenly over `threads` scoped threads: the
    /// harness's ideal parallel reference.
    pub fn ideal_parallel(&self, threads: usize) -> u64 {
        let threads = threads.clamp(1, self.count.max(1));
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    s.spawn(move || {
                        (t..self.count)
                            .step_by(threads)
                            .map(|i| self.run(i))
                            .fold(0, u64::wrapping_add)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap())
                .fold(0, u64::wrapping_add)
        })
    }
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
    fn ideal_parallel_equals_sequential() {
        let items = Items::new(9, 1000);
        assert_eq!(items.ideal_parallel(2), items.sequential());
        assert_eq!(items.ideal_parallel(4), items.sequential());
    }

    #[test]
    fn more_time_means_more_units() {
        assert!(units_for(Duration::from_millis(20)) > units_for(Duration::from_millis(2)));
    }
}
