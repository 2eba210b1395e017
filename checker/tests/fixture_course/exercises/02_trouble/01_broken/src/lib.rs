//! The learner's file: does not compile.

/// The answer.
pub fn answer() -> u32 {
    "forty-two"
}
