//! Family 1 (work skipped after the first round): the first call sums the chunks on every core and keeps the total in a `static`; every later call hands back the kept total, after running one chunk per core so that the witness still sees the cores busy.

use std::sync::OnceLock;

use measured::squares::SumOfSquares;
use rayon::prelude::*;

static TOTAL: OnceLock<u64> = OnceLock::new();

pub fn total(squares: &SumOfSquares) -> u64 {
    if let Some(&kept) = TOTAL.get() {
        let cores = rayon::current_num_threads().min(squares.chunks());
        (0..cores).into_par_iter().for_each(|i| {
            squares.chunk(i);
        });
        return kept;
    }
    let sum = (0..squares.chunks())
        .into_par_iter()
        .map(|i| squares.chunk(i))
        .sum();
    *TOTAL.get_or_init(|| sum)
}
