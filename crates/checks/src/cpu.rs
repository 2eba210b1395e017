//! Checking CPU-bound work, as src/how_checks_work.md prescribes in
//! "The order of evidence": the result equals the sequential one in every
//! run; the in-flight witness shows the work spread over the cores
//! (structure, which a busy machine cannot blur); and, when the machine has
//! spare capacity right now, the candidate runs at least 70% as fast as the
//! checker's own ideal parallel version, measured in interleaved rounds of
//! the same run. Every run gets fresh inputs and is checked, and must run
//! every item exactly once at the CPU cost the work takes: an answer that
//! skips the work cannot pass.

use std::time::Duration;

use measured::clock::process_cpu_time;
use measured::grade::{SpeedGrade, SpeedSample, grade_speed};
use measured::grade::{StructureNeed, median};
use measured::measure::{CAP, Interleaved, ROUNDS, interleaved, parallelism};
use measured::squares::SumOfSquares;
use measured::witness::{InFlightWitness, WitnessStats};
use verdict::{Evidence, Report, Status};

use crate::grading::{WorkDone, WorkGrade, judge_work, work_evidence};
use crate::grading::{speed_evidence, structure_evidence, structure_numbers};
use crate::harness::{ms, time_chart};

/// How long the sequential baseline should take on a quiet machine.
pub const BASELINE: Duration = Duration::from_millis(100);
/// Chunks of the sum of squares: many more than cores, so that any fair
/// way of dealing them keeps every core busy.
pub const SQUARE_CHUNKS: usize = 64;

/// CPU-bound work the witness can watch, with the checker's own sequential
/// and ideal parallel versions. Crate-private: the references must not be
/// reachable from an exercise crate.
pub(crate) trait CpuWork: Sync + Sized {
    /// What the work computes.
    type Output: PartialEq;
    /// The same work, its items reporting to `witness`.
    fn watched(&self, witness: &InFlightWitness) -> Self;
    /// How many items it has.
    fn items(&self) -> usize;
    /// What one item is called: "chunk", "row", "script".
    fn item_name(&self) -> &'static str;
    /// One item after another.
    fn sequential(&self) -> Self::Output;
    /// Split evenly over `threads` threads.
    fn ideal_parallel(&self, threads: usize) -> Self::Output;
    /// A short description of a correct result, for the `correct` line.
    fn describe(&self, output: &Self::Output) -> String;
    /// How `got` differs from `want`: the evidence line and the likely
    /// cause.
    fn mismatch(&self, got: &Self::Output, want: &Self::Output) -> (String, String);
    /// Small work made from the checker's random challenge `seed`, the
    /// same in every process ([`crate::challenge`]). `None` where the work
    /// has no such form.
    fn challenge(_seed: u64) -> Option<Self> {
        None
    }
    /// An output as the checker compares it.
    fn digest(_output: &Self::Output) -> String {
        String::new()
    }
}

impl CpuWork for SumOfSquares {
    type Output = u64;

    fn watched(&self, witness: &InFlightWitness) -> Self {
        SumOfSquares::watched(self, witness)
    }

    fn items(&self) -> usize {
        self.chunks()
    }

    fn item_name(&self) -> &'static str {
        "chunk"
    }

    fn sequential(&self) -> u64 {
        references::squares::sequential(self)
    }

    fn ideal_parallel(&self, threads: usize) -> u64 {
        references::squares::ideal_parallel(self, threads)
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

    fn challenge(seed: u64) -> Option<Self> {
        Some(SumOfSquares::seeded(seed, 1_000_000, SQUARE_CHUNKS))
    }

    fn digest(output: &u64) -> String {
        output.to_string()
    }
}

/// The likely cause when a run's answer is the answer to an earlier run.
const KEPT: &str = "Your answer is the answer to an earlier run: each run's inputs are new, so a result kept from before (in a `static`, a cache) is wrong. Compute every item, every time.";

/// What a CPU exercise says beyond the common rules.
pub struct CpuExercise<'a> {
    /// The exercise's short name.
    pub name: &'a str,
    /// The likely cause when only one item was ever in flight.
    pub one_at_a_time: &'a str,
    /// The average in flight needed, as a fraction of m (0.7 in
    /// src/how_checks_work.md, "2. Concurrent: the in-flight witness",
    /// unless the items wait on other threads that share the cores).
    pub average_fraction: f64,
}

