//! The rules of src/how_checks_work.md, "The order of evidence", turned into
//! evidence a learner can read: the structure line (with the likely cause
//! when it fails) and the speed line (pass, too slow, or inconclusive with
//! the reason and the structure it rests on instead). Pure functions of
//! measurements, tested without clocks; the CPU-bound exercises of later
//! chapters call them.

use measured::grade::{
    MIN_CEILING, SPEED_FRACTION, SpeedGrade, SpeedSample, StructureGrade, StructureNeed,
    grade_speed, grade_structure,
};
use measured::witness::WitnessStats;
use std::time::Duration;
use verdict::Evidence;

use crate::harness::ms;

/// Evidence and, when it fails, the likely cause.
pub type Graded = (Evidence, Option<String>);

/// One line of the structure numbers: `peak 2 of 2 workers, 1.96 in flight
/// on average, largest worker share 52% (50% of the busy time)`.
pub fn structure_numbers(stats: &WitnessStats, need: StructureNeed) -> String {
    format!(
        "peak {} of {} workers, {:.2} in flight on average, largest worker share {:.0}% ({:.0}% of the busy time)",
        stats.high_water,
        need.m,
        stats.average_in_flight,
        stats.largest_share * 100.0,
        stats.largest_busy_share * 100.0
    )
}

/// The `concurrent` evidence for CPU work watched by the in-flight witness.
pub fn structure_evidence(stats: &WitnessStats, need: StructureNeed) -> Graded {
    let line = structure_numbers(stats, need);
    if need.m <= 1 {
        // One worker asked for (a machine or container of one core): one
        // at a time is all there can be, right or wrong.
        return (
            Evidence::inconclusive(
                "concurrent",
                format!(
                    "{line}: not judged, with 1 worker nothing can run side by side; {}",
                    crate::machine::ONE_CORE
                ),
            ),
            None,
        );
    }
    match grade_structure(stats, need) {
        StructureGrade::Pass => (Evidence::pass("concurrent", line), None),
        StructureGrade::Contended { average } => (
            Evidence::inconclusive(
                "concurrent",
                format!(
                    "{line}: not judged, {average:.2} in flight on average is under the {:.2} needed, but other programs held cores meanwhile (the checker's own split fell short too) and your threads shared the CPU work evenly; close other programs and run again",
                    need.min_average()
                ),
            ),
            None,
        ),
        StructureGrade::NoSpareCapacity { reachable } => (
            Evidence::inconclusive(
                "concurrent",
                format!(
                    "{line}: not judged, this machine has no spare cores right now (even the checker's own split could keep only {reachable:.2} in flight), so how your work spreads cannot be told from how the machine ran it; close other programs and run again"
                ),
            ),
            None,
        ),
        StructureGrade::TooFewAtOnce { high_water: 1 } => (
            Evidence::fail("concurrent", line),
            Some("1 item in flight at a time: are you joining each thread right after spawning it, or holding one lock around all the work?".into()),
        ),
        StructureGrade::TooFewAtOnce { high_water } => (
            Evidence::fail("concurrent", line),
            Some(format!(
                "At most {high_water} of {} workers were ever busy together: start them all before waiting for any.",
                need.m
            )),
        ),
        StructureGrade::TooLittleOverlap { average } => (
            Evidence::fail("concurrent", line),
            Some(format!(
                "The workers overlapped only {average:.2} on average (need {:.2}): one of them has most of the work, or they wait for each other.",
                need.min_average()
            )),
        ),
        StructureGrade::Imbalanced { share, busy_share } => (
            Evidence::fail("concurrent", line),
            Some(format!(
                "One thread did {:.0}% of the items and was busy {:.0}% of the time all threads were (at most {:.0}% for {} workers): it has most of the work. Split the work into more, smaller pieces, or let idle workers take the next piece.",
                share * 100.0,
                busy_share * 100.0,
                need.max_share() * 100.0,
                need.m
            )),
        ),
    }
}

