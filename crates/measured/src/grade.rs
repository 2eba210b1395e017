//! The grading rules of src/how_checks_work.md ("The order of evidence" and
//! "I/O-bound work needs no free cores") as pure functions of measurements: no
//! clocks here, so every rule is tested on synthetic numbers.

use std::time::Duration;

use crate::witness::WitnessStats;

/// Below this ceiling the machine has no spare parallel capacity right now.
pub const MIN_CEILING: f64 = 1.3;
/// The share of the ideal reference's speed a candidate must reach.
pub const SPEED_FRACTION: f64 = 0.7;
/// The average in flight must reach this fraction of the workers.
pub const AVERAGE_FRACTION: f64 = 0.7;
/// I/O work may take this much longer than its analytic ideal (speedup at
/// least 0.8 of ideal).
pub const IO_SLACK: f64 = 1.25;

/// The structure requirement for `m` workers:
/// `m = min(workers asked for or p, items)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StructureNeed {
    /// Workers that should be busy at once.
    pub m: usize,
    /// The time-averaged in-flight count needed, as a fraction of `m`.
    pub average_fraction: f64,
    /// The most in flight on average this work could reach on this
    /// machine, when less than `m`: a run lasts at least as long as its
    /// longest item, and where cores run at unequal speeds even the
    /// checker's own even split stays below `m` (see [`reachable`]).
    pub reachable: f64,
    /// Whether the checker's own split, in the same rounds, reached less
    /// than [`CONTENDED`] of what the items allow: other programs held
    /// cores, and how much a right answer overlaps then varies from round
    /// to round with them.
    pub contended: bool,
}

/// Below this fraction of what the items allow, the checker's own split's
/// average in flight says the machine was contended
/// ([`StructureNeed::contended`]). Measured here: quiet, the checker's own
/// Mandelbrot split reached 1.9 of 1.96; beside one hog, 1.34.
pub const CONTENDED: f64 = 0.9;

impl StructureNeed {
    /// The standard need for `m` workers (src/how_checks_work.md,
    /// "2. Concurrent: the in-flight witness"): average at least 0.7 m.
    pub const fn new(m: usize) -> Self {
        StructureNeed {
            m,
            average_fraction: AVERAGE_FRACTION,
            reachable: m as f64,
            contended: false,
        }
    }

    /// The largest share of items (and of busy time) one thread may run:
    /// 1.6 / m, capped at 0.8 for m = 2 and 1.0 for m = 1; where the work
    /// can reach fewer than m in flight (`reachable`), 1.6 over that, since
    /// a thread busy the whole run has 1 / (the average in flight) of the
    /// busy time.
    pub fn max_share(self) -> f64 {
        match self.m {
            0 | 1 => 1.0,
            m => (1.6 / (m as f64).min(self.reachable).max(1.0)).min(0.8),
        }
    }

    /// The time-averaged in-flight count needed: the fraction of `m`, or
    /// of what the work can reach here when that is less.
    pub fn min_average(self) -> f64 {
        self.average_fraction * (self.m as f64).min(self.reachable)
    }
}

/// How much the checker's own even split may fall short of what a
/// candidate is held to: a candidate needs `AVERAGE_FRACTION` of at most
/// this many times the reference's own average in flight.
pub const REFERENCE_MARGIN: f64 = 1.2;

/// The average in flight a right schedule of `m` workers is sure to
/// reach on a run: m / (1 + 2m x longest / busy). That is Graham's bound
/// (a schedule that never leaves a worker idle while items wait ends by
/// busy / m + longest, with the items' times as measured, on cores of any
/// speed) with room for work stealing, which leaves up to two items in
/// one worker's hands when the others run out (rayon splits no further).
/// So coarse items (a few each on many cores) ask for less; and,
/// given the checker's own even split's average in flight in the same run,
/// no more than [`REFERENCE_MARGIN`] times that (where cores run at
/// unequal speeds, or one is shared, even a perfect static split waits for
/// its slowest thread).
pub fn reachable(stats: &WitnessStats, m: usize, reference_average: Option<f64>) -> f64 {
    let m = m.max(1) as f64;
    let busy = stats.average_in_flight * stats.span.as_secs_f64();
    let by_items = if busy <= 0.0 {
        m
    } else {
        m / (1.0 + 2.0 * m * stats.longest.as_secs_f64() / busy)
    };
    let by_reference = reference_average.map_or(f64::INFINITY, |a| a * REFERENCE_MARGIN);
    by_items.min(by_reference)
}

