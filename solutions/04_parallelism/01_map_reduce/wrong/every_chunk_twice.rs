//! Family 2 (item counts that do not match the work): every chunk is computed twice, once to skip empty chunks and once for its value; the total is right, the work doubled, and on a busy machine the speed is "not measured", so only the count of chunk runs tells.

use measured::squares::SumOfSquares;
use rayon::prelude::*;

pub fn total(squares: &SumOfSquares) -> u64 {
    (0..squares.chunks())
        .into_par_iter()
        // Wrong: each chunk computed once to skip zeros and again for its value
        .filter(|&i| squares.chunk(i) != 0)
        .map(|i| squares.chunk(i))
        .sum()
}
