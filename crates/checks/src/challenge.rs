//! The checker's own input, verified outside the learner's process.
//!
//! For each run the checker sends the check a random challenge with its
//! seal ([`verdict::channel`]). A check whose work can be made small and
//! the same in every process from a seed (`CpuWork::challenge` in `cpu`)
//! runs the learner's code once more on that work and puts the answer's
//! digest in the report. The checker then starts the same check binary with
//! `--expect <challenge>`: it computes the right answer with the checker's
//! own sequential version, and never calls the learner's code (nothing of
//! it runs before `main`: the source rules refuse the attributes that could
//! make it). A report that earns points with another answer, or none, is
//! not trusted: its correctness was not the learner's code's.
//!
//! The I/O checks have no answer to compute, but their requests can be
//! counted outside: run by the checker, their page URLs go through the
//! checker's relay (`measured::server::route_through`), and `--expect`
//! also prints [`served`]: the least traffic any run of the check makes
//! through the relay before it can pass. A report that earns points with
//! less behind it in the relay's count is not trusted either.

use measured::mandelbrot::Mandelbrot;
use measured::squares::SumOfSquares;

use crate::cpu::CpuWork;
use verdict::channel::Served;

/// The digest of the right answer to `seed` for `exercise`, or `None` for
/// an exercise without a challenge.
pub fn expected(exercise: &str, seed: u64) -> Option<String> {
    match exercise {
        crate::map_reduce::NAME | crate::scoped_sum::NAME => right::<SumOfSquares>(seed),
        crate::mandelbrot::NAME => right::<Mandelbrot>(seed),
        _ => None,
    }
}

/// The least traffic through the checker's relay that any run of
/// `exercise`'s check makes before it can pass, or `None` for an exercise
/// whose points do not rest on requests. Counted from the check's own
/// code: every request of every round a passing run must have made (the
/// checker's own requests on the way included, so that a report sent
/// before the learner's rounds are done has too few), and a peak the
/// relay's count cannot be below when the check's own count passed.
pub fn served(exercise: &str) -> Option<Served> {
    let count = |n: usize| n as u64;
    match exercise {
        // Every page once in each round, and a peak of exactly `WORKERS`
        // at the server in one of them.
        crate::download::NAME => Some(Served {
            requests: count(crate::download::ROUNDS * crate::download::PAGES),
            peak: count(crate::download::WORKERS),
        }),
        // Every page once on real sockets; passing speed needs overlap.
        crate::gather::NAME => Some(Served {
            requests: count(crate::gather::PAGES),
            peak: 2,
        }),
        crate::bounded::NAME => Some(Served {
            requests: count(crate::bounded::PAGES),
            peak: 2,
        }),
        // In each round the checker fetches every page itself, crawls them
        // itself, then your crawl fetches each once.
        crate::crawler::NAME => Some(Served {
            requests: count(3 * crate::crawler::ROUNDS * crate::crawler::PAGES),
            peak: 2,
        }),
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
