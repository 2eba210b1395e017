//! What this machine gives right now: the checker's own perfectly parallel
//! kernel over p threads against one thread (the ceiling of
//! src/how_checks_work.md,
//! "3. Fast, measured against this machine, right now").

use std::time::Duration;

use measured::grade::SpeedSample;
use measured::kernel::{spin, units_for};
use measured::measure::{CAP, ROUNDS, interleaved};

/// A batch of equal work items: item `i` spins `units` from seed `i`.
#[derive(Debug, Clone, Copy)]
pub struct Items {
    /// How many items.
    pub count: usize,
    /// Work per item.
    pub units: u64,
}

impl Items {
    /// Item `i`'s result.
    pub fn run(&self, i: usize) -> u64 {
        spin(self.units, i as u64)
    }

    /// Sum of all results, one at a time.
    pub fn sequential(&self) -> u64 {
        (0..self.count)
            .map(|i| self.run(i))
            .fold(0, u64::wrapping_add)
    }

    /// Sum of all results split evenly over `threads` threads.
    pub fn ideal_parallel(&self, threads: usize) -> u64 {
        crate::schedule::round_robin(self.count, threads, || (), |_, i| self.run(i))
            .into_iter()
            .fold(0, u64::wrapping_add)
    }
}

/// The ceiling: the kernel over `p` threads against one thread, sized to
/// about 0.1 s sequential. Returns the sample with the reference also as
/// candidate.
pub fn measure_ceiling(p: usize) -> SpeedSample {
    let count = 8 * p.max(1);
    let units = units_for(Duration::from_millis(100)) / count as u64;
    let warm = Items {
        count,
        units: units / 10,
    };
    warm.sequential();
    warm.ideal_parallel(p);
    let items = Items { count, units };
    let (mut s, mut r) = (
        || {
            std::hint::black_box(items.sequential());
        },
        || {
            std::hint::black_box(items.ideal_parallel(p));
        },
    );
    let result = interleaved(&mut [&mut s, &mut r], ROUNDS, CAP);
    let mins = result.minimums();
    SpeedSample {
        sequential: mins[0],
        reference: mins[1],
        candidate: mins[1],
        capped: result.capped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideal_parallel_equals_sequential() {
        let items = Items {
            count: 9,
            units: 1000,
        };
        assert_eq!(items.ideal_parallel(2), items.sequential());
        assert_eq!(items.ideal_parallel(4), items.sequential());
    }
}
