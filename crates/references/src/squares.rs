//! The checker's own sums of squares (chapter 04): one chunk after another,
//! and chunks dealt evenly over p threads.

use measured::squares::SumOfSquares;

/// Every chunk, one after another, summed: the sequential reference.
pub fn sequential(squares: &SumOfSquares) -> u64 {
    (0..squares.chunks()).map(|i| squares.chunk(i)).sum()
}

/// The ideal parallel version: chunks dealt round-robin to `threads` threads.
pub fn ideal_parallel(squares: &SumOfSquares, threads: usize) -> u64 {
    crate::schedule::round_robin(squares.chunks(), threads, || (), |_, i| squares.chunk(i))
        .into_iter()
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use measured::witness::InFlightWitness;

    #[test]
    fn the_ideal_parallel_version_agrees() {
        let witness = InFlightWitness::new();
        let squares = SumOfSquares::new(100_000, 7).watched(&witness);
        assert_eq!(ideal_parallel(&squares, 2), sequential(&squares));
        assert_eq!(witness.stats().items, 14);
        // 0 + 1 + 4 + ... + 81 = 285
        assert_eq!(sequential(&SumOfSquares::new(10, 3)), 285);
    }
}