/// How a run's structure measured up.
#[derive(Debug, Clone, PartialEq)]
pub enum StructureGrade {
    /// Enough in flight, long enough, spread across threads.
    Pass,
    /// Never more than `high_water` items at once.
    TooFewAtOnce {
        /// The most at once.
        high_water: usize,
    },
    /// Enough at once for a moment, but not on average.
    TooLittleOverlap {
        /// The average in flight.
        average: f64,
    },
    /// One thread did most of the work: the most items and the most
    /// busy time.
    Imbalanced {
        /// Its share of the items.
        share: f64,
        /// The busiest thread's share of the busy time.
        busy_share: f64,
    },
    /// The machine had no spare parallel capacity: even the checker's own
    /// split kept fewer than [`MIN_REACHABLE`] items in flight on average,
    /// so how the work overlaps and spreads cannot be told from how the
    /// machine ran it (on such a machine a work-stealing pool rightly lets
    /// the one thread that runs take nearly everything).
    NoSpareCapacity {
        /// What the work could reach here.
        reachable: f64,
    },
    /// Too little overlap, on a contended machine ([`StructureNeed::
    /// contended`]), by an answer whose threads shared the CPU work
    /// evenly: a right answer beside one hog kept 1.02 in flight where the
    /// checker's own split had kept 1.34 (need 1.13), with 51% of the CPU
    /// on its busiest thread. Not judged.
    Contended {
        /// The average in flight.
        average: f64,
    },
}

/// Below this average in flight reachable on this machine, where two or
/// more workers are asked for, structure is not judged
/// ([`StructureGrade::NoSpareCapacity`]). Measured here, beside two
/// one-core hogs on 2 vCPUs the checker's own even split kept about 1.0 in
/// flight (reachable 1.2), and a split of two halves of unequal cost then
/// met every other rule.
pub const MIN_REACHABLE: f64 = 1.4;

/// Grades the witness's numbers (already the median over rounds) against
/// the need. A thread is imbalanced only when it has more than its share
/// of both the items and the busy time.
pub fn grade_structure(stats: &WitnessStats, need: StructureNeed) -> StructureGrade {
    if need.m >= 2 && need.reachable < MIN_REACHABLE {
        StructureGrade::NoSpareCapacity {
            reachable: need.reachable,
        }
    } else if stats.high_water < need.m {
        StructureGrade::TooFewAtOnce {
            high_water: stats.high_water,
        }
    } else if stats.busy_share_from_cpu && stats.largest_busy_share > need.max_share() + 1e-9 {
        // A share of CPU time: no program but the answer's own split can
        // raise it, so it speaks alone (a two-halves split of the
        // Mandelbrot rows has 50% of the rows and 91% of the CPU).
        StructureGrade::Imbalanced {
            share: stats.largest_share,
            busy_share: stats.largest_busy_share,
        }
    } else if stats.average_in_flight < need.min_average() {
        if need.contended && stats.busy_share_from_cpu {
            StructureGrade::Contended {
                average: stats.average_in_flight,
            }
        } else {
            StructureGrade::TooLittleOverlap {
                average: stats.average_in_flight,
            }
        }
    } else if stats.largest_share > need.max_share() + 1e-9
        && stats.largest_busy_share > need.max_share() + 1e-9
    {
        // Both: where items cost unevenly, work stealing hands one thread
        // many cheap items (a large share of the items, up to 47% at 4
        // threads over Mandelbrot rows), but every thread is busy to the
        // end, so no thread has much more than its share of the time.
        StructureGrade::Imbalanced {
            share: stats.largest_share,
            busy_share: stats.largest_busy_share,
        }
    } else {
        StructureGrade::Pass
    }
}

