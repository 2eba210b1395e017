//! The learner's file: wrong by one.

/// The answer.
pub fn answer() -> u32 {
    41
}
