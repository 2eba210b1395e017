//! A heartbeat monitor: a loop records a tick each time round, and the
//! monitor reports the worst gap between ticks over a window of time. A long
//! gap means the loop was frozen by work it should have handed off.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

    /// Records one tick now.
    pub fn tick(&self) {
        self.ticks.lock().unwrap().push(Instant::now());
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
