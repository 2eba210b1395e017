//! The in-flight witness: work items mark their entry and exit (and the
//! thread they ran on), so a check can see how many ran at once.
//!
//! Three numbers come out (src/how_checks_work.md,
//! "2. Concurrent: the in-flight witness"): the high-water mark (most items in
//! flight at once), the time-averaged number in flight (busy time summed over
//! the wall time of the run), and the largest share of items one thread did.
//! They count preempted threads too, so they do not depend on free cores.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Sub;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use verdict::{Span, Timeline};

/// Watches work items enter and leave. Cheap to clone: clones share counts.
#[derive(Clone, Debug)]
pub struct InFlightWitness {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    origin: Mutex<Instant>,
    now: AtomicUsize,
    peak: AtomicUsize,
    spans: Mutex<Vec<RawSpan>>,
    /// Whether each item's thread CPU time is read too.
    counts_cpu: bool,
}

#[derive(Debug, Clone, Copy)]
struct RawSpan {
    thread: ThreadId,
    start: Instant,
    end: Instant,
    /// The CPU time its thread used meanwhile (zero unless counted).
    cpu: Duration,
}

/// One item in flight; it leaves when dropped.
#[must_use = "the item leaves the witness when this guard is dropped"]
#[derive(Debug)]
pub struct InFlight {
    inner: Arc<Inner>,
    start: Instant,
    /// The thread's CPU time at the start, when the witness counts it.
    cpu: Option<Duration>,
}

/// What a witness saw over one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WitnessStats {
    /// How many items finished.
    pub items: usize,
    /// The most items in flight at once.
    pub high_water: usize,
    /// Busy time of all items divided by the wall time from the first start
    /// to the last end: the time-averaged number in flight.
    pub average_in_flight: f64,
    /// The largest fraction of the items one thread ran (0 when no items).
    pub largest_share: f64,
    /// The largest fraction of the items' busy time one thread had (0 when
    /// no items): where items cost unevenly, a thread that stole many
    /// cheap ones has a large share of the items but not of the time. For
    /// a witness that counts CPU ([`InFlightWitness::counting_cpu`]) busy
    /// time is the threads' CPU time while in an item, which a thread
    /// kept waiting for a core by other programs does not inflate.
    pub largest_busy_share: f64,
    /// Whether `largest_busy_share` is a share of CPU time (the witness
    /// counted it and the items computed), which other programs on the
    /// machine cannot inflate.
    pub busy_share_from_cpu: bool,
    /// How many distinct threads ran items.
    pub threads: usize,
    /// From the first item's start to the last item's end.
    pub span: Duration,
    /// The longest any one item took.
    pub longest: Duration,
}

impl Default for InFlightWitness {
    fn default() -> Self {
        Self::new()
    }
}

impl InFlightWitness {
    /// A witness that has seen nothing yet.
    pub fn new() -> Self {
        Self::with_cpu(false)
    }

    /// A witness that also reads each item's thread CPU time (two clock
    /// reads per item: for items of 50 µs and more). Its busy shares are
    /// then shares of CPU time, so a thread held up by other programs does
    /// not look busier than it was.
    pub fn counting_cpu() -> Self {
        Self::with_cpu(true)
    }

    fn with_cpu(counts_cpu: bool) -> Self {
        InFlightWitness {
            inner: Arc::new(Inner {
                origin: Mutex::new(Instant::now()),
                now: AtomicUsize::new(0),
                peak: AtomicUsize::new(0),
                spans: Mutex::new(Vec::new()),
                counts_cpu,
            }),
        }
    }

    /// Marks an item entering; it leaves when the returned guard drops.
    pub fn enter(&self) -> InFlight {
        let now = self.inner.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.inner.peak.fetch_max(now, Ordering::SeqCst);
        InFlight {
            cpu: self.inner.counts_cpu.then(crate::clock::thread_cpu_time),
            inner: Arc::clone(&self.inner),
            start: Instant::now(),
        }
    }

    /// Items in flight right now.
    pub fn in_flight(&self) -> usize {
        self.inner.now.load(Ordering::SeqCst)
    }

