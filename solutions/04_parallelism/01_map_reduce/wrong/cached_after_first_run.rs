//! Family 1 (work skipped after the first round): the first calls sum the chunks on every core (the checker warms up on a smaller job first, so the total of the second call is the one kept); every later call hands back the kept total, after running two chunks per core so that the witness still sees the cores busy.

use std::sync::Mutex;

use measured::squares::SumOfSquares;
use rayon::prelude::*;

/// How many calls so far, and the total of the last one computed.
// Wrong: the second call's total kept across calls, handed back from then on
static KEPT: Mutex<(usize, u64)> = Mutex::new((0, 0));

pub fn total(squares: &SumOfSquares) -> u64 {
    let (calls, kept) = *KEPT.lock().unwrap();
    // Wrong: later calls run two chunks per core only for show
    if calls >= 2 {
        // Two chunks on every core, on threads of its own, for the witness.
        let cores = rayon::current_num_threads();
        std::thread::scope(|s| {
            for t in 0..cores {
                s.spawn(move || {
                    for i in (t..squares.chunks()).step_by(cores).take(2) {
                        squares.chunk(i);
                    }
                });
            }
        });
        return kept;
    }
    let sum = (0..squares.chunks())
        .into_par_iter()
        .map(|i| squares.chunk(i))
        .sum();
    *KEPT.lock().unwrap() = (calls + 1, sum);
    sum
}
