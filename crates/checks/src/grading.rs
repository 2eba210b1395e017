//! GRADING.md's rules turned into evidence a learner can read: the
//! structure line (with the likely cause when it fails) and the speed line
//! (pass, too slow, or inconclusive with the reason and the structure it
//! rests on instead). Pure functions of measurements, tested without clocks;
//! the CPU-bound exercises of later chapters call them.

use measured::grade::{
    MIN_CEILING, SPEED_FRACTION, SpeedGrade, SpeedSample, StructureGrade, StructureNeed,
    grade_speed, grade_structure,
};
use measured::witness::WitnessStats;
use verdict::Evidence;

use crate::harness::ms;

/// Evidence and, when it fails, the likely cause.
pub type Graded = (Evidence, Option<String>);

/// One line of the structure numbers: `peak 2 of 2 workers, 1.96 in flight
/// on average, largest worker share 50%`.
pub fn structure_numbers(stats: &WitnessStats, need: StructureNeed) -> String {
    format!(
        "peak {} of {} workers, {:.2} in flight on average, largest worker share {:.0}%",
        stats.high_water,
        need.m,
        stats.average_in_flight,
        stats.largest_share * 100.0
    )
}

/// The `concurrent` evidence for CPU work watched by the in-flight witness.
pub fn structure_evidence(stats: &WitnessStats, need: StructureNeed) -> Graded {
    let line = structure_numbers(stats, need);
    match grade_structure(stats, need) {
        StructureGrade::Pass => (Evidence::pass("concurrent", line), None),
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
        StructureGrade::Imbalanced { share } => (
            Evidence::fail("concurrent", line),
            Some(format!(
                "One thread did {:.0}% of the items (at most {:.0}% for {} workers): it has most of the work. Split the work into more, smaller pieces, or let idle workers take the next piece.",
                share * 100.0,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use verdict::Status;

    fn stats(high_water: usize, average: f64, share: f64) -> WitnessStats {
        WitnessStats {
            items: 16,
            high_water,
            average_in_flight: average,
            largest_share: share,
            threads: high_water,
            span: Duration::from_millis(100),
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
        let (evidence, cause) = structure_evidence(&stats(1, 1.0, 0.5), TWO);
        assert_eq!(evidence.status, Status::Fail);
        assert_eq!(
            evidence.summary,
            "peak 1 of 2 workers, 1.00 in flight on average, largest worker share 50%"
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
                .starts_with("One thread did 90% of the items (at most 80%")
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
            "Graded on structure instead: peak 2 of 2 workers, 1.96 in flight on average, largest worker share 50%: PASS (structure). Close other programs and run again to see your speedup."
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
}
