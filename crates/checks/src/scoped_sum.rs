//! 04/03 scoped threads: the same sum split by hand with
//! `std::thread::scope`. Graded by the common CPU rules ([`crate::cpu`]).

use measured::squares::SumOfSquares;
use verdict::Report;

use crate::cpu::{CpuExercise, check_sum_of_squares};

/// The exercise's short name.
pub const NAME: &str = "scoped_sum";

/// Checks a `total` and writes the report.
pub fn main(total: impl Fn(&SumOfSquares) -> u64) {
    crate::main(NAME, || check(total));
}

/// Checks a `total`.
pub fn check(total: impl Fn(&SumOfSquares) -> u64) -> Report {
    let exercise = CpuExercise {
        name: NAME,
        one_at_a_time: "1 chunk in flight at a time: are you joining each thread right after spawning it? Spawn every thread inside the scope first, then join them.",
        average_fraction: measured::grade::AVERAGE_FRACTION,
    };
    check_sum_of_squares(exercise, total)
}