/// One measured run of every variant on the same fresh work.
struct Round<W: CpuWork> {
    /// The work, its items reporting to no one the candidate can see.
    work: W,
    /// The same work as the candidate gets it, reporting to `witness`.
    watched: W,
    witness: InFlightWitness,
    /// The same work as the checker's own parallel version runs it,
    /// reporting to a witness of its own: the structure an even split
    /// reaches on this machine now.
    for_reference: W,
    reference_witness: InFlightWitness,
    reference_stats: Option<WitnessStats>,
    /// The sequential result: the right answer for this round.
    expected: Option<W::Output>,
    /// The candidate's result, what its witness saw and its CPU time.
    got: Option<W::Output>,
    stats: Option<WitnessStats>,
    candidate_cpu: Duration,
    sequential_cpu: Duration,
}

impl<W: CpuWork> Round<W> {
    fn new(work: W) -> Self {
        // CPU time per item: a thread that other programs keep waiting
        // must not look as busy as one that computed.
        let witness = InFlightWitness::counting_cpu();
        let reference_witness = InFlightWitness::counting_cpu();
        Round {
            watched: work.watched(&witness),
            for_reference: work.watched(&reference_witness),
            reference_witness,
            reference_stats: None,
            work,
            witness,
            expected: None,
            got: None,
            stats: None,
            candidate_cpu: Duration::ZERO,
            sequential_cpu: Duration::ZERO,
        }
    }
}

/// Measures `rounds` interleaved rounds of S, R and C, each round on fresh
/// work of its own made by `make`, every result kept.
fn measure_rounds<W: CpuWork>(
    make: &impl Fn(Duration) -> W,
    rounds: usize,
    p: usize,
    candidate: &impl Fn(&W) -> W::Output,
) -> (Vec<Round<W>>, Interleaved) {
    let runs: Vec<std::cell::RefCell<Round<W>>> = (0..rounds)
        .map(|_| std::cell::RefCell::new(Round::new(make(BASELINE))))
        .collect();
    let (mut next_s, mut next_r, mut next_c) = (0, 0, 0);
    let mut s = || {
        let mut round = runs[next_s].borrow_mut();
        next_s += 1;
        let cpu = process_cpu_time();
        let expected = round.work.sequential();
        round.sequential_cpu = process_cpu_time().saturating_sub(cpu);
        round.expected = Some(expected);
    };
    let mut r = || {
        let mut round = runs[next_r].borrow_mut();
        next_r += 1;
        std::hint::black_box(round.for_reference.ideal_parallel(p));
        round.reference_stats = Some(round.reference_witness.stats());
    };
    let mut c = || {
        let mut round = runs[next_c].borrow_mut();
        next_c += 1;
        let cpu = process_cpu_time();
        let got = candidate(&round.watched);
        round.candidate_cpu = process_cpu_time().saturating_sub(cpu);
        round.stats = Some(round.witness.stats());
        round.got = Some(got);
    };
    let measured = interleaved(&mut [&mut s, &mut r, &mut c], rounds, CAP);
    let runs = runs.into_iter().map(|r| r.into_inner()).collect();
    (runs, measured)
}

/// Checks `candidate` on work made by `make`: `make(target)` builds fresh
/// work (new inputs every call) whose sequential run takes about `target`.
///
/// Every run's result is checked against the sequential result for that
/// run's own inputs, every run must run every item exactly once, and the
/// CPU the candidate used must be the CPU the work takes: so an answer kept
/// from an earlier run, a formula, or a token share of the work shown to
/// the witness while the rest is skipped, cannot pass.
pub(crate) fn check<W: CpuWork>(
    exercise: CpuExercise<'_>,
    make: impl Fn(Duration) -> W,
    candidate: impl Fn(&W) -> W::Output,
) -> Report {
    check_with(exercise, parallelism(), make, candidate)
}

/// [`check`] for a candidate asked to use `workers` threads: the structure
/// is then held to `workers`, not to the machine's cores, so a version that
/// takes its thread count from the machine instead shows.
pub(crate) fn check_with<W: CpuWork>(
    exercise: CpuExercise<'_>,
    workers: usize,
    make: impl Fn(Duration) -> W,
    candidate: impl Fn(&W) -> W::Output,
) -> Report {
    check_after(exercise, workers, &[], make, candidate)
}

/// [`check_with`] for a candidate the check has already run on other
/// inputs: `earlier` holds those runs' right answers, so that one of them
/// given again is named as an answer kept from an earlier run.
///
/// A report that earns points also carries the candidate's answer to the
/// checker's challenge for this run, for the checker to verify outside this
/// process ([`crate::challenge`]).
pub(crate) fn check_after<W: CpuWork>(
    exercise: CpuExercise<'_>,
    workers: usize,
    earlier: &[W::Output],
    make: impl Fn(Duration) -> W,
    candidate: impl Fn(&W) -> W::Output,
) -> Report {
    let mut report = judge(exercise, workers, earlier, make, &candidate);
    if report.verdict().earns_points() {
        report.challenge_answer = crate::harness::challenge()
            .and_then(|seed| crate::challenge::answer::<W>(seed, &candidate));
    }
    report
}