/// The `speed` evidence, graded against the ceiling measured in the same
/// run; `structure` is what the verdict rests on when speed cannot be
/// measured, and `p` the number of threads the reference used.
pub fn speed_evidence(sample: &SpeedSample, p: usize, structure: &str) -> Graded {
    let numbers = format!(
        "{:.2}x faster than one thread; the checker's own parallel version {:.2}x ({} yours, {} its, {} one thread)",
        sample.speedup(),
        sample.ceiling(),
        ms(sample.candidate),
        ms(sample.reference),
        ms(sample.sequential)
    );
    match grade_speed(sample) {
        SpeedGrade::Pass => (Evidence::pass("speed", numbers), None),
        SpeedGrade::TooSlow => (
            Evidence::fail("speed", numbers),
            Some(format!(
                "Your version reached {:.0}% of the speed of the checker's own on this machine right now (need {:.0}%): is the work split evenly, and is anything shared that the threads wait for?",
                sample.relative() * 100.0,
                SPEED_FRACTION * 100.0
            )),
        ),
        SpeedGrade::NoSpareCores if p <= 1 => (
            Evidence::inconclusive(
                "speed",
                format!(
                    "can't be measured here: this machine lets the checker use 1 core, and a parallel speedup needs 2 or more (the checker's own parallel version ran {:.2}x the speed of one thread)",
                    sample.ceiling()
                ),
            ),
            Some(format!(
                "Graded on structure instead: {structure}: PASS (structure). But {}: run the check on a machine with 2 or more cores to see your speedup.",
                crate::machine::ONE_CORE
            )),
        ),
        SpeedGrade::NoSpareCores => (
            Evidence::inconclusive(
                "speed",
                format!(
                    "can't be measured right now: the checker's own parallel version ran only {:.2}x faster than one thread on {p} cores (need {MIN_CEILING}x), so another program is probably using the CPU",
                    sample.ceiling()
                ),
            ),
            Some(format!(
                "Graded on structure instead: {structure}: PASS (structure). Close other programs and run again to see your speedup."
            )),
        ),
        SpeedGrade::TooBusy => (
            Evidence::inconclusive(
                "speed",
                "can't be measured right now: measuring ran past its time cap, so the machine is too busy",
            ),
            Some(format!(
                "Graded on structure instead: {structure}: PASS (structure). Close other programs and run again to see your speedup."
            )),
        ),
    }
}

/// What one run of a candidate did of the work its inputs required.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WorkDone {
    /// Items the inputs required (each exactly once).
    pub required: usize,
    /// Item runs the witness saw.
    pub ran: usize,
    /// The CPU time the candidate used and the sequential version used on
    /// the same inputs, when measured.
    pub cpu: Option<(Duration, Duration)>,
}

/// Below this fraction of the sequential version's CPU time, the work was
/// not all done: doing the same work on more threads costs at least as much
/// CPU (a slower core or a shared one only adds).
pub const MIN_CPU_FRACTION: f64 = 0.5;
/// Faster than the checker's perfectly parallel version by more than this,
/// and faster than one thread by more than this many times the cores, is
/// faster than the work allows.
pub const MAX_FASTER: f64 = 1.25;

/// Whether the candidate did the work the inputs required.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WorkGrade {
    /// Every item once, every run, at the CPU the work costs.
    Pass,
    /// Run `run` (0 is the first) ran fewer items than required.
    Missing {
        /// Which run.
        run: usize,
        /// Item runs seen.
        ran: usize,
        /// Items required.
        required: usize,
    },
    /// Run `run` ran some items more than once.
    Repeated {
        /// Which run.
        run: usize,
        /// Item runs seen.
        ran: usize,
        /// Items required.
        required: usize,
    },
    /// The candidate used a fraction of the CPU time the work takes.
    LittleCpu {
        /// Its most CPU over the sequential version's least.
        fraction: f64,
    },
    /// Faster than the work allows on this machine.
    FasterThanPossible {
        /// Its speed relative to the checker's parallel version.
        relative: f64,
        /// Its speedup over one thread.
        speedup: f64,
    },
}