/// The fastest time of each variant over interleaved rounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpeedSample {
    /// The sequential baseline S.
    pub sequential: Duration,
    /// The harness's ideal parallel reference R.
    pub reference: Duration,
    /// The learner's candidate C.
    pub candidate: Duration,
    /// Whether the measurement hit its time cap before all rounds ran.
    pub capped: bool,
}

impl SpeedSample {
    /// What the machine gives right now: min S / min R.
    pub fn ceiling(&self) -> f64 {
        ratio(self.sequential, self.reference)
    }

    /// The candidate's speedup over the baseline: min S / min C.
    pub fn speedup(&self) -> f64 {
        ratio(self.sequential, self.candidate)
    }

    /// The candidate's speed relative to the reference: min R / min C.
    pub fn relative(&self) -> f64 {
        ratio(self.reference, self.candidate)
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

/// The speed verdict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpeedGrade {
    /// At least [`SPEED_FRACTION`] of the reference's speed.
    Pass,
    /// Slower than that while the machine could show a speedup.
    TooSlow,
    /// The machine had no spare capacity (ceiling below [`MIN_CEILING`]).
    NoSpareCores,
    /// The measurement ran past its time cap: the machine is too busy.
    TooBusy,
}

/// The speed rule of src/how_checks_work.md,
/// "3. Fast, measured against this machine, right now": grade against the
/// ceiling measured in the same run, never against a fixed number.
pub fn grade_speed(sample: &SpeedSample) -> SpeedGrade {
    if sample.capped {
        SpeedGrade::TooBusy
    } else if sample.ceiling() < MIN_CEILING {
        SpeedGrade::NoSpareCores
    } else if sample.relative() >= SPEED_FRACTION {
        SpeedGrade::Pass
    } else {
        SpeedGrade::TooSlow
    }
}

/// The analytic ideal of I/O work: `ceil(items / workers)` waves of
/// `latency` each.
pub fn io_ideal(items: usize, workers: usize, latency: Duration) -> Duration {
    latency * items.div_ceil(workers.max(1)) as u32
}

/// Whether I/O work finished close enough to its ideal (speedup at least
/// 0.8 of ideal). I/O needs no free cores, so this threshold is fixed.
pub fn io_fast_enough(elapsed: Duration, ideal: Duration) -> bool {
    elapsed.as_secs_f64() <= ideal.as_secs_f64() * IO_SLACK
}

/// The median of some values (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> f64 {
    assert!(!values.is_empty(), "median of nothing");
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn sample(s: u64, r: u64, c: u64) -> SpeedSample {
        SpeedSample {
            sequential: ms(s),
            reference: ms(r),
            candidate: ms(c),
            capped: false,
        }
    }

    // The candidates of the table in src/how_checks_work.md,
    // "2. Concurrent: the in-flight witness", with their measured numbers.
    #[test]
    fn structure_separates_the_measured_candidates_at_m_2() {
        let need = StructureNeed::new(2);
        assert_eq!(need.max_share(), 0.8);
        let right_rayon = stats(2, 1.96, 0.67);
        let right_scope = stats(2, 1.92, 0.50);
        let spawn_join = stats(1, 1.00, 0.50);
        let one_worker = stats(1, 1.00, 1.00);
        let imbalanced = stats(2, 1.25, 0.90);
        let imbalanced_with_hog = stats(2, 1.60, 0.90);
        assert_eq!(grade_structure(&right_rayon, need), StructureGrade::Pass);
        assert_eq!(grade_structure(&right_scope, need), StructureGrade::Pass);
        assert_eq!(
            grade_structure(&spawn_join, need),
            StructureGrade::TooFewAtOnce { high_water: 1 }
        );
        assert_eq!(
            grade_structure(&one_worker, need),
            StructureGrade::TooFewAtOnce { high_water: 1 }
        );
        assert_eq!(
            grade_structure(&imbalanced, need),
            StructureGrade::TooLittleOverlap { average: 1.25 }
        );
        // Under a hog the average blurs; the share still catches it.
        assert_eq!(
            grade_structure(&imbalanced_with_hog, need),
            StructureGrade::Imbalanced {
                share: 0.90,
                busy_share: 0.90
            }
        );
    }

