//! 04/01 map-reduce with rayon: the sum of squares on every core.
//!
//! `SumOfSquares` cuts the numbers into chunks; `squares.chunk(i)` computes
//! chunk `i` (it takes a while: it is CPU-bound work). The answer is the sum
//! of every chunk's result. Python's `Pool.map` over the chunks, then `sum`,
//! becomes a rayon parallel iterator: map each chunk, then reduce.
//!
//! Read: src/04_parallelism/01_map_reduce.md in the book.
//! Check: cargo run -p checker -- run map_reduce

use measured::squares::SumOfSquares;

/// The sum of every chunk's result, computed on all cores.
pub fn total(squares: &SumOfSquares) -> u64 {
    // One core at a time:
    //
    //     (0..squares.chunks()).map(|i| squares.chunk(i)).sum()
    //
    // TODO: the same on every core: `use rayon::prelude::*;` and turn the
    // range into a parallel iterator with `into_par_iter()`.
    let _ = squares;
    todo!()
}
