//! The learner's file: panics.

/// The answer.
pub fn answer() -> u32 {
    panic!("the answer is not ready")
}
