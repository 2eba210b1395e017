//! Checking CPU-bound work, as GRADING.md prescribes: the result equals the
//! sequential one in every run; the in-flight witness shows the work spread
//! over the cores (structure, which a busy machine cannot blur); and, when
//! the machine has spare capacity right now, the candidate runs at least 70%
//! as fast as the checker's own ideal parallel version, measured in
//! interleaved rounds of the same run.

use std::time::Duration;

use measured::grade::{SpeedGrade, SpeedSample, grade_speed};
use measured::grade::{StructureNeed, median};
use measured::measure::{CAP, Interleaved, ROUNDS, interleaved, parallelism};
use measured::squares::SumOfSquares;
use measured::witness::{InFlightWitness, WitnessStats};
use verdict::{Evidence, Report};

use crate::grading::{speed_evidence, structure_evidence, structure_numbers};
use crate::harness::time_chart;

/// How long the sequential baseline should take on a quiet machine.
pub const BASELINE: Duration = Duration::from_millis(100);
/// Chunks of the sum of squares: many more than cores, so that any fair
/// way of dealing them keeps every core busy.
pub const SQUARE_CHUNKS: usize = 64;

/// CPU-bound work the witness can watch, with the checker's own sequential
/// and ideal parallel versions.
pub trait CpuWork: Sync {
    /// What the work computes.
    type Output: PartialEq;
    /// Where its items report.
    fn witness(&self) -> &InFlightWitness;
    /// How many items it has.
    fn items(&self) -> usize;
    /// One item after another.
    fn sequential(&self) -> Self::Output;
    /// Split evenly over `threads` threads.
    fn ideal_parallel(&self, threads: usize) -> Self::Output;
    /// A short description of a correct result, for the `correct` line.
    fn describe(&self, output: &Self::Output) -> String;
    /// How `got` differs from `want`: the evidence line and the likely
    /// cause.
    fn mismatch(&self, got: &Self::Output, want: &Self::Output) -> (String, String);
}

impl CpuWork for SumOfSquares {
    type Output = u64;

    fn witness(&self) -> &InFlightWitness {
        SumOfSquares::witness(self)
    }

    fn items(&self) -> usize {
        self.chunks()
    }

    fn sequential(&self) -> u64 {
        SumOfSquares::sequential(self)
    }

    fn ideal_parallel(&self, threads: usize) -> u64 {
        SumOfSquares::ideal_parallel(self, threads)
    }

    fn describe(&self, output: &u64) -> String {
        format!("{output}")
    }

    fn mismatch(&self, got: &u64, want: &u64) -> (String, String) {
        (
            format!("your result {got} differs from the sequential one, {want}"),
            "Every chunk must be computed exactly once and every result added: compare with the one-core version in the comment.".into(),
        )
    }
}

/// What a CPU exercise says beyond the common rules.
pub struct CpuExercise<'a> {
    /// The exercise's short name.
    pub name: &'a str,
    /// The likely cause when only one item was ever in flight.
    pub one_at_a_time: &'a str,
    /// The average in flight needed, as a fraction of m (GRADING.md's 0.7,
    /// unless the items wait on other threads that share the cores).
    pub average_fraction: f64,
}