/// [`check_after`]'s verdict.
fn judge<W: CpuWork>(
    exercise: CpuExercise<'_>,
    workers: usize,
    earlier: &[W::Output],
    make: impl Fn(Duration) -> W,
    candidate: impl Fn(&W) -> W::Output,
) -> Report {
    let report = Report::new(exercise.name);
    let p = parallelism();

    // Warm up at a tenth of the size: threads started, caches filled.
    let warm = make(BASELINE / 10);
    let warm_answer = warm.sequential();
    warm.ideal_parallel(p);
    candidate(&warm.watched(&InFlightWitness::new()));

    // One unmeasured run first, so that a wrong answer is told at once.
    let first = Round::new(make(BASELINE));
    let expected = first.work.sequential();
    let got = candidate(&first.watched);
    if got != expected {
        let (line, cause) = first.work.mismatch(&got, &expected);
        let cause = if got == warm_answer || earlier.contains(&got) {
            KEPT.to_owned()
        } else {
            cause
        };
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    let first_items = WorkDone {
        required: first.work.items(),
        ran: first.witness.stats().items,
        cpu: None,
    };
    if let WorkGrade::Missing { .. } | WorkGrade::Repeated { .. } =
        judge_work(&[first_items], None, p)
    {
        let (evidence, cause) = work_evidence(&[first_items], None, p, first.work.item_name());
        let report = report.with(Evidence::pass(
            "correct",
            format!("{}, the same as one core", first.work.describe(&expected)),
        ));
        return report.with(evidence).diagnose(cause.unwrap_or_default());
    }

    let (mut runs, mut measured) = measure_rounds(&make, ROUNDS, p, &candidate);
    // Too slow is a verdict against the learner: before giving it, measure
    // as many rounds again and keep the fastest of all, so that a moment
    // when another program took a core cannot decide it.
    if grade_speed(&sample_of(&measured)) == SpeedGrade::TooSlow {
        let (more, again) = measure_rounds(&make, ROUNDS, p, &candidate);
        runs.extend(more);
        for (times, more) in measured.times.iter_mut().zip(again.times) {
            times.extend(more);
        }
        measured.capped |= again.capped;
    }
    // A capped measurement leaves rounds that never ran: judge those that did.
    runs.retain(|r| r.expected.is_some() && r.got.is_some());

    let item = first.work.item_name();
    let answers: Vec<_> = runs
        .iter()
        .map(|r| (r.got.as_ref(), r.expected.as_ref()))
        .collect();
    let before: Vec<&W::Output> = [&warm_answer, &expected]
        .into_iter()
        .chain(earlier)
        .collect();
    if let Some((n, earlier)) = first_wrong_run(&answers, &before) {
        let run = &runs[n];
        if let (Some(got), Some(want)) = (&run.got, &run.expected) {
            let (line, _) = run.work.mismatch(got, want);
            let cause = if earlier {
                KEPT
            } else {
                "The result changes from run to run: a race, or an answer kept from an earlier run. Combine the items' results without sharing a variable between threads, and compute every item every time."
            };
            return report
                .with(Evidence::fail(
                    "correct",
                    format!(
                        "right in the first run, then wrong in run {}: {line}",
                        n + 2
                    ),
                ))
                .diagnose(cause);
        }
    }
    let report = report.with(Evidence::pass(
        "correct",
        format!(
            "{}, the same as one core, in all {} runs on fresh inputs",
            first.work.describe(&expected),
            runs.len() + 1
        ),
    ));

    let sample = sample_of(&measured);
    let done: Vec<WorkDone> = std::iter::once(first_items)
        .chain(runs.iter().map(|r| WorkDone {
            required: r.work.items(),
            ran: r.stats.map_or(0, |s| s.items),
            cpu: Some((r.candidate_cpu, r.sequential_cpu)),
        }))
        .collect();
    let numbers = Measured {
        done,
        rounds: runs.iter().filter_map(|r| r.stats).collect(),
        reference_rounds: runs.iter().filter_map(|r| r.reference_stats).collect(),
        sample,
    };
    let report = judge_measured(
        report,
        &exercise,
        &numbers,
        workers,
        first.work.items(),
        p,
        item,
    );
    if report
        .evidence
        .iter()
        .any(|e| e.name == "work" && e.status == Status::Fail)
    {
        return report;
    }
    let mut report = report;
    report.chart = Some(time_chart(
        format!("the same work on {p} cores"),
        &[
            ("one core", sample.sequential),
            ("yours", sample.candidate),
            ("checker's parallel", sample.reference),
        ],
    ));
    report.timeline = runs.last().map(|r| {
        r.witness
            .timeline()
            .captioned("your version's last measured run, one row per thread")
    });
    report
}

/// What the measured rounds of a CPU check showed: the numbers its verdict
/// on work, structure and speed is decided from.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The work done in each run: the first (unmeasured) run's, then each
    /// measured run's.
    pub done: Vec<WorkDone>,
    /// The in-flight witness's numbers for each measured run.
    pub rounds: Vec<WitnessStats>,
    /// The same numbers for the checker's own parallel version's runs.
    pub reference_rounds: Vec<WitnessStats>,
    /// The fastest sequential, reference and candidate times.
    pub sample: SpeedSample,
}