    /// The most items in flight at once since the last reset.
    pub fn high_water(&self) -> usize {
        self.inner.peak.load(Ordering::SeqCst)
    }

    /// Forgets everything seen so far (items still in flight keep counting).
    pub fn reset(&self) {
        let mut spans = self.inner.spans.lock().unwrap();
        spans.clear();
        *self.inner.origin.lock().unwrap() = Instant::now();
        self.inner
            .peak
            .store(self.inner.now.load(Ordering::SeqCst), Ordering::SeqCst);
    }

    /// The three numbers over everything seen since the last reset.
    pub fn stats(&self) -> WitnessStats {
        let spans = self.inner.spans.lock().unwrap().clone();
        let high_water = self.high_water();
        summarise(&spans, high_water)
    }

    /// When each item seen since the last reset started and ended.
    pub fn spans(&self) -> Vec<(Instant, Instant)> {
        let spans = self.inner.spans.lock().unwrap();
        spans.iter().map(|s| (s.start, s.end)).collect()
    }

    /// Which thread ran which item when, since the last reset; lanes are
    /// the threads, `thread 1`, `thread 2`... in order of first appearance.
    pub fn timeline(&self) -> Timeline {
        self.timeline_since(self.origin())
    }

    /// The same, in milliseconds since `origin`.
    pub fn timeline_since(&self, origin: Instant) -> Timeline {
        let mut spans = self.inner.spans.lock().unwrap().clone();
        spans.sort_by_key(|s| s.start);
        let mut lanes: HashMap<ThreadId, u32> = HashMap::new();
        let ms = |t: Instant| t.saturating_duration_since(origin).as_secs_f64() * 1e3;
        let spans: Vec<Span> = spans
            .iter()
            .map(|s| {
                let next = lanes.len() as u32;
                Span {
                    lane: *lanes.entry(s.thread).or_insert(next),
                    start_ms: ms(s.start),
                    end_ms: ms(s.end),
                }
            })
            .collect();
        Timeline {
            lanes: (1..=lanes.len()).map(|n| format!("thread {n}")).collect(),
            spans,
            ..Timeline::default()
        }
    }

    /// The items since the last reset as requests in flight: each on the
    /// lowest row free when it started, rows named `<row> 1`, `<row> 2`...
    /// For items one thread interleaves, like a server's requests.
    pub fn slots(&self, row: &str) -> Timeline {
        self.slots_since(self.origin(), row)
    }

    /// The same, in milliseconds since `origin`.
    pub fn slots_since(&self, origin: Instant, row: &str) -> Timeline {
        let ms = |t: Instant| t.saturating_duration_since(origin).as_secs_f64() * 1e3;
        Timeline::in_slots(self.spans().into_iter().map(|(s, e)| (ms(s), ms(e))), row)
    }

    fn origin(&self) -> Instant {
        *self.inner.origin.lock().unwrap()
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let span = RawSpan {
            thread: std::thread::current().id(),
            start: self.start,
            end: Instant::now(),
            cpu: self
                .cpu
                .map(|at| crate::clock::thread_cpu_time().saturating_sub(at))
                .unwrap_or_default(),
        };
        self.inner.spans.lock().unwrap().push(span);
        self.inner.now.fetch_sub(1, Ordering::SeqCst);
    }
}

fn summarise(spans: &[RawSpan], high_water: usize) -> WitnessStats {
    let lanes: Vec<(ThreadId, Instant, Instant)> =
        spans.iter().map(|s| (s.thread, s.start, s.end)).collect();
    let mut stats = summarise_by(&lanes, high_water);
    if let Some(share) = largest_cpu_share(spans) {
        stats.largest_busy_share = share;
        stats.busy_share_from_cpu = true;
    }
    stats
}

