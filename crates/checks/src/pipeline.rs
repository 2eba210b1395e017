//! 07/01 pipeline: read, parse on several threads, collect, with bounded
//! channels between the stages.
//!
//! The check proves: every line's record reaches the sink, right (in any
//! order), by the time `run` returns; every line was parsed exactly once
//! (the witness's count), on at most `workers` parsing threads; no queue
//! ever held more than its bound allows (each line notes when it left one
//! stage and entered the next, so the check sees the queues' depth whatever
//! channels carried it); no thread the pipeline started is still running
//! when it returns (named if one is); and the common CPU rules on the
//! parsing stage, every round on fresh lines: the in-flight witness shows
//! it on all cores, and, when the machine has spare cores now, the pipeline
//! is at least 70% as fast as the checker's own pipeline measured in the
//! same run. The lines' values come from a seed drawn fresh for every run
//! and kept by the checker (crates/references), so no record can be had
//! without parsing its line. A pipeline that never finishes (a sender never
//! dropped) gets a verdict after a few seconds, not a hang.

use std::time::Duration;

use measured::measure::parallelism;
use measured::pipeline::{Record, Sink, Source, units_per_line};
use measured::witness::InFlightWitness;
use references::pipeline::Answered;
use verdict::{Evidence, Report, Status};

use crate::cpu::{CpuExercise, CpuWork, check_after as cpu_check};
use crate::processes::{Watched, watch};
use crate::thread_pool::os_threads;

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

impl CpuWork for Answered {
    type Output = Vec<Record>;

    fn watched(&self, witness: &InFlightWitness) -> Self {
        Answered::watched(self, witness)
    }

