//! A heartbeat monitor: a loop records a tick each time round, and the
//! monitor reports the worst gap between ticks over a window of time. A long
//! gap means the loop was frozen by work it should have handed off.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Ticks closer together than this are recorded as one run of ticks.
pub const KEEP_APART: Duration = Duration::from_micros(100);

/// Records ticks from a loop. Cheap to clone: clones share the record.
#[derive(Clone, Debug, Default)]
pub struct Heartbeat {
    ticks: Arc<Mutex<Vec<Instant>>>,
}

impl Heartbeat {
    /// A monitor with no ticks yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one tick now. A loop that ticks without rest would record
    /// millions: a tick less than [`KEEP_APART`] after the one before the
    /// last replaces the last instead, so the record stays small while
    /// the last tick is always the latest and every gap of `KEEP_APART` or
    /// more is kept exactly.
    pub fn tick(&self) {
        let now = Instant::now();
        let mut ticks = self.ticks.lock().unwrap();
        let n = ticks.len();
        if n >= 2 && now.saturating_duration_since(ticks[n - 2]) < KEEP_APART {
            ticks[n - 1] = now;
        } else {
            ticks.push(now);
        }
    }

    /// Every tick so far, in order.
    pub fn ticks(&self) -> Vec<Instant> {
        self.ticks.lock().unwrap().clone()
    }

    /// The worst gap between ticks from `from` to `to`, counting the time
    /// from `from` to the first tick after it and from the last tick to `to`.
    pub fn worst_gap(&self, from: Instant, to: Instant) -> Duration {
        worst_gap(&self.ticks(), from, to)
    }
}

/// The worst gap in `ticks` (sorted) over the window `from..=to`.
pub fn worst_gap(ticks: &[Instant], from: Instant, to: Instant) -> Duration {
    let mut last = from;
    let mut worst = Duration::ZERO;
    for &t in ticks.iter().filter(|&&t| t > from && t < to) {
        worst = worst.max(t - last);
        last = t;
    }
    worst.max(to.saturating_duration_since(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_that_never_rests_is_recorded_small_with_its_gaps() {
        let heartbeat = Heartbeat::new();
        let from = Instant::now();
        let until = from + Duration::from_millis(20);
        let mut calls = 0u64;
        while Instant::now() < until {
            heartbeat.tick();
            calls += 1;
        }
        let ticks = heartbeat.ticks();
        assert!(ticks.windows(2).all(|w| w[0] <= w[1]));
        // At most two ticks per KEEP_APART, however many calls.
        assert!(
            ticks.len() as u64 <= 2 * 20_000 / 100 + 2,
            "{} ticks",
            ticks.len()
        );
        assert!(calls > ticks.len() as u64);
        // Every gap of KEEP_APART or more between calls survives: here a
        // pause of 2 ms, then more ticks.
        std::thread::sleep(Duration::from_millis(2));
        let before_pause = *heartbeat.ticks().last().unwrap();
        heartbeat.tick();
        let after = heartbeat.ticks();
        assert_eq!(after[after.len() - 2], before_pause);
        assert!(after[after.len() - 1] - before_pause >= Duration::from_millis(2));
    }

    #[test]
    fn the_worst_gap_includes_the_edges_of_the_window() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let ticks = [ms(5), ms(15), ms(25), ms(60)];
        assert_eq!(worst_gap(&ticks, ms(0), ms(30)), Duration::from_millis(10));
        assert_eq!(worst_gap(&ticks, ms(0), ms(70)), Duration::from_millis(35));
        assert_eq!(worst_gap(&[], ms(0), ms(40)), Duration::from_millis(40));
        assert_eq!(worst_gap(&ticks, ms(10), ms(12)), Duration::from_millis(2));
    }
}