/// The largest share of the items' CPU time one thread used, where the
/// witness counted it and the items computed (CPU at least a tenth of
/// their wall time: waiting items keep the wall-time share).
fn largest_cpu_share(spans: &[RawSpan]) -> Option<f64> {
    let cpu: Duration = spans.iter().map(|s| s.cpu).sum();
    let wall: Duration = spans.iter().map(|s| s.end - s.start).sum();
    if cpu.is_zero() || cpu * 10 < wall {
        return None;
    }
    let mut per_thread: HashMap<ThreadId, Duration> = HashMap::new();
    for s in spans {
        *per_thread.entry(s.thread).or_default() += s.cpu;
    }
    let most = per_thread.values().max().copied().unwrap_or_default();
    Some(most.as_secs_f64() / cpu.as_secs_f64())
}

/// The three numbers over items that ran on `lanes` (a thread, a process)
/// from `start` to `end`, however they were recorded.
fn summarise_by<K, T>(spans: &[(K, T, T)], high_water: usize) -> WitnessStats
where
    K: Eq + Hash + Copy,
    T: Copy + Ord + Sub<Output = Duration>,
{
    let (Some(first), Some(last)) = (
        spans.iter().map(|s| s.1).min(),
        spans.iter().map(|s| s.2).max(),
    ) else {
        return WitnessStats {
            items: 0,
            high_water,
            average_in_flight: 0.0,
            largest_share: 0.0,
            largest_busy_share: 0.0,
            busy_share_from_cpu: false,
            threads: 0,
            span: Duration::ZERO,
            longest: Duration::ZERO,
        };
    };
    let busy: Duration = spans.iter().map(|s| s.2 - s.1).sum();
    let wall = last - first;
    let mut per_lane: HashMap<K, (usize, Duration)> = HashMap::new();
    for s in spans {
        let lane = per_lane.entry(s.0).or_default();
        lane.0 += 1;
        lane.1 += s.2 - s.1;
    }
    let most = per_lane.values().map(|l| l.0).max().unwrap_or(0);
    let busiest = per_lane.values().map(|l| l.1).max().unwrap_or_default();
    WitnessStats {
        items: spans.len(),
        high_water,
        average_in_flight: if wall.is_zero() {
            1.0
        } else {
            busy.as_secs_f64() / wall.as_secs_f64()
        },
        largest_share: most as f64 / spans.len() as f64,
        largest_busy_share: if busy.is_zero() {
            most as f64 / spans.len() as f64
        } else {
            busiest.as_secs_f64() / busy.as_secs_f64()
        },
        busy_share_from_cpu: false,
        threads: per_lane.len(),
        span: wall,
        longest: spans.iter().map(|s| s.2 - s.1).max().unwrap_or_default(),
    }
}

