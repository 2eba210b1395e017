//! 04/01 map-reduce with rayon: the sum of squares, chunk by chunk, on all
//! cores. Graded by the common CPU rules ([`crate::cpu`]).

use measured::squares::SumOfSquares;
use verdict::Report;

use crate::cpu::{CpuExercise, check_sum_of_squares};

/// The exercise's short name.
pub const NAME: &str = "map_reduce";

/// Checks a `total` and writes the report.
pub fn main(total: impl Fn(&SumOfSquares) -> u64) {
    crate::main(NAME, || check(total));
}

/// Checks a `total`.
pub fn check(total: impl Fn(&SumOfSquares) -> u64) -> Report {
    let exercise = CpuExercise {
        name: NAME,
        one_at_a_time: "1 chunk in flight at a time: is it `iter()` where `into_par_iter()` belongs, or a lock held around the work?",
        average_fraction: measured::grade::AVERAGE_FRACTION,
    };
    check_sum_of_squares(exercise, total)
}
