//! 07/01 pipeline: read, parse on several threads, collect, with bounded
//! channels between the stages.
//!
//! The check proves: every line's record reaches the sink, right (in any
//! order); no queue ever held more than its bound allows (each line notes
//! when it left one stage and entered the next, so the check sees the
//! queues' depth whatever channels carried it); every thread the pipeline
//! started has ended when it returns; the parsing stage ran on all cores
//! (the in-flight witness); and, when the machine has spare cores now, the
//! pipeline is at least 70% as fast as the checker's own parallel parse,
//! measured in the same run. A pipeline that never finishes (a sender never
//! dropped) gets a verdict after a few seconds, not a hang.

use std::collections::HashSet;
use std::time::Duration;

use measured::measure::parallelism;
use measured::pipeline::{Lines, Record, Sink, Source, units_per_line};
use measured::witness::InFlightWitness;
use verdict::{Evidence, Report, Status};

use crate::cpu::{CpuExercise, CpuWork, check as cpu_check};
use crate::harness::seed;
use crate::processes::{Watched, watch};

/// The exercise's short name.
pub const NAME: &str = "pipeline";
/// Lines per run.
pub const LINES: usize = 256;
/// The channels' capacity the learner is given.
pub const CAPACITY: usize = 8;
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(4);

/// The learner's pipeline: reads `source`, parses on `workers` threads,
/// pushes every record into `sink`, with channels of `capacity`.
pub trait RunFn: Fn(Source, &Sink, usize, usize) + Send + Sync + Clone + 'static {}
impl<F> RunFn for F where F: Fn(Source, &Sink, usize, usize) + Send + Sync + Clone + 'static {}

/// Checks a `run` and writes the report.
pub fn main(run: impl RunFn) {
    crate::main(NAME, || check(run));
}

impl CpuWork for Lines {
    type Output = Vec<Record>;

    fn watched(&self, witness: &InFlightWitness) -> Self {
        Lines::watched(self, witness)
    }

    fn item_name(&self) -> &'static str {
        "line"
    }

    fn items(&self) -> usize {
        self.count()
    }

    fn sequential(&self) -> Vec<Record> {
        (0..self.count()).map(|i| self.expected(i)).collect()
    }

    /// The checker's own pipeline, the shape the exercise asks for: a
    /// reader, `threads` parsers and a collector joined by bounded channels.
    /// A pipeline's reader and collector need the cores too, so the speed
    /// it is held to is a pipeline's: against a plain parallel parse, the
    /// reference solution fell to 69% of it with a one-core hog, and failed.
    fn ideal_parallel(&self, threads: usize) -> Vec<Record> {
        let (line_tx, line_rx) = crossbeam::channel::bounded(CAPACITY);
        let (record_tx, record_rx) = crossbeam::channel::bounded(CAPACITY);
        let source = self.source();
        let parsed = std::thread::scope(|s| {
            s.spawn(move || {
                for line in source {
                    if line_tx.send(line).is_err() {
                        break;
                    }
                }
            });
            for _ in 0..threads.max(1) {
                let (lines, records) = (line_rx.clone(), record_tx.clone());
                s.spawn(move || {
                    for line in lines {
                        if records.send(line.parse()).is_err() {
                            break;
                        }
                    }
                });
            }
            drop((line_rx, record_tx));
            record_rx.iter().count()
        });
        std::hint::black_box(parsed);
        Vec::new()
    }

    fn describe(&self, records: &Vec<Record>) -> String {
        format!("{} records, every line's", records.len())
    }

    fn mismatch(&self, got: &Vec<Record>, want: &Vec<Record>) -> (String, String) {
        if got.len() != want.len() {
            (
                format!("{} records reached the sink for {} lines", got.len(), want.len()),
                "Every line must be parsed once and its record pushed into the sink: the pipeline may return only after the last stage has drained its channel.".into(),
            )
        } else {
            (
                "some records are not their line's".into(),
                "Push each line's own `line.parse()` into the sink, unchanged.".into(),
            )
        }
    }
}