/// Judges the work done: every run must run exactly the items required; the
/// candidate's CPU time must be at least [`MIN_CPU_FRACTION`] of the
/// sequential version's (its most against the sequential's least, so a
/// slow core or a busy moment can only help it); and it must not be both
/// more than [`MAX_FASTER`] times as fast as the checker's perfectly
/// parallel version and more than [`MAX_FASTER`] x `p` times as fast as one
/// thread, which no version that does the work can be.
pub fn judge_work(runs: &[WorkDone], sample: Option<&SpeedSample>, p: usize) -> WorkGrade {
    for (run, done) in runs.iter().enumerate() {
        let (ran, required) = (done.ran, done.required);
        if ran < required {
            return WorkGrade::Missing { run, ran, required };
        }
        if ran > required {
            return WorkGrade::Repeated { run, ran, required };
        }
    }
    let most_cpu = runs.iter().filter_map(|r| r.cpu.map(|c| c.0)).max();
    let least_sequential = runs.iter().filter_map(|r| r.cpu.map(|c| c.1)).min();
    if let (Some(most), Some(least)) = (most_cpu, least_sequential) {
        // Below a millisecond of sequential CPU, the clock's grain decides.
        if least >= Duration::from_millis(1) {
            let fraction = most.as_secs_f64() / least.as_secs_f64();
            if fraction < MIN_CPU_FRACTION {
                return WorkGrade::LittleCpu { fraction };
            }
        }
    }
    if let Some(sample) = sample.filter(|s| !s.capped) {
        let (relative, speedup) = (sample.relative(), sample.speedup());
        if relative > MAX_FASTER && speedup > MAX_FASTER * p.max(1) as f64 {
            return WorkGrade::FasterThanPossible { relative, speedup };
        }
    }
    WorkGrade::Pass
}

