//! The three-stage pipeline of exercise 07/01: a [`Source`] of log lines,
//! a CPU-heavy [`Line::parse`], and a [`Sink`] that keeps the records.
//!
//! Every line notes when it left the source, when its parsing started and
//! ended, and when the sink took its record, on one clock. From that a check
//! can tell, at any moment, how many lines waited between two stages: the
//! depth of the queues, whatever channels carried them.
//!
//! What a line parses to depends on a seed that whoever makes the [`Lines`]
//! chooses and keeps (the checker: a fresh one each run): nothing here
//! reveals a line's value without parsing it, so the only way to a record
//! is [`Line::parse`]. Parsing reports to a witness passed in by the maker
//! ([`Lines::watched`]), which nothing here hands out.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::kernel::{mix, spin};
use crate::witness::InFlightWitness;

/// A batch of lines to push through a pipeline, with what it saw.
#[derive(Debug, Clone)]
pub struct Lines {
    shared: Arc<Shared>,
}

struct Shared {
    count: usize,
    units: u64,
    seed: u64,
    origin: Mutex<Instant>,
    /// Per line, nanoseconds since `origin` (0: not yet): left the source,
    /// parsing started, parsing ended, taken by the sink.
    marks: Vec<[AtomicU64; 4]>,
    witness: InFlightWitness,
    records: Mutex<Vec<Record>>,
}

/// Shows the size of the batch, never its seed: the seed would give every
/// line's value without parsing it.
impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lines")
            .field("count", &self.count)
            .field("units", &self.units)
            .finish_non_exhaustive()
    }
}

/// One log line on its way through the pipeline. Parse it with
/// [`Line::parse`].
#[derive(Debug)]
pub struct Line {
    index: usize,
    shared: Arc<Shared>,
}

/// A parsed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Record {
    /// Which line it came from.
    pub line: usize,
    /// What parsing found.
    pub value: u64,
}

/// Where the lines come from: an iterator, to be read on one thread.
#[derive(Debug)]
pub struct Source {
    next: usize,
    shared: Arc<Shared>,
}

/// Where the records go. Push from one thread or several.
#[derive(Debug, Clone)]
pub struct Sink {
    shared: Arc<Shared>,
}

const LEFT: usize = 0;
const STARTED: usize = 1;
const ENDED: usize = 2;
const SUNK: usize = 3;

impl Lines {
    /// `count` lines, each taking `units` of work to parse.
    pub fn new(count: usize, units: u64, seed: u64) -> Self {
        Lines {
            shared: Arc::new(Shared {
                count,
                units,
                seed,
                origin: Mutex::new(Instant::now()),
                marks: (0..count).map(|_| Default::default()).collect(),
                witness: InFlightWitness::new(),
                records: Mutex::new(Vec::with_capacity(count)),
            }),
        }
    }

    /// The same lines, new to the pipeline, their parsing reporting to
    /// `witness`.
    pub fn watched(&self, witness: &InFlightWitness) -> Self {
        let s = &self.shared;
        let mut lines = Lines::new(s.count, s.units, s.seed);
        if let Some(shared) = Arc::get_mut(&mut lines.shared) {
            shared.witness = witness.clone();
        }
        lines
    }

    /// How many lines.
    pub fn count(&self) -> usize {
        self.shared.count
    }

    /// Forgets everything seen, for a new run.
    pub fn reset(&self) {
        *self.shared.origin.lock().unwrap() = Instant::now();
        for marks in &self.shared.marks {
            for m in marks {
                m.store(0, Ordering::SeqCst);
            }
        }
        self.shared.witness.reset();
        self.shared.records.lock().unwrap().clear();
    }

    /// The lines, from the first.
    pub fn source(&self) -> Source {
        Source {
            next: 0,
            shared: Arc::clone(&self.shared),
        }
    }

    /// Where the records go.
    pub fn sink(&self) -> Sink {
        Sink {
            shared: Arc::clone(&self.shared),
        }
    }

    /// The records the sink got, sorted by line.
    pub fn records(&self) -> Vec<Record> {
        let mut records = self.shared.records.lock().unwrap().clone();
        records.sort();
        records
    }