    /// Family 6 of issue 12: every threshold probed at its value and on
    /// both sides, for m = 2 and m = 8.
    #[test]
    fn every_structure_threshold_at_the_value_and_either_side() {
        for (m, share) in [(2, 0.8), (8, 0.2)] {
            let need = StructureNeed::new(m);
            let average = 0.7 * m as f64;
            // High-water: m passes, m - 1 fails.
            assert_eq!(
                grade_structure(&stats(m, average, share), need),
                StructureGrade::Pass
            );
            assert_eq!(
                grade_structure(&stats(m - 1, average, share), need),
                StructureGrade::TooFewAtOnce { high_water: m - 1 }
            );
            // Average: at 0.7 m passes, a hair below fails.
            assert_eq!(
                grade_structure(&stats(m, average - 1e-6, share), need),
                StructureGrade::TooLittleOverlap {
                    average: average - 1e-6
                }
            );
            // Share: at 1.6 / m (0.8 at m = 2) passes, a hair above fails.
            assert_eq!(
                grade_structure(&stats(m, average, share + 1e-6), need),
                StructureGrade::Imbalanced {
                    share: share + 1e-6,
                    busy_share: share + 1e-6
                }
            );
        }
    }

    #[test]
    fn the_average_needed_is_what_the_work_and_the_machine_can_reach() {
        // 8 workers, 400 ms of busy time (4.0 on average over 100 ms), the
        // longest item 25 ms: sure to reach 8 / (1 + 2 x 8 x 25 / 400) = 4,
        // so 0.7 x 4 = 2.8 is needed.
        let mut stats = stats(8, 4.0, 0.2);
        stats.longest = Duration::from_millis(25);
        assert!((reachable(&stats, 8, None) - 4.0).abs() < 1e-9);
        let need = StructureNeed {
            reachable: reachable(&stats, 8, None),
            ..StructureNeed::new(8)
        };
        assert!((need.min_average() - 2.8).abs() < 1e-9);
        // Fine items ask for nearly 0.7 m.
        stats.longest = Duration::from_micros(1);
        assert!(reachable(&stats, 8, None) > 7.99);
        // The checker's own split reached 5.0 on average: 1.2 x 5 = 6
        // bounds what is needed, 0.7 x 6 = 4.2.
        let need = StructureNeed {
            reachable: reachable(&stats, 8, Some(5.0)),
            ..StructureNeed::new(8)
        };
        assert!((need.min_average() - 4.2).abs() < 1e-9);
        // Never more than m.
        let need = StructureNeed {
            reachable: reachable(&stats, 8, Some(100.0)),
            ..StructureNeed::new(8)
        };
        assert!((need.min_average() - 0.7 * reachable(&stats, 8, None)).abs() < 1e-9);
        assert!(need.min_average() <= 5.6);
    }

    #[test]
    fn many_items_on_one_thread_are_imbalanced_only_with_most_of_the_time() {
        // 8 threads, limit 20%: one thread stole 30% of the items, cheap
        // ones, and had 13% of the busy time: balanced.
        let need = StructureNeed::new(8);
        let stealing = WitnessStats {
            largest_busy_share: 0.13,
            ..stats(8, 7.6, 0.30)
        };
        assert_eq!(grade_structure(&stealing, need), StructureGrade::Pass);
        // The busy share at the limit passes too; over it, imbalanced.
        let at = WitnessStats {
            largest_busy_share: 0.2,
            ..stats(8, 7.6, 0.30)
        };
        assert_eq!(grade_structure(&at, need), StructureGrade::Pass);
        let over = WitnessStats {
            largest_busy_share: 0.2 + 1e-6,
            ..stats(8, 7.6, 0.30)
        };
        assert!(matches!(
            grade_structure(&over, need),
            StructureGrade::Imbalanced { .. }
        ));
        // Most of the time but not most of the items (a few dear items on
        // one thread) is not imbalanced by this rule: the average catches
        // a thread that runs long alone.
        let dear = WitnessStats {
            largest_busy_share: 0.5,
            ..stats(8, 7.6, 0.125)
        };
        assert_eq!(grade_structure(&dear, need), StructureGrade::Pass);
    }