/// The threads of this process that are alive now (Linux): ids of tasks
/// under /proc/self/task, leaving out those already exiting (states Z and X:
/// a joined thread can linger there for a moment on a busy machine).
fn live_threads() -> Option<HashSet<u32>> {
    let entries = std::fs::read_dir("/proc/self/task").ok()?;
    let mut live = HashSet::new();
    for entry in entries.flatten() {
        let Some(tid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let state = stat
            .rfind(')')
            .and_then(|i| stat[i + 1..].split_whitespace().next());
        if !matches!(state, Some("Z" | "X")) {
            live.insert(tid);
        }
    }
    Some(live)
}

/// Threads alive now that were not alive `before`, waiting up to a second
/// for threads that are ending to be gone.
fn new_threads(before: &Option<HashSet<u32>>) -> Option<usize> {
    let before = before.as_ref()?;
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    loop {
        let now = live_threads()?;
        let new = now.difference(before).count();
        if new == 0 || std::time::Instant::now() > deadline {
            return Some(new);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Checks a `run`.
pub fn check(run: impl RunFn) -> Report {
    let report = Report::new(NAME);
    let p = parallelism();
    let workers = p.max(2);
    let seed = seed();

    // First a watched run: does it finish, keep its queues bounded, and
    // end its threads?
    let lines = Lines::new(LINES, units_per_line(crate::cpu::BASELINE, LINES), seed);
    let before = live_threads();
    let watched = {
        let (lines, run) = (lines.clone(), run.clone());
        watch(LIMIT, move || {
            lines.reset();
            run(lines.source(), &lines.sink(), workers, CAPACITY);
        })
    };
    if let Watched::TimedOut { .. } = watched {
        return report
            .with(Evidence::fail(
                "correct",
                format!("`run` had not returned after {} s", LIMIT.as_secs()),
            ))
            .diagnose("Your pipeline never finished: a stage is still waiting for more input. A `for x in receiver` loop ends only when every `Sender` of that channel is dropped, including the one you created and cloned for the workers: drop it (or move it into a thread) once the clones are made.");
    }
    let left = new_threads(&before);
    let want: Vec<Record> = (0..LINES).map(|i| lines.expected(i)).collect();
    let got = lines.records();
    if got != want {
        let (line, cause) = lines.mismatch(&got, &want);
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    let (q1, q2) = lines.deepest_queues();
    let allowed = CAPACITY + workers + 1;
    let queues = format!(
        "at most {q1} lines waited to be parsed and {q2} records to be collected (channels of {CAPACITY}, so at most {allowed} counting the lines in the threads' hands)"
    );
    let bounded = if q1.max(q2) > allowed {
        Err((
            Evidence::fail("bounded queues", queues),
            format!(
                "{} lines piled up between two stages: the channel is unbounded (or far larger than {CAPACITY}). With `crossbeam::channel::bounded({CAPACITY})` a fast reader blocks when the queue is full, so memory stays flat however long the input.",
                q1.max(q2)
            ),
        ))
    } else {
        Ok(Evidence::pass("bounded queues", queues))
    };
    let exits = match left {
        Some(0) => Ok(Evidence::pass(
            "threads exit",
            "every thread the pipeline started had ended when `run` returned",
        )),
        Some(n) => Err((
            Evidence::fail(
                "threads exit",
                format!("{n} threads the pipeline started were still alive a second after `run` returned"),
            ),
            "Threads were still running after your pipeline returned: join every thread you start (a `std::thread::scope` does it for you) so that `run` returns only when all the work is done.".to_owned(),
        )),
        None => Ok(Evidence::skipped(
            "threads exit",
            "this platform cannot list threads (no /proc): not checked",
        )),
    };

    // Then the common CPU rules on the parsing stage.
    let candidate = |lines: &Lines| {
        lines.reset();
        run(lines.source(), &lines.sink(), workers, CAPACITY);
        lines.records()
    };
    let exercise = CpuExercise {
        name: NAME,
        one_at_a_time: "1 line parsed at a time: the parsing stage has one thread, or the workers share one lock. Start `workers` parsing threads, each with its own clone of the receiver.",
        // The parsers wait on a queue fed by a reader thread that competes
        // for the same cores: with a one-core hog the reference's average
        // fell to between 1.07 and 1.7 of 2 while it was perfectly right.
        // So the high-water mark and the largest share carry the structure
        // here; the average is shown, not graded.
        average_fraction: 0.0,
    };
    let mut cpu = cpu_check(
        exercise,
        |target| Lines::new(LINES, units_per_line(target, LINES), seed ^ 1),
        candidate,
    );
    if let Some(timeline) = cpu.timeline.as_mut() {
        timeline.caption =
            Some("the parsing stage in your last measured run, one row per thread".into());
    }
    if cpu.evidence.first().map(|e| e.status) == Some(Status::Fail) {
        return cpu;
    }
    let mut extra = Vec::new();
    let mut cause = None;
    for result in [bounded, exits] {
        match result {
            Ok(e) => extra.push(e),
            Err((e, why)) => {
                extra.push(e);
                cause.get_or_insert(why);
            }
        }
    }
    let rest = cpu.evidence.split_off(1);
    cpu.evidence.extend(extra);
    if let Some(cause) = cause {
        // A failure here outranks the speed measurements.
        cpu.evidence
            .extend(rest.into_iter().filter(|e| e.name == "concurrent"));
        cpu.diagnosis = Some(cause);
        cpu.chart = None;
        return cpu;
    }
    cpu.evidence.extend(rest);
    cpu
}