/// The `work` evidence: every item ran once in every run, at the CPU the
/// work costs. `item` names one item ("chunk").
pub fn work_evidence(
    runs: &[WorkDone],
    sample: Option<&SpeedSample>,
    p: usize,
    item: &str,
) -> Graded {
    let required = runs.first().map_or(0, |r| r.required);
    let cpu = |f: fn(&(Duration, Duration)) -> Duration| {
        runs.iter().filter_map(|r| r.cpu.as_ref().map(f)).min()
    };
    match judge_work(runs, sample, p) {
        WorkGrade::Pass => {
            let mut line = format!(
                "every {item} ran exactly once in each of {} runs ({required} {item}s a run)",
                runs.len()
            );
            if let (Some(yours), Some(one)) = (cpu(|c| c.0), cpu(|c| c.1)) {
                line.push_str(&format!(
                    ", using {} of CPU against {} on one core",
                    ms(yours),
                    ms(one)
                ));
            }
            (Evidence::pass("work", line), None)
        }
        WorkGrade::Missing { run, ran, required } => (
            Evidence::fail(
                "work",
                format!("only {ran} of {required} {item}s ran in run {}", run + 1),
            ),
            Some(format!(
                "Every {item} must be computed, in every run: each run's inputs are new, so a result kept from an earlier run, a formula or a table cannot stand in for the work, and showing the checker a few {item}s while the answer comes from elsewhere is not the work."
            )),
        ),
        WorkGrade::Repeated { run, ran, required } => (
            Evidence::fail(
                "work",
                format!("{ran} {item} runs for {required} {item}s in run {}", run + 1),
            ),
            Some(format!(
                "Some {item}s ran more than once: give each {item} to exactly one worker (a range split that overlaps, or a loop that starts every worker at 0?)."
            )),
        ),
        WorkGrade::LittleCpu { fraction } => (
            Evidence::fail(
                "work",
                format!(
                    "your version used {:.0}% of the CPU time the work takes on one core",
                    fraction * 100.0
                ),
            ),
            Some(
                "Doing the work on several threads costs at least as much CPU as on one: the answer came from somewhere that did not do the work. Compute every item, every time.".into(),
            ),
        ),
        WorkGrade::FasterThanPossible { relative, speedup } => (
            Evidence::fail(
                "work",
                format!(
                    "{speedup:.1}x faster than one thread on {p} cores, {relative:.1}x faster than the checker's perfectly parallel version"
                ),
            ),
            Some(
                "Faster than the work allows: with every item computed, no version can beat the checker's perfectly parallel one by this much. The work was skipped somewhere: compute every item, every time.".into(),
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::Status;

    fn stats(high_water: usize, average: f64, share: f64) -> WitnessStats {
        WitnessStats {
            items: 16,
            high_water,
            average_in_flight: average,
            largest_share: share,
            largest_busy_share: share,
            busy_share_from_cpu: false,
            threads: high_water,
            span: Duration::from_millis(100),
            longest: Duration::from_millis(1),
        }
    }

    fn sample(s: u64, r: u64, c: u64) -> SpeedSample {
        SpeedSample {
            sequential: Duration::from_millis(s),
            reference: Duration::from_millis(r),
            candidate: Duration::from_millis(c),
            capped: false,
        }
    }

    const TWO: StructureNeed = StructureNeed::new(2);

    #[test]
    fn a_sequential_loop_in_disguise_is_told_why() {
        let one = StructureNeed::new(1);
        let (evidence, cause) = structure_evidence(&stats(1, 1.0, 1.0), one);
        assert_eq!(
            evidence.status,
            verdict::Status::Inconclusive,
            "{evidence:?}"
        );
        assert!(cause.is_none());
        let (evidence, cause) = structure_evidence(&stats(1, 1.0, 0.5), TWO);
        assert_eq!(evidence.status, Status::Fail);
        assert_eq!(
            evidence.summary,
            "peak 1 of 2 workers, 1.00 in flight on average, largest worker share 50% (50% of the busy time)"
        );
        assert!(
            cause
                .unwrap()
                .contains("joining each thread right after spawning it")
        );
    }

    #[test]
    fn an_uneven_split_is_told_by_its_share() {
        let (evidence, cause) = structure_evidence(&stats(2, 1.6, 0.9), TWO);
        assert_eq!(evidence.status, Status::Fail);
        assert!(
            cause
                .unwrap()
                .starts_with("One thread did 90% of the items and was busy 90% of the time all threads were (at most 80%")
        );
        let (evidence, cause) = structure_evidence(&stats(2, 1.96, 0.5), TWO);
        assert_eq!(evidence.status, Status::Pass);
        assert_eq!(cause, None);
    }

    #[test]
    fn a_busy_machine_gives_inconclusive_with_the_structure_it_rests_on() {
        let structure = structure_numbers(&stats(2, 1.96, 0.5), TWO);
        let (evidence, cause) = speed_evidence(&sample(100, 97, 100), 2, &structure);
        assert_eq!(evidence.status, Status::Inconclusive);
        assert!(
            evidence
                .summary
                .contains("ran only 1.03x faster than one thread on 2 cores")
        );
        assert_eq!(
            cause.unwrap(),
            "Graded on structure instead: peak 2 of 2 workers, 1.96 in flight on average, largest worker share 50% (50% of the busy time): PASS (structure). Close other programs and run again to see your speedup."
        );
    }

    #[test]
    fn speed_passes_or_fails_against_the_same_run_ceiling() {
        let (evidence, _) = speed_evidence(&sample(100, 52, 55), 2, "");
        assert_eq!(evidence.status, Status::Pass);
        let (evidence, cause) = speed_evidence(&sample(100, 52, 90), 2, "");
        assert_eq!(evidence.status, Status::Fail);
        assert!(
            cause
                .unwrap()
                .starts_with("Your version reached 58% of the speed")
        );
        let mut capped = sample(100, 50, 50);
        capped.capped = true;
        assert_eq!(
            speed_evidence(&capped, 2, "").0.status,
            Status::Inconclusive
        );
    }

    #[test]
    fn one_core_is_named_as_one_core_not_as_a_busy_machine() {
        let (evidence, cause) = speed_evidence(&sample(100, 98, 99), 1, "peak 2 of 2");
        assert_eq!(evidence.status, Status::Inconclusive);
        assert!(evidence.summary.contains("lets the checker use 1 core"));
        assert!(!evidence.summary.contains("another program"));
        assert!(cause.unwrap().contains("2 or more cores"));
        let (evidence, _) = speed_evidence(&sample(100, 98, 99), 2, "peak 2 of 2");
        assert!(evidence.summary.contains("another program"));
    }

    fn done(required: usize, ran: usize, cpu_ms: Option<(u64, u64)>) -> WorkDone {
        WorkDone {
            required,
            ran,
            cpu: cpu_ms.map(|(c, s)| (Duration::from_millis(c), Duration::from_millis(s))),
        }
    }

    #[test]
    fn every_item_once_in_every_run_passes() {
        let runs = [done(64, 64, None), done(64, 64, Some((210, 200)))];
        assert_eq!(
            judge_work(&runs, Some(&sample(100, 52, 55)), 2),
            WorkGrade::Pass
        );
        let (evidence, cause) = work_evidence(&runs, None, 2, "chunk");
        assert_eq!(evidence.status, Status::Pass);
        assert_eq!(
            evidence.summary,
            "every chunk ran exactly once in each of 2 runs (64 chunks a run), using 210 ms of CPU against 200 ms on one core"
        );
        assert_eq!(cause, None);
    }

    #[test]
    fn one_item_short_or_over_in_any_run_fails() {
        let short = [done(64, 64, None), done(64, 64, None), done(64, 63, None)];
        assert_eq!(
            judge_work(&short, None, 2),
            WorkGrade::Missing {
                run: 2,
                ran: 63,
                required: 64
            }
        );
        let (evidence, cause) = work_evidence(&short, None, 2, "row");
        assert_eq!(evidence.summary, "only 63 of 64 rows ran in run 3");
        assert!(cause.unwrap().contains("a result kept from an earlier run"));
        let over = [done(64, 65, None)];
        assert_eq!(
            judge_work(&over, None, 2),
            WorkGrade::Repeated {
                run: 0,
                ran: 65,
                required: 64
            }
        );
        // A run that skipped everything, as a cache after round one does.
        assert!(matches!(
            judge_work(&[done(64, 64, None), done(64, 0, None)], None, 2),
            WorkGrade::Missing { run: 1, ran: 0, .. }
        ));
    }

    #[test]
    fn cpu_below_half_of_one_core_s_fails_and_at_half_passes() {
        // The candidate's most against the sequential's least.
        let at = [done(8, 8, Some((50, 100))), done(8, 8, Some((40, 120)))];
        assert_eq!(judge_work(&at, None, 2), WorkGrade::Pass);
        let below = [done(8, 8, Some((49, 100))), done(8, 8, Some((30, 120)))];
        assert!(matches!(
            judge_work(&below, None, 2),
            WorkGrade::LittleCpu { fraction } if (fraction - 0.49).abs() < 1e-9
        ));
        // Sequential CPU under a millisecond: the clock's grain, no verdict.
        let tiny = [done(8, 8, Some((0, 0)))];
        assert_eq!(judge_work(&tiny, None, 2), WorkGrade::Pass);
    }

    #[test]
    fn faster_than_possible_needs_both_margins() {
        let runs = [done(8, 8, None)];
        // 2.6x over one thread on 2 cores and 1.3x over the reference.
        let impossible = sample(260, 130, 100);
        assert!(matches!(
            judge_work(&runs, Some(&impossible), 2),
            WorkGrade::FasterThanPossible { .. }
        ));
        // Exactly at 1.25x the reference and 2.5x one thread: allowed.
        assert_eq!(
            judge_work(&runs, Some(&sample(250, 125, 100)), 2),
            WorkGrade::Pass
        );
        // Far faster than a slow reference, but not beyond the cores: a
        // busy moment spoiled the reference's rounds, not skipped work.
        assert_eq!(
            judge_work(&runs, Some(&sample(200, 190, 100)), 2),
            WorkGrade::Pass
        );
        // A cache after round one: 190,000x.
        assert!(matches!(
            judge_work(&runs, Some(&sample(100, 52, 0)), 16),
            WorkGrade::FasterThanPossible { .. }
        ));
        // A capped measurement proves nothing either way.
        let mut capped = impossible;
        capped.capped = true;
        assert_eq!(judge_work(&runs, Some(&capped), 2), WorkGrade::Pass);
    }
}