    #[test]
    fn every_speed_threshold_at_the_value_and_either_side() {
        // Ceiling exactly 1.3: graded; a hair below: no spare cores.
        assert_eq!(grade_speed(&sample(130, 100, 100)), SpeedGrade::Pass);
        assert_eq!(
            grade_speed(&sample(129, 100, 100)),
            SpeedGrade::NoSpareCores
        );
        // Relative speed exactly 0.7 passes; below it fails.
        assert_eq!(grade_speed(&sample(200, 70, 100)), SpeedGrade::Pass);
        assert_eq!(grade_speed(&sample(200, 70, 101)), SpeedGrade::TooSlow);
        // A zero-length run of the candidate is not a division by zero.
        assert_eq!(grade_speed(&sample(200, 70, 0)), SpeedGrade::Pass);
        // A zero-length reference (nothing to measure) reads as no ceiling
        // only when one thread took no time either.
        assert_eq!(grade_speed(&sample(0, 0, 0)), SpeedGrade::NoSpareCores);
    }

    #[test]
    fn max_share_follows_one_point_six_over_m() {
        assert_eq!(StructureNeed::new(1).max_share(), 1.0);
        assert!((StructureNeed::new(4).max_share() - 0.4).abs() < 1e-12);
        assert!((StructureNeed::new(8).min_average() - 5.6).abs() < 1e-12);
    }

    #[test]
    fn speed_passes_near_the_reference_and_fails_far_from_it() {
        // Quiet machine: ceiling 1.92.
        assert_eq!(grade_speed(&sample(100, 52, 53)), SpeedGrade::Pass);
        assert_eq!(grade_speed(&sample(100, 52, 74)), SpeedGrade::Pass);
        assert_eq!(grade_speed(&sample(100, 52, 101)), SpeedGrade::TooSlow);
        // The imbalanced candidate: 1.11x when the reference got 1.92x.
        assert_eq!(grade_speed(&sample(100, 52, 90)), SpeedGrade::TooSlow);
    }

    #[test]
    fn a_machine_without_spare_cores_makes_speed_inconclusive_not_failed() {
        // hog_hi: the ceiling was 1.03; a sequential candidate must not fail.
        assert_eq!(grade_speed(&sample(100, 97, 100)), SpeedGrade::NoSpareCores);
        assert_eq!(grade_speed(&sample(100, 78, 100)), SpeedGrade::NoSpareCores);
        let mut capped = sample(100, 50, 50);
        capped.capped = true;
        assert_eq!(grade_speed(&capped), SpeedGrade::TooBusy);
    }

    #[test]
    fn speedup_ceiling_and_relative_are_ratios_of_minimums() {
        let s = sample(100, 50, 80);
        assert!((s.ceiling() - 2.0).abs() < 1e-9);
        assert!((s.speedup() - 1.25).abs() < 1e-9);
        assert!((s.relative() - 0.625).abs() < 1e-9);
    }

    #[test]
    fn io_ideal_counts_waves() {
        assert_eq!(io_ideal(32, 8, ms(20)), ms(80));
        assert_eq!(io_ideal(33, 8, ms(20)), ms(100));
        assert_eq!(io_ideal(5, 0, ms(20)), ms(100));
        assert!(io_fast_enough(ms(100), ms(80)));
        assert!(!io_fast_enough(ms(101), ms(80)));
        // The one outlier of 8 threads in src/how_checks_work.md,
        // "I/O-bound work needs no free cores" (139 ms of an 80 ms ideal),
        // is why checks take the fastest of several rounds.
        assert!(!io_fast_enough(ms(139), ms(80)));
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