/// Checks `candidate` on work made by `make`: `make(target)` builds work
/// whose sequential run takes about `target`.
pub fn check<W: CpuWork>(
    exercise: CpuExercise<'_>,
    make: impl Fn(Duration) -> W,
    candidate: impl Fn(&W) -> W::Output,
) -> Report {
    let report = Report::new(exercise.name);
    let p = parallelism();

    // Warm up at a tenth of the size: threads started, caches filled.
    let warm = make(BASELINE / 10);
    warm.sequential();
    warm.ideal_parallel(p);
    candidate(&warm);

    let work = make(BASELINE);
    let expected = work.sequential();
    let first = candidate(&work);
    if first != expected {
        let (line, cause) = work.mismatch(&first, &expected);
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }

    let m = p.min(work.items());
    let need = StructureNeed {
        average_fraction: exercise.average_fraction,
        ..StructureNeed::new(m)
    };
    let mut rounds: Vec<WitnessStats> = Vec::new();
    let mut wrong = None;
    let mut last_timeline = None;
    let (mut s, mut r) = (
        || {
            std::hint::black_box(work.sequential());
        },
        || {
            std::hint::black_box(work.ideal_parallel(p));
        },
    );
    let mut c = || {
        work.witness().reset();
        let result = candidate(&work);
        rounds.push(work.witness().stats());
        last_timeline = Some(work.witness().timeline());
        if result != expected {
            wrong = Some(result);
        }
    };
    let mut measured = interleaved(&mut [&mut s, &mut r, &mut c], ROUNDS, CAP);
    // Too slow is a verdict against the learner: before giving it, measure
    // as many rounds again and keep the fastest of all, so that a moment
    // when another program took a core cannot decide it.
    if grade_speed(&sample_of(&measured)) == SpeedGrade::TooSlow {
        let again = interleaved(&mut [&mut s, &mut r, &mut c], ROUNDS, CAP);
        for (times, more) in measured.times.iter_mut().zip(again.times) {
            times.extend(more);
        }
        measured.capped |= again.capped;
    }
    if let Some(result) = wrong {
        let (line, _) = work.mismatch(&result, &expected);
        return report
            .with(Evidence::fail("correct", format!("right once, then wrong: {line}")))
            .diagnose("The result changes from run to run: a race. Combine the items' results without sharing a variable between threads.");
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!(
            "{}, the same as one core, in every run",
            work.describe(&expected)
        ),
    ));

    let stats = typical(&rounds);
    let structure = structure_numbers(&stats, need);
    let (evidence, cause) = structure_evidence(&stats, need);
    let concurrent = evidence.status == verdict::Status::Pass;
    report.push(evidence);
    if let Some(cause) = cause {
        let cause = if stats.high_water <= 1 {
            exercise.one_at_a_time.to_owned()
        } else {
            cause
        };
        report = report.diagnose(cause);
    }
    let sample = sample_of(&measured);
    if concurrent {
        report.speedup = Some(verdict::Speedup {
            measured: sample.speedup(),
            ceiling: sample.ceiling(),
        });
        let (evidence, cause) = speed_evidence(&sample, p, &structure);
        report.push(evidence);
        if let Some(cause) = cause {
            report = report.diagnose(cause);
        }
    }
    report.chart = Some(time_chart(
        format!("the same work on {p} cores"),
        &[
            ("one core", sample.sequential),
            ("yours", sample.candidate),
            ("checker's parallel", sample.reference),
        ],
    ));
    report.timeline = last_timeline.map(|t: verdict::Timeline| {
        t.captioned("your version's last measured run, one row per thread")
    });
    report
}

/// The fastest sequential, reference and candidate times of `measured`.
fn sample_of(measured: &Interleaved) -> SpeedSample {
    let mins = measured.minimums();
    SpeedSample {
        sequential: mins[0],
        reference: mins[1],
        candidate: mins[2],
        capped: measured.capped,
    }
}

/// Checks a `total` of the sum of squares (chapter 04).
pub fn check_sum_of_squares(
    exercise: CpuExercise<'_>,
    total: impl Fn(&SumOfSquares) -> u64,
) -> Report {
    check(
        exercise,
        |target| SumOfSquares::sized(target, SQUARE_CHUNKS),
        total,
    )
}

/// The rounds' typical numbers: the highest high-water mark (a sequential
/// version never exceeds 1), the median average and the median share.
fn typical(rounds: &[WitnessStats]) -> WitnessStats {
    let mut averages: Vec<f64> = rounds.iter().map(|r| r.average_in_flight).collect();
    let mut shares: Vec<f64> = rounds.iter().map(|r| r.largest_share).collect();
    let first = rounds[0];
    WitnessStats {
        high_water: rounds.iter().map(|r| r.high_water).max().unwrap_or(0),
        average_in_flight: median(&mut averages),
        largest_share: median(&mut shares),
        ..first
    }
}
