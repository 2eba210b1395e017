//! The checker's own input, verified outside the learner's process.
//!
//! For each run the checker sends the check a random challenge with its
//! seal ([`verdict::channel`]). A check whose work can be made small and
//! the same in every process from a seed ([`crate::cpu::CpuWork::challenge`])
//! runs the learner's code once more on that work and puts the answer's
//! digest in the report. The checker then starts the same check binary with
//! `--expect <challenge>`: it computes the right answer with the checker's
//! own sequential version, and never calls the learner's code (nothing of
//! it runs before `main`: the source rules refuse the attributes that could
//! make it). A report that earns points with another answer, or none, is
//! not trusted: its correctness was not the learner's code's.

use measured::mandelbrot::Mandelbrot;
use measured::squares::SumOfSquares;

use crate::cpu::CpuWork;

/// The digest of the right answer to `seed` for `exercise`, or `None` for
/// an exercise without a challenge.
pub fn expected(exercise: &str, seed: u64) -> Option<String> {
    match exercise {
        crate::map_reduce::NAME | crate::scoped_sum::NAME => right::<SumOfSquares>(seed),
        crate::mandelbrot::NAME => right::<Mandelbrot>(seed),
        _ => None,
    }
}

/// The checker's own answer to `seed`'s work, digested.
fn right<W: CpuWork>(seed: u64) -> Option<String> {
    let work = W::challenge(seed)?;
    Some(W::digest(&work.sequential()))
}

/// `candidate`'s answer to `seed`'s work, digested.
pub(crate) fn answer<W: CpuWork>(seed: u64, candidate: impl Fn(&W) -> W::Output) -> Option<String> {
    let work = W::challenge(seed)?;
    let witness = measured::witness::InFlightWitness::new();
    Some(W::digest(&candidate(&work.watched(&witness))))
}

/// A digest of `bytes` (64-bit FNV-1a, with the length): the same in every
/// process and on every machine.
pub(crate) fn digest_bytes(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{}:{hash:016x}", bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_right_answer_to_the_challenge_is_the_expected_one_and_a_wrong_one_is_not() {
        let seed = 0x1234_5678_9abc_def0;
        let right_sum = |w: &SumOfSquares| references::squares::sequential(w);
        assert_eq!(
            answer::<SumOfSquares>(seed, right_sum),
            expected(crate::map_reduce::NAME, seed)
        );
        let off_by_one = |w: &SumOfSquares| references::squares::sequential(w) + 1;
        assert_ne!(
            answer::<SumOfSquares>(seed, off_by_one),
            expected(crate::scoped_sum::NAME, seed)
        );
        // Another seed, another answer.
        assert_ne!(
            expected("map_reduce", seed),
            expected("map_reduce", seed + 1)
        );

        let right_picture = |m: &Mandelbrot| references::mandelbrot::sequential(m);
        let want = expected(crate::mandelbrot::NAME, seed).unwrap();
        assert_eq!(answer::<Mandelbrot>(seed, right_picture).unwrap(), want);
        assert!(want.starts_with("7200:"), "{want}");
        assert_ne!(
            expected("mandelbrot", seed),
            expected("mandelbrot", seed ^ (1 << 60))
        );
        assert_eq!(expected("download", seed), None);
    }

    #[test]
    fn the_digest_sees_every_byte() {
        assert_ne!(digest_bytes(&[0, 1]), digest_bytes(&[1, 0]));
        assert_ne!(digest_bytes(&[]), digest_bytes(&[0]));
    }
}
