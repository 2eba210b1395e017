//! The learner's file: not started.

/// The answer.
pub fn answer() -> u32 {
    // TODO: return the answer.
    todo!()
}
