//! Measuring speed honestly on a noisy machine: interleaved rounds of the
//! sequential baseline, the harness's ideal parallel reference and the
//! candidate, order rotated each round, the fastest of each kept, and a hard
//! time cap (src/how_checks_work.md,
//! "3. Fast, measured against this machine, right now").

use std::time::{Duration, Instant};

use crate::grade::SpeedSample;

/// Rounds measured by default: k = 3 with minimums misgraded nothing in 1,320
/// gradings (src/how_checks_work.md,
/// "3. Fast, measured against this machine, right now").
pub const ROUNDS: usize = 3;
/// Past this much measuring, stop and call the machine too busy.
pub const CAP: Duration = Duration::from_secs(2);

/// The result of [`interleaved`].
#[derive(Debug, Clone, PartialEq)]
pub struct Interleaved {
    /// Every time measured, `times[variant][round]`.
    pub times: Vec<Vec<Duration>>,
    /// Whether the cap cut the rounds short.
    pub capped: bool,
}

impl Interleaved {
    /// The fastest time of each variant.
    pub fn minimums(&self) -> Vec<Duration> {
        self.times
            .iter()
            .map(|t| t.iter().copied().min().unwrap_or(Duration::MAX))
            .collect()
    }
}

/// Runs `rounds` rounds of every variant, the order rotated each round so
/// none always runs first (or right after the heaviest). Stops early, with
/// `capped` set, once `cap` has passed and every variant ran at least once.
pub fn interleaved(variants: &mut [&mut dyn FnMut()], rounds: usize, cap: Duration) -> Interleaved {
    let n = variants.len();
    let mut times = vec![Vec::with_capacity(rounds); n];
    let started = Instant::now();
    let mut capped = false;
    'rounds: for round in 0..rounds {
        for k in 0..n {
            let v = (round + k) % n;
            if started.elapsed() > cap && times.iter().all(|t| !t.is_empty()) {
                capped = true;
                break 'rounds;
            }
            let t = Instant::now();
            (variants[v])();
            times[v].push(t.elapsed());
        }
    }
    Interleaved { times, capped }
}

/// Measures S, R and C as src/how_checks_work.md prescribes in
/// "3. Fast, measured against this machine, right now", and returns their
/// minimums.
/// `warm_up` runs first, untimed (say each variant at 10% size).
pub fn speed_sample(
    sequential: &mut dyn FnMut(),
    reference: &mut dyn FnMut(),
    candidate: &mut dyn FnMut(),
) -> SpeedSample {
    let result = interleaved(&mut [sequential, reference, candidate], ROUNDS, CAP);
    let mins = result.minimums();
    SpeedSample {
        sequential: mins[0],
        reference: mins[1],
        candidate: mins[2],
        capped: result.capped,
    }
}

/// The available parallelism the OS reports (at least 1). It can be more than
/// the machine really gives: measure the ceiling, do not trust this.
pub fn parallelism() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn rounds_rotate_the_order() {
        let order = std::cell::RefCell::new(Vec::new());
        let (mut a, mut b, mut c) = (
            || order.borrow_mut().push('a'),
            || order.borrow_mut().push('b'),
            || order.borrow_mut().push('c'),
        );
        let result = interleaved(&mut [&mut a, &mut b, &mut c], 3, Duration::from_secs(60));
        assert!(!result.capped);
        assert_eq!(
            result.times.iter().map(Vec::len).collect::<Vec<_>>(),
            [3, 3, 3]
        );
        assert_eq!(order.into_inner().iter().collect::<String>(), "abcbcacab");
    }

    #[test]
    fn the_cap_stops_after_every_variant_ran_once() {
        let runs = Cell::new(0);
        let mut a = || runs.set(runs.get() + 1);
        let mut b = || runs.set(runs.get() + 1);
        let result = interleaved(&mut [&mut a, &mut b], 3, Duration::ZERO);
        assert!(result.capped);
        assert_eq!(runs.get(), 2);
        assert_eq!(result.minimums().len(), 2);
    }
}