    fn item_name(&self) -> &'static str {
        "line"
    }

    fn items(&self) -> usize {
        self.lines().count()
    }

    fn sequential(&self) -> Vec<Record> {
        Answered::sequential(self)
    }

    /// The checker's own pipeline, the shape the exercise asks for: a
    /// reader, `threads` parsers and a collector joined by bounded channels.
    /// A pipeline's reader and collector need the cores too, so the speed
    /// it is held to is a pipeline's: against a plain parallel parse, the
    /// reference solution fell to 69% of it with a one-core hog, and failed.
    fn ideal_parallel(&self, threads: usize) -> Vec<Record> {
        let (line_tx, line_rx) = crossbeam::channel::bounded(CAPACITY);
        let (record_tx, record_rx) = crossbeam::channel::bounded(CAPACITY);
        let source = self.lines().source();
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

/// What the watched run saw, the moment `run` returned.
#[derive(Debug, Clone, PartialEq)]
struct AtReturn {
    /// The records in the sink then.
    records: Vec<Record>,
    /// Threads started since `run` was called and still running then
    /// (None: the OS cannot list them).
    left: Option<Vec<String>>,
    /// How many lines were parsed, and on how many threads.
    parsed: usize,
    parsers: usize,
}

/// Threads started since `before` that are still running after `run`
/// returned. A `std::thread::scope` waits for its threads' closures, not
/// for the threads to end, so a right pipeline's threads can still be
/// listed for a moment, finishing; a thread left behind waits (asleep). So:
/// a thread seen asleep twice 10 ms apart is left behind, and so is any
/// still there after a second.
fn left_running(before: &std::collections::HashSet<u32>) -> Option<Vec<String>> {
    os_threads::left_behind(before, |_| true, true, Duration::from_secs(1))
}

/// A failed judgement: the evidence and the likely cause.
type Judged = (Evidence, String);

/// The judge of cleanup: nothing the pipeline started runs on after it.
fn judge_exit(left: Option<&[String]>) -> Result<Evidence, Judged> {
    match left {
        None => Ok(Evidence::skipped(
            "threads exit",
            "this platform cannot list threads (no /proc): not checked",
        )),
        Some([]) => Ok(Evidence::pass(
            "threads exit",
            "every thread the pipeline started had ended when `run` returned",
        )),
        Some(names) => Err((
            Evidence::fail(
                "threads exit",
                format!(
                    "{} threads the pipeline started were still running when `run` returned: {}",
                    names.len(),
                    names.join(", ")
                ),
            ),
            "Threads were still running after your pipeline returned: join every thread you start (a `std::thread::scope` does it for you), the collector and any helper too, so that `run` returns only when all the work is done.".to_owned(),
        )),
    }
}

/// The judge of the parsing stage's shape: every line parsed once, on at
/// most `workers` threads.
fn judge_parsing(
    lines: usize,
    workers: usize,
    parsed: usize,
    parsers: usize,
) -> Result<(), Judged> {
    if parsed != lines {
        return Err((
            Evidence::fail(
                "correct",
                format!("{parsed} lines were parsed for {lines} lines"),
            ),
            "Parse every line exactly once: `line.parse()` on each line the source gives."
                .to_owned(),
        ));
    }
    if parsers > workers {
        return Err((
            Evidence::fail(
                "concurrent",
                format!(
                    "lines were parsed on {parsers} different threads, for `workers` = {workers}"
                ),
            ),
            format!(
                "The parsing stage must be `workers` threads ({workers} here), each taking lines from the channel until it closes: not a thread per line, and not more threads than asked for."
            ),
        ));
    }
    Ok(())
}

/// The judge of the queues: `q1` lines at most waited to be parsed, `q2`
/// records to be collected; a queue of `capacity` plus the lines in the
/// threads' hands (one per parser, one in the reader's) is the most a
/// bounded pipeline can hold.
fn judge_queues(q1: usize, q2: usize, capacity: usize, workers: usize) -> Result<Evidence, Judged> {
    let allowed = capacity + workers + 1;
    let line = format!(
        "at most {q1} lines waited to be parsed and {q2} records to be collected (channels of {capacity}, so at most {allowed} counting the lines in the threads' hands)"
    );
    if q1.max(q2) > allowed {
        return Err((
            Evidence::fail("bounded queues", line),
            format!(
                "{} lines piled up between two stages: the channel is unbounded (or far larger than {capacity}). With `crossbeam::channel::bounded({capacity})` a fast reader blocks when the queue is full, so memory stays flat however long the input.",
                q1.max(q2)
            ),
        ));
    }
    Ok(Evidence::pass("bounded queues", line))
}

/// Checks a `run`.
pub fn check(run: impl RunFn) -> Report {
    let report = Report::new(NAME);
    let p = parallelism();
    let workers = p.max(2);

    // First a watched run: does it finish with every record in the sink,
    // parse every line once on `workers` threads, keep its queues bounded,
    // and leave no thread running?
    let witness = InFlightWitness::new();
    let lines = references::pipeline::lines(LINES, units_per_line(crate::cpu::BASELINE, LINES))
        .watched(&witness);
    let watched = {
        let (lines, run, witness) = (lines.clone(), run.clone(), witness.clone());
        watch(LIMIT, move || {
            let before = os_threads::live_ids();
            run(
                lines.lines().source(),
                &lines.lines().sink(),
                workers,
                CAPACITY,
            );
            // The moment `run` returns: what is in the sink, what still runs.
            let records = lines.lines().records();
            let stats = witness.stats();
            let left = before.as_ref().and_then(left_running);
            AtReturn {
                records,
                left,
                parsed: stats.items,
                parsers: stats.threads,
            }
        })
    };
    let seen = match watched {
        Watched::Returned(seen) => seen,
        Watched::TimedOut { waited, .. } => {
            return report
                .with(Evidence::fail(
                    "correct",
                    format!("`run` had not returned after {}", crate::processes::secs(waited)),
                ))
                .diagnose("Your pipeline never finished: a stage is still waiting for more input. A `for x in receiver` loop ends only when every `Sender` of that channel is dropped, including the one you created and cloned for the workers: drop it (or move it into a thread) once the clones are made.");
        }
    };
    // Threads left running come first: records still on their way to the
    // sink are the symptom, the thread that carries them is the cause.
    let exits = match judge_exit(seen.left.as_deref()) {
        Ok(evidence) => evidence,
        Err((evidence, cause)) => return report.with(evidence).diagnose(cause),
    };
    let want = lines.sequential();
    if seen.records != want {
        let (line, cause) = lines.mismatch(&seen.records, &want);
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    if let Err((evidence, cause)) = judge_parsing(LINES, workers, seen.parsed, seen.parsers) {
        return report.with(evidence).diagnose(cause);
    }
    let (q1, q2) = lines.lines().deepest_queues();
    let bounded = judge_queues(q1, q2, CAPACITY, workers);

    // Then the common CPU rules on the parsing stage.
    let candidate = |answered: &Answered| {
        let lines = answered.lines();
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
    // Fresh lines, from a new secret seed, for every run.
    // The watched run's answer is an earlier answer too: given again, it
    // is named as kept.
    let mut cpu = cpu_check(
        exercise,
        workers,
        std::slice::from_ref(&want),
        |target| references::pipeline::lines(LINES, units_per_line(target, LINES)),
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
    for result in [bounded, Ok(exits)] {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_at_the_bound_passes_and_one_over_fails() {
        // Channels of 8 and 2 parsers: 8 + 2 + 1 = 11 at most.
        assert!(judge_queues(11, 3, 8, 2).is_ok());
        assert!(judge_queues(3, 11, 8, 2).is_ok());
        let (evidence, cause) = judge_queues(12, 3, 8, 2).unwrap_err();
        assert_eq!(evidence.status, Status::Fail);
        assert!(cause.contains("12 lines piled up"));
        assert!(judge_queues(3, 12, 8, 2).is_err());
    }

    #[test]
    fn a_thread_left_running_fails_naming_it() {
        assert_eq!(judge_exit(Some(&[])).unwrap().status, Status::Pass);
        assert_eq!(judge_exit(None).unwrap().status, Status::Skipped);
        let names = ["'collector' (thread id 7)".to_owned()];
        let (evidence, cause) = judge_exit(Some(&names)).unwrap_err();
        assert!(evidence.summary.contains("'collector' (thread id 7)"));
        assert!(cause.contains("join every thread you start"));
    }

    #[test]
    fn parsing_judged_on_its_count_and_its_threads() {
        assert!(judge_parsing(256, 2, 256, 2).is_ok());
        assert!(judge_parsing(256, 2, 256, 1).is_ok());
        // One line too few or too many: the witness count must be the lines.
        assert!(judge_parsing(256, 2, 255, 2).is_err());
        assert!(judge_parsing(256, 2, 257, 2).is_err());
        // One thread more than `workers`.
        let (evidence, cause) = judge_parsing(256, 2, 256, 3).unwrap_err();
        assert_eq!(evidence.name, "concurrent");
        assert!(cause.contains("not a thread per line"));
    }
}
