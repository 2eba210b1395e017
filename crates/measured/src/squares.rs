//! The source documents' CPU-bound example, the sum of squares, cut into
//! chunks whose every run reports to an in-flight witness. Chapter 04's
//! exercises sum the chunks, one core at a time and then on all of them.

use crate::witness::InFlightWitness;

/// Chunk results are sums of squares modulo this prime, so that adding up
/// every chunk's result never overflows a `u64`.
pub const MODULUS: u64 = 1_000_000_007;

/// `n` consecutive numbers cut into `chunks` equal ranges; chunk `i`'s
/// result is the sum of the squares in its range, modulo [`MODULUS`].
///
/// The numbers start at a secret offset that [`SumOfSquares::sized`] draws
/// at random each time: every run asks a new question, so an answer kept
/// from an earlier run, a formula or a table of known answers is wrong, and
/// the only way to the answer is to compute every chunk.
///
/// A learner's code gets the chunks and nothing else: no sequential or
/// parallel answer of the checker's, and no way to the check's witness.
///
/// ```
/// let squares = measured::squares::SumOfSquares::new(10, 2);
/// assert_eq!(squares.chunk(0) + squares.chunk(1), 285);
/// ```
///
/// ```compile_fail
/// let squares = measured::squares::SumOfSquares::new(10, 2);
/// squares.sequential();
/// ```
///
/// ```compile_fail
/// let squares = measured::squares::SumOfSquares::new(10, 2);
/// squares.ideal_parallel(2);
/// ```
///
/// ```compile_fail
/// let squares = measured::squares::SumOfSquares::new(10, 2);
/// squares.witness().enter();
/// ```
///
/// ```compile_fail
/// let squares = measured::squares::SumOfSquares::new(10, 2);
/// squares.range(0);
/// ```
#[derive(Clone)]
pub struct SumOfSquares {
    start: u64,
    n: u64,
    chunks: usize,
    witness: InFlightWitness,
}

/// Shows the size of the work, never where it starts: that is the secret
/// that makes each run's answer new.
impl std::fmt::Debug for SumOfSquares {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SumOfSquares")
            .field("chunks", &self.chunks)
            .finish_non_exhaustive()
    }
}

impl SumOfSquares {
    /// The numbers `0..n` in `chunks` chunks (at least one).
    pub fn new(n: u64, chunks: usize) -> Self {
        SumOfSquares {
            start: 0,
            n,
            chunks: chunks.max(1),
            witness: InFlightWitness::new(),
        }
    }

    /// `n` numbers from an offset made from `seed`, in `chunks` chunks: the
    /// same numbers in every process given the same seed.
    pub fn seeded(seed: u64, n: u64, chunks: usize) -> Self {
        SumOfSquares {
            // Any start below 2^32 keeps `k * k` within a u64.
            start: seed % (1 << 31),
            ..Self::new(n, chunks)
        }
    }

    /// `n` numbers from a random offset, sized so that the sequential sum
    /// takes about `target` on this machine when it is quiet (calibrated
    /// once per process).
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
        SumOfSquares {
            // Any start below 2^32 keeps `k * k` within a u64.
            start: crate::salt::fresh() % (1 << 31),
            ..Self::new(n.max(chunks as u64), chunks)
        }
    }

    /// The same numbers, their chunks reporting to `witness`.
    pub fn watched(&self, witness: &InFlightWitness) -> Self {
        SumOfSquares {
            witness: witness.clone(),
            ..self.clone()
        }
    }

    /// How many chunks there are.
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// The numbers chunk `i` covers.
    fn range(&self, i: usize) -> std::ops::Range<u64> {
        let per = self.n.div_ceil(self.chunks as u64);
        let start = (per * i as u64).min(self.n);
        self.start + start..self.start + (start + per).min(self.n)
    }

    /// Computes chunk `i`: the sum of `k * k` over its range, modulo
    /// [`MODULUS`]. Safe to call from any thread.
    pub fn chunk(&self, i: usize) -> u64 {
        assert!(i < self.chunks, "chunk {i} of {}", self.chunks);
        let _in_flight = self.witness.enter();
        self.range(i)
            .fold(0, |sum, k| (sum + (k * k) % MODULUS) % MODULUS)
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
        let squares = SumOfSquares::new(10, 3);
        assert_eq!((0..3).map(|i| squares.chunk(i)).sum::<u64>(), 285);
        assert_eq!(SumOfSquares::new(10, 1).chunk(0), 285);
    }

    #[test]
    fn sized_work_starts_somewhere_new_each_time() {
        let (a, b) = (
            SumOfSquares::sized(std::time::Duration::from_millis(1), 4),
            SumOfSquares::sized(std::time::Duration::from_millis(1), 4),
        );
        assert_eq!((a.n, a.chunks), (b.n, b.chunks));
        assert_ne!(a.start, b.start);
        assert_ne!(a.chunk(0), b.chunk(0));
    }

    #[test]
    fn debug_output_keeps_the_secret() {
        let squares = SumOfSquares::sized(std::time::Duration::from_millis(1), 4);
        let shown = format!("{squares:?}");
        assert_eq!(shown, "SumOfSquares { chunks: 4, .. }");
    }

    #[test]
    fn a_watched_copy_reports_to_its_witness_only() {
        let squares = SumOfSquares::new(1000, 4);
        let witness = InFlightWitness::new();
        let watched = squares.watched(&witness);
        assert_eq!(watched.chunk(1), squares.chunk(1));
        assert_eq!(witness.stats().items, 1);
    }
}
