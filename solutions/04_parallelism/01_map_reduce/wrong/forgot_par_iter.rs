//! Wrong: rayon imported, but the iterator is still the ordinary one: the
//! result is right and every chunk runs on the calling thread.

#[allow(unused_imports)]
use rayon::prelude::*;

use measured::squares::SumOfSquares;

pub fn total(squares: &SumOfSquares) -> u64 {
    // Wrong: the ordinary iterator: right answer, one thread; rayon is imported
    (0..squares.chunks()).map(|i| squares.chunk(i)).sum()
}
