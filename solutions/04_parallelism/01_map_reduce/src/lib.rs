//! 04/01 map-reduce with rayon, solved: a parallel iterator over the chunk
//! numbers; rayon's work stealing keeps every core busy until the last chunk.

use measured::squares::SumOfSquares;
use rayon::prelude::*;

/// The sum of every chunk's result, computed on all cores.
pub fn total(squares: &SumOfSquares) -> u64 {
    (0..squares.chunks())
        .into_par_iter()
        .map(|i| squares.chunk(i))
        .sum()
}