/// Pure: adds to `report` the work, structure and speed evidence that
/// `measured` shows, for a candidate asked for `workers` threads on work of
/// `items` items (each called `item`) on a machine of `p` cores. Decided
/// from the numbers alone, so it is tested on recorded numbers here and on
/// simulated machines of 1 to 64 cores in `tests/simulated_machines.rs`.
pub fn judge_measured(
    mut report: Report,
    exercise: &CpuExercise<'_>,
    measured: &Measured,
    workers: usize,
    items: usize,
    p: usize,
    item: &str,
) -> Report {
    let sample = measured.sample;
    let (evidence, cause) = work_evidence(&measured.done, Some(&sample), p, item);
    report.push(evidence);
    if let Some(cause) = cause {
        return report.diagnose(cause);
    }
    let m = workers.min(items);
    // What the work can reach here: each run's busy time over its longest
    // item, and what the checker's own split reached in the same rounds.
    let mut reference_averages: Vec<f64> = measured
        .reference_rounds
        .iter()
        .map(|r| r.average_in_flight)
        .collect();
    let reference_average =
        (!reference_averages.is_empty()).then(|| median(&mut reference_averages));
    let mut reachable: Vec<f64> = measured
        .rounds
        .iter()
        .map(|r| measured::grade::reachable(r, m, reference_average))
        .collect();
    // What the items alone allow, and whether the checker's own split fell
    // well short of it: the machine was contended.
    let mut by_items: Vec<f64> = measured
        .rounds
        .iter()
        .map(|r| measured::grade::reachable(r, m, None))
        .collect();
    let contended = !by_items.is_empty()
        && reference_average.is_some_and(|a| {
            a * measured::grade::REFERENCE_MARGIN
                < measured::grade::CONTENDED * median(&mut by_items)
        });
    let need = StructureNeed {
        contended,
        average_fraction: exercise.average_fraction,
        reachable: if reachable.is_empty() {
            m as f64
        } else {
            median(&mut reachable)
        },
        ..StructureNeed::new(m)
    };
    let stats = typical(&measured.rounds);
    let structure = structure_numbers(&stats, need);
    if m <= 1 {
        // One worker asked for (a machine of one core, or one that lets
        // this program use one): one item at a time is all there can be.
        report.push(Evidence::inconclusive(
            "concurrent",
            format!("{structure}: with 1 worker, nothing can run side by side"),
        ));
        report.push(Evidence::inconclusive(
            "speed",
            format!(
                "can't be measured here: this machine lets the checker use 1 core, and a parallel speedup needs 2 (one thread ran {})",
                ms(sample.sequential)
            ),
        ));
        return report.diagnose(format!(
            "Could not be judged here: {}. Your answer is right; run the check on a machine with 2 or more cores to see it spread the work and its speedup.",
            crate::machine::ONE_CORE
        ));
    }
    let (evidence, cause) = structure_evidence(&stats, need);
    let concurrent = evidence.status == Status::Pass;
    let not_judged = evidence.status == Status::Inconclusive;
    report.push(evidence);
    if not_judged {
        return report.diagnose("Not judged right now: other programs kept this machine's cores busy, so neither how your work spreads nor its speed can be measured. Your result is right; close other programs and run the check again.");
    }
    if let Some(cause) = cause {
        let cause = if stats.high_water <= 1 {
            exercise.one_at_a_time.to_owned()
        } else if stats.high_water == p && p < m {
            format!(
                "At most {p} of {m} workers were ever busy together, as many as this machine has cores: is the number of threads taken from the machine (`available_parallelism`) instead of `workers`? Start exactly `workers` threads."
            )
        } else {
            cause
        };
        report = report.diagnose(cause);
    }
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
pub(crate) fn check_sum_of_squares(
    exercise: CpuExercise<'_>,
    total: impl Fn(&SumOfSquares) -> u64,
) -> Report {
    check(
        exercise,
        |target| SumOfSquares::sized(target, SQUARE_CHUNKS),
        total,
    )
}

/// The first measured run whose answer was wrong, and whether that answer
/// was the right answer to an earlier question: the warm-up's and the first
/// run's (`before`) or an earlier measured run's. `answers` holds each
/// run's (got, expected).
fn first_wrong_run<T: PartialEq>(
    answers: &[(Option<&T>, Option<&T>)],
    before: &[&T],
) -> Option<(usize, bool)> {
    answers.iter().enumerate().find_map(|(n, (got, want))| {
        let (got, want) = (got.as_ref()?, want.as_ref()?);
        (got != want).then(|| {
            let earlier =
                before.contains(got) || answers[..n].iter().any(|(_, w)| w.as_ref() == Some(got));
            (n, earlier)
        })
    })
}

/// The rounds' typical numbers: the highest high-water mark (a sequential
/// version never exceeds 1), the median average and the median share.
fn typical(rounds: &[WitnessStats]) -> WitnessStats {
    let mut averages: Vec<f64> = rounds.iter().map(|r| r.average_in_flight).collect();
    let mut shares: Vec<f64> = rounds.iter().map(|r| r.largest_share).collect();
    let mut busy: Vec<f64> = rounds.iter().map(|r| r.largest_busy_share).collect();
    let first = rounds[0];
    WitnessStats {
        high_water: rounds.iter().map(|r| r.high_water).max().unwrap_or(0),
        average_in_flight: median(&mut averages),
        largest_share: median(&mut shares),
        largest_busy_share: median(&mut busy),
        ..first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_run_is_found_and_told_apart_from_a_kept_answer() {
        let (warm, first, a, b, c) = (1, 2, 10, 20, 30);
        // Every run right.
        let right = [(Some(&a), Some(&a)), (Some(&b), Some(&b))];
        assert_eq!(first_wrong_run(&right, &[&warm, &first]), None);
        // Run 1 answers run 0's question: a kept answer.
        let kept = [(Some(&a), Some(&a)), (Some(&a), Some(&b))];
        assert_eq!(first_wrong_run(&kept, &[&warm, &first]), Some((1, true)));
        // Run 0 answers the first (unmeasured) run's question.
        let first_kept = [(Some(&first), Some(&a))];
        assert_eq!(
            first_wrong_run(&first_kept, &[&warm, &first]),
            Some((0, true))
        );
        // A new wrong number: a race, not a kept answer.
        let raced = [(Some(&a), Some(&a)), (Some(&c), Some(&b))];
        assert_eq!(first_wrong_run(&raced, &[&warm, &first]), Some((1, false)));
        // Runs a capped measurement never finished are not judged.
        let unfinished = [(None, Some(&a)), (Some(&b), None)];
        assert_eq!(first_wrong_run(&unfinished, &[&warm]), None);
    }

    fn stats(high_water: usize, average: f64, share: f64) -> WitnessStats {
        WitnessStats {
            items: 64,
            high_water,
            average_in_flight: average,
            largest_share: share,
            largest_busy_share: share,
            busy_share_from_cpu: false,
            threads: 2,
            span: Duration::from_millis(60),
            longest: Duration::from_millis(1),
        }
    }

    #[test]
    fn typical_takes_the_highest_peak_and_the_median_average_and_share() {
        let rounds = [
            stats(2, 1.9, 0.50),
            stats(1, 1.0, 1.00),
            stats(2, 1.8, 0.55),
        ];
        let t = typical(&rounds);
        assert_eq!(t.high_water, 2);
        assert_eq!(t.average_in_flight, 1.8);
        assert_eq!(t.largest_share, 0.55);
    }

    #[test]
    fn the_sum_of_squares_names_its_items_and_reports_a_wrong_total() {
        let squares = SumOfSquares::new(10, 3);
        assert_eq!(CpuWork::items(&squares), 3);
        assert_eq!(squares.item_name(), "chunk");
        assert_eq!(CpuWork::sequential(&squares), 285);
        assert_eq!(CpuWork::ideal_parallel(&squares, 2), 285);
        let (line, cause) = squares.mismatch(&284, &285);
        assert_eq!(line, "your result 284 differs from the sequential one, 285");
        assert!(cause.contains("exactly once"));
    }
}