/// How long at least one of `spans` was in progress.
fn union(spans: &[(Instant, Instant)]) -> Vec<(Instant, Instant)> {
    let mut sorted = spans.to_vec();
    sorted.sort();
    let mut merged: Vec<(Instant, Instant)> = Vec::new();
    for (start, end) in sorted {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// How much of the time the smaller of two activities was busy, the other
/// was busy too: 1 when one ran entirely while the other did, 0 when they
/// took turns. `a` and `b` are items' (start, end).
pub fn overlap(a: &[(Instant, Instant)], b: &[(Instant, Instant)]) -> f64 {
    let (ua, ub) = (union(a), union(b));
    let total = |u: &[(Instant, Instant)]| -> Duration { u.iter().map(|(s, e)| *e - *s).sum() };
    let smaller = total(&ua).min(total(&ub));
    if smaller.is_zero() {
        return 0.0;
    }
    let mut both = Duration::ZERO;
    for &(s1, e1) in &ua {
        for &(s2, e2) in &ub {
            let (s, e) = (s1.max(s2), e1.min(e2));
            if e > s {
                both += e - s;
            }
        }
    }
    both.as_secs_f64() / smaller.as_secs_f64()
}

/// Items recorded somewhere else (in other processes, say) as the lane that
/// ran them and when they started and ended, on one clock.
#[derive(Debug, Clone, Default)]
pub struct RecordedItems {
    spans: Vec<(u32, Duration, Duration)>,
}

impl RecordedItems {
    /// No items yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// One item that ran on `lane` from `start` to `end`.
    pub fn push(&mut self, lane: u32, start: Duration, end: Duration) {
        self.spans.push((lane, start, end.max(start)));
    }

    /// The three numbers, the high-water mark found by sweeping the items'
    /// starts and ends.
    pub fn stats(&self) -> WitnessStats {
        let mut edges: Vec<(Duration, i32)> = Vec::with_capacity(self.spans.len() * 2);
        for &(_, start, end) in &self.spans {
            edges.push((start, 1));
            edges.push((end, -1));
        }
        // At a tie, an item that ends leaves before the next one enters.
        edges.sort();
        let (mut now, mut peak) = (0i32, 0i32);
        for (_, step) in edges {
            now += step;
            peak = peak.max(now);
        }
        summarise_by(&self.spans, peak as usize)
    }

    /// Which lane ran which item when, from `origin` on the same clock; lanes
    /// are numbered from 0 in the order they first started an item.
    pub fn timeline(&self, origin: Duration) -> Timeline {
        self.timeline_named(origin, |_| None)
    }

    /// The same, each lane named by `name` from the lane it was pushed
    /// with (`worker pid 4121` for a process id); unnamed lanes are
    /// threads.
    pub fn timeline_named(
        &self,
        origin: Duration,
        name: impl Fn(u32) -> Option<String>,
    ) -> Timeline {
        let mut spans = self.spans.clone();
        spans.sort_by_key(|s| s.1);
        let mut lanes: HashMap<u32, u32> = HashMap::new();
        let ms = |t: Duration| t.saturating_sub(origin).as_secs_f64() * 1e3;
        let spans = spans
            .iter()
            .map(|&(lane, start, end)| {
                let next = lanes.len() as u32;
                Span {
                    lane: *lanes.entry(lane).or_insert(next),
                    start_ms: ms(start),
                    end_ms: ms(end),
                }
            })
            .collect();
        let mut order: Vec<(u32, u32)> = lanes.into_iter().map(|(key, n)| (n, key)).collect();
        order.sort_unstable();
        let lanes = order
            .into_iter()
            .map(|(n, key)| name(key).unwrap_or_else(|| format!("thread {}", n + 1)))
            .collect();
        Timeline {
            lanes,
            spans,
            ..Timeline::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(thread: ThreadId, origin: Instant, from_ms: u64, to_ms: u64) -> RawSpan {
        RawSpan {
            thread,
            start: origin + Duration::from_millis(from_ms),
            end: origin + Duration::from_millis(to_ms),
            cpu: Duration::ZERO,
        }
    }

    #[test]
    fn two_threads_side_by_side_average_two_and_split_evenly() {
        let t0 = Instant::now();
        let a = std::thread::current().id();
        let b = std::thread::spawn(|| std::thread::current().id())
            .join()
            .unwrap();
        let spans = [
            span(a, t0, 0, 10),
            span(b, t0, 0, 10),
            span(a, t0, 10, 20),
            span(b, t0, 10, 20),
        ];
        let stats = summarise(&spans, 2);
        assert_eq!(stats.items, 4);
        assert!((stats.average_in_flight - 2.0).abs() < 1e-9);
        assert!((stats.largest_share - 0.5).abs() < 1e-9);
        assert_eq!(stats.threads, 2);
    }

    #[test]
    fn a_thread_held_up_by_others_counts_only_its_cpu() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let (a, b) = (
            std::thread::current().id(),
            std::thread::spawn(|| std::thread::current().id())
                .join()
                .unwrap(),
        );
        let span = |thread, from, to, cpu| RawSpan {
            thread,
            start: at(from),
            end: at(to),
            cpu: Duration::from_millis(cpu),
        };
        // A 90/10 split whose small thread waited for a core: by wall time
        // 90 against 80 ms, by CPU 90 against 10.
        let spans = [span(a, 0, 90, 90), span(b, 0, 80, 10)];
        let stats = summarise(&spans, 2);
        assert!((stats.largest_busy_share - 0.9).abs() < 1e-9);
        // Waiting items (CPU under a tenth of their time) keep wall time.
        let waiting = [span(a, 0, 90, 1), span(b, 0, 80, 1)];
        assert!((summarise(&waiting, 2).largest_busy_share - 90.0 / 170.0).abs() < 1e-9);
        // A witness that counts CPU records it.
        let witness = InFlightWitness::counting_cpu();
        {
            let _item = witness.enter();
            let mut x = 0u64;
            for i in 0..200_000u64 {
                x = std::hint::black_box(x.wrapping_add(i));
            }
        }
        assert!(witness.inner.spans.lock().unwrap()[0].cpu > Duration::ZERO);
    }

    #[test]
    fn the_busy_share_weighs_items_by_their_time() {
        let ms = Duration::from_millis;
        // Lane 1 ran three cheap items, lane 2 one dear one: by items lane
        // 1 has 75%, by busy time 30 of 60 ms.
        let mut items = RecordedItems::new();
        items.push(1, ms(0), ms(10));
        items.push(1, ms(10), ms(20));
        items.push(1, ms(20), ms(30));
        items.push(2, ms(0), ms(30));
        let stats = items.stats();
        assert!((stats.largest_share - 0.75).abs() < 1e-9);
        assert!((stats.largest_busy_share - 0.5).abs() < 1e-9);
    }

    #[test]
    fn one_after_another_averages_one() {
        let t0 = Instant::now();
        let a = std::thread::current().id();
        let spans = [span(a, t0, 0, 10), span(a, t0, 10, 20), span(a, t0, 20, 30)];
        let stats = summarise(&spans, 1);
        assert!((stats.average_in_flight - 1.0).abs() < 1e-9);
        assert_eq!(stats.largest_share, 1.0);
    }

    #[test]
    fn the_guard_counts_in_and_out() {
        let witness = InFlightWitness::new();
        let a = witness.enter();
        let b = witness.enter();
        assert_eq!(witness.in_flight(), 2);
        drop(a);
        drop(b);
        assert_eq!(witness.in_flight(), 0);
        assert_eq!(witness.high_water(), 2);
        assert_eq!(witness.stats().items, 2);
        assert_eq!(witness.timeline().spans.len(), 2);
        assert_eq!(witness.timeline().lanes, ["thread 1"]);
        assert_eq!(witness.slots("request").spans.len(), 2);
        witness.reset();
        assert_eq!(witness.high_water(), 0);
        assert_eq!(witness.stats().items, 0);
    }

    #[test]
    fn recorded_items_sweep_their_high_water_mark() {
        let ms = Duration::from_millis;
        let mut items = RecordedItems::new();
        items.push(7, ms(0), ms(10));
        items.push(9, ms(5), ms(15));
        items.push(7, ms(10), ms(20));
        let stats = items.stats();
        assert_eq!(stats.high_water, 2);
        assert_eq!(stats.threads, 2);
        assert!((stats.average_in_flight - 1.5).abs() < 1e-9);
        assert!((stats.largest_share - 2.0 / 3.0).abs() < 1e-9);
        assert!((stats.largest_busy_share - 2.0 / 3.0).abs() < 1e-9);
        let lanes: Vec<u32> = items.timeline(ms(0)).spans.iter().map(|s| s.lane).collect();
        assert_eq!(lanes, [0, 1, 0]);
        let named = items.timeline_named(ms(0), |pid| Some(format!("worker pid {pid}")));
        assert_eq!(named.lanes, ["worker pid 7", "worker pid 9"]);
    }

    #[test]
    fn back_to_back_items_never_overlap() {
        let ms = Duration::from_millis;
        let mut items = RecordedItems::new();
        items.push(1, ms(0), ms(10));
        items.push(2, ms(10), ms(20));
        assert_eq!(items.stats().high_water, 1);
    }

    #[test]
    fn overlap_is_one_inside_and_zero_in_turns() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let fetch = [(ms(0), ms(50)), (ms(40), ms(100))];
        let parse_inside = [(ms(10), ms(20)), (ms(60), ms(90))];
        let parse_after = [(ms(100), ms(150))];
        assert!((overlap(&fetch, &parse_inside) - 1.0).abs() < 1e-9);
        assert_eq!(overlap(&fetch, &parse_after), 0.0);
    }
}
