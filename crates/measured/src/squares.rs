//! The source documents' CPU-bound example, the sum of squares, cut into
//! chunks whose every run reports to an in-flight witness. Chapter 04's
//! exercises sum the chunks, one core at a time and then on all of them.

use crate::witness::InFlightWitness;

/// Chunk results are sums of squares modulo this prime, so that adding up
/// every chunk's result never overflows a `u64`.
pub const MODULUS: u64 = 1_000_000_007;

/// The numbers `0..n` cut into `chunks` equal ranges; chunk `i`'s result is
/// the sum of the squares in its range, modulo [`MODULUS`].
#[derive(Debug, Clone)]
pub struct SumOfSquares {
    n: u64,
    chunks: usize,
    witness: InFlightWitness,
}

impl SumOfSquares {
    /// `0..n` in `chunks` chunks (at least one).
    pub fn new(n: u64, chunks: usize) -> Self {
        SumOfSquares {
            n,
            chunks: chunks.max(1),
            witness: InFlightWitness::new(),
        }
    }

    /// Sized so that the sequential sum takes about `target` on this
    /// machine when it is quiet (calibrated once per process).
    pub fn sized(target: std::time::Duration, chunks: usize) -> Self {
        static NANOS_PER_NUMBER: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
        let per = *NANOS_PER_NUMBER.get_or_init(|| {
            let probe = SumOfSquares::new(200_000, 1);
            let fastest = crate::kernel::fastest_of(3, || {
                std::hint::black_box(probe.chunk(0));
            });
            fastest.as_nanos() as f64 / 200_000.0
        });
        let n = (target.as_nanos() as f64 / per.max(0.01)) as u64;
        Self::new(n.max(chunks as u64), chunks)
    }

    /// How many chunks there are.
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// The numbers chunk `i` covers.
    pub fn range(&self, i: usize) -> std::ops::Range<u64> {
        let per = self.n.div_ceil(self.chunks as u64);
        let start = (per * i as u64).min(self.n);
        start..(start + per).min(self.n)
    }

    /// Computes chunk `i`: the sum of `k * k` over its range, modulo
    /// [`MODULUS`]. Safe to call from any thread.
    pub fn chunk(&self, i: usize) -> u64 {
        assert!(i < self.chunks, "chunk {i} of {}", self.chunks);
        let _in_flight = self.witness.enter();
        self.range(i)
            .fold(0, |sum, k| (sum + (k * k) % MODULUS) % MODULUS)
    }

    /// The witness every chunk reports to.
    pub fn witness(&self) -> &InFlightWitness {
        &self.witness
    }

    /// Every chunk, one after another, summed: the sequential reference.
    pub fn sequential(&self) -> u64 {
        (0..self.chunks).map(|i| self.chunk(i)).sum()
    }

    /// The harness's ideal parallel version: chunks dealt round-robin to
    /// `threads` scoped threads.
    pub fn ideal_parallel(&self, threads: usize) -> u64 {
        crate::kernel::round_robin(self.chunks, threads, || (), |_, i| self.chunk(i))
            .into_iter()
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_range_once() {
        let squares = SumOfSquares::new(10, 3);
        let covered: Vec<u64> = (0..3).flat_map(|i| squares.range(i)).collect();
        assert_eq!(covered, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn small_sums_are_plain_sums_of_squares() {
        // 0 + 1 + 4 + ... + 81 = 285
        assert_eq!(SumOfSquares::new(10, 3).sequential(), 285);
        assert_eq!(SumOfSquares::new(10, 1).chunk(0), 285);
    }

    #[test]
    fn the_ideal_parallel_version_agrees() {
        let squares = SumOfSquares::new(100_000, 7);
        assert_eq!(squares.ideal_parallel(2), squares.sequential());
        assert_eq!(squares.witness().stats().items, 14);
    }
}
