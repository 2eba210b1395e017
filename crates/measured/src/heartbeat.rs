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

/// The silence between two ticks of a [`QueuedHeartbeat`]: how long it
/// lasted, and how much of it the ticking thread spent ready to run but
/// waiting for a core (another program's doing, not the loop's).
/// `wall` is the gap from one tick to the next; its `own` part is the
/// silence the loop itself is answerable for.
pub type Silence = crate::clock::ThreadTime;

/// When a tick happened, and how long its thread had waited for a core by
/// then (`None` where the kernel does not say).
pub type QueuedTick = (Instant, Option<Duration>);

/// A heartbeat whose ticks also note how long the ticking thread has
/// waited for a core so far ([`crate::clock::thread_queued_time`]). A loop
/// starved by other programs then shows long gaps that are mostly waiting;
/// a loop blocked by its own work shows gaps that are not. Where the kernel
/// does not keep the figure, every gap counts whole, as in [`Heartbeat`].
#[derive(Clone, Debug, Default)]
pub struct QueuedHeartbeat {
    ticks: Arc<Mutex<Vec<QueuedTick>>>,
}

impl QueuedHeartbeat {
    /// A monitor with no ticks yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one tick now, with the calling thread's waiting time. Ticks
    /// closer than [`KEEP_APART`] merge as in [`Heartbeat::tick`].
    pub fn tick(&self) {
        let queued = crate::clock::thread_queued_time();
        let now = Instant::now();
        let mut ticks = self.ticks.lock().unwrap();
        let n = ticks.len();
        if n >= 2 && now.saturating_duration_since(ticks[n - 2].0) < KEEP_APART {
            ticks[n - 1] = (now, queued);
        } else {
            ticks.push((now, queued));
        }
    }

    /// The silence from `from` to `to` with the longest part of the loop's
    /// own making (see [`silence`]).
    pub fn silence(&self, from: Instant, to: Instant) -> Silence {
        silence(&self.ticks.lock().unwrap(), from, to)
    }
}

/// Over the window `from..=to`, the gap between ticks (counting the edges
/// of the window, as [`worst_gap`] does) whose part not spent waiting for a
/// core is longest. `ticks` are sorted, each with the thread's waiting
/// time so far. At an edge the waiting time of the nearest tick outside
/// the window stands in for the edge's, so an edge gap may be excused a
/// little more than it waited, never less.
pub fn silence(ticks: &[QueuedTick], from: Instant, to: Instant) -> Silence {
    let before = ticks.iter().rev().find(|t| t.0 <= from).and_then(|t| t.1);
    let after = ticks.iter().find(|t| t.0 >= to).and_then(|t| t.1);
    let mut points = vec![(from, before)];
    points.extend(ticks.iter().copied().filter(|t| t.0 > from && t.0 < to));
    points.push((to, after));
    let mut worst = Silence::default();
    for pair in points.windows(2) {
        let gap = pair[1].0.saturating_duration_since(pair[0].0);
        let queued = match (pair[0].1, pair[1].1) {
            (Some(a), Some(b)) => b.saturating_sub(a).min(gap),
            _ => Duration::ZERO,
        };
        let here = Silence { wall: gap, queued };
        if (here.own(), here.wall) > (worst.own(), worst.wall) {
            worst = here;
        }
    }
    worst
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

    #[test]
    fn a_silence_spent_waiting_for_a_core_is_excused() {
        let t0 = Instant::now();
        let ms = |n| Duration::from_millis(n);
        let at = |n| t0 + ms(n);
        // A 30 ms gap with 25 ms of waiting, then a 12 ms gap with none.
        let ticks = [
            (at(0), Some(ms(0))),
            (at(30), Some(ms(25))),
            (at(42), Some(ms(25))),
            (at(43), Some(ms(25))),
        ];
        let worst = silence(&ticks, at(0), at(43));
        assert_eq!(
            worst,
            Silence {
                wall: ms(12),
                queued: ms(0)
            }
        );
        assert_eq!(worst.own(), ms(12));
        // Without the kernel's figure every gap counts whole.
        let bare: Vec<_> = ticks.iter().map(|t| (t.0, None)).collect();
        assert_eq!(silence(&bare, at(0), at(43)).own(), ms(30));
        // The edges count, and waiting never exceeds the gap.
        let edge = silence(&ticks[1..3], at(0), at(42));
        assert_eq!(edge.wall, ms(30));
        assert_eq!(silence(&[], at(0), at(40)).own(), ms(40));
        let odd = [(at(0), Some(ms(0))), (at(5), Some(ms(9)))];
        assert_eq!(silence(&odd, at(0), at(5)).queued, ms(5));
    }
}
