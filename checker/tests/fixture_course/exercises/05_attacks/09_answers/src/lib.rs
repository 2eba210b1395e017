//! The learner's file: right on the inputs it expects to be tested on,
//! wrong on any other (here, the checker's challenge), as code would be
//! that recognised the check's inputs, or a report whose correctness line
//! was not earned by this code.

/// Three times `n`, or so it says.
pub fn triple(n: u64) -> u64 {
    n.wrapping_mul(2)
}