    /// The most lines that ever waited between the source and the parsers
    /// (left the source, parsing not started), and between the parsers and
    /// the sink (parsed, not yet taken).
    pub fn deepest_queues(&self) -> (usize, usize) {
        let marks: Vec<[u64; 4]> = self
            .shared
            .marks
            .iter()
            .map(|m| std::array::from_fn(|k| m[k].load(Ordering::SeqCst)))
            .collect();
        (deepest(&marks, LEFT, STARTED), deepest(&marks, ENDED, SUNK))
    }
}

/// The deepest a queue got: items in it are those marked `into` and not
/// yet `out_of`; an item never taken out stays in it to the end.
fn deepest(marks: &[[u64; 4]], into: usize, out_of: usize) -> usize {
    let mut events: Vec<(u64, i64)> = Vec::with_capacity(marks.len() * 2);
    for m in marks {
        if m[into] == 0 {
            continue;
        }
        events.push((m[into], 1));
        if m[out_of] != 0 {
            events.push((m[out_of], -1));
        }
    }
    // At a tie, leaving comes first.
    events.sort();
    let (mut now, mut most) = (0i64, 0i64);
    for (_, step) in events {
        now += step;
        most = most.max(now);
    }
    most as usize
}

impl Shared {
    fn mark(&self, line: usize, what: usize) {
        let origin = *self.origin.lock().unwrap();
        let nanos = (origin.elapsed().as_nanos() as u64).max(1);
        self.marks[line][what].store(nanos, Ordering::SeqCst);
    }

    fn value(&self, i: usize) -> u64 {
        spin(self.units, mix(self.seed ^ i as u64))
    }
}

impl Iterator for Source {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.next >= self.shared.count {
            return None;
        }
        let index = self.next;
        self.next += 1;
        self.shared.mark(index, LEFT);
        Some(Line {
            index,
            shared: Arc::clone(&self.shared),
        })
    }
}

impl Line {
    /// Which line this is.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Parses the line: CPU work, about the same for every line.
    pub fn parse(self) -> Record {
        self.shared.mark(self.index, STARTED);
        let value = {
            let _in_flight = self.shared.witness.enter();
            self.shared.value(self.index)
        };
        self.shared.mark(self.index, ENDED);
        Record {
            line: self.index,
            value,
        }
    }
}

impl Sink {
    /// Keeps one record.
    pub fn push(&self, record: Record) {
        if record.line < self.shared.count {
            self.shared.mark(record.line, SUNK);
        }
        self.shared.records.lock().unwrap().push(record);
    }
}

/// How long parsing one line should take for `count` lines to take
/// `total` on one core.
pub fn units_per_line(total: Duration, count: usize) -> u64 {
    (crate::kernel::units_for(total) / count.max(1) as u64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parsed_in_turn_never_queue_more_than_one() {
        let lines = Lines::new(10, 10, 1);
        let sink = lines.sink();
        for line in lines.source() {
            sink.push(line.parse());
        }
        let records = lines.records();
        assert_eq!(records.len(), 10);
        assert_eq!(records[3].line, 3);
        assert_eq!(lines.deepest_queues(), (1, 1));
    }

    #[test]
    fn reading_everything_first_fills_the_first_queue() {
        let lines = Lines::new(10, 10, 1);
        let sink = lines.sink();
        let all: Vec<Line> = lines.source().collect();
        for line in all {
            sink.push(line.parse());
        }
        assert_eq!(lines.deepest_queues().0, 10);
    }

    #[test]
    fn debug_output_keeps_the_seed_secret() {
        let lines = Lines::new(3, 10, 123_456_789);
        let shown = format!("{:?} {:?}", lines.source(), lines.source().next().unwrap());
        assert!(!shown.contains("123456789"), "{shown}");
    }

    #[test]
    fn watched_lines_parse_the_same_and_report_to_the_witness() {
        let lines = Lines::new(6, 10, 7);
        let witness = InFlightWitness::new();
        let watched = lines.watched(&witness);
        for (a, b) in lines.source().zip(watched.source()) {
            assert_eq!(a.parse(), b.parse());
        }
        assert_eq!(witness.stats().items, 6);
        // Another seed, other values.
        let other = Lines::new(6, 10, 8);
        let first = |l: &Lines| l.source().next().unwrap().parse();
        assert_ne!(first(&lines), first(&other));
    }
}
