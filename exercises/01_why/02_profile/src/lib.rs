//! 01/02 profile: is a piece of work waiting or working?
//!
//! Measure how long `work` takes on the wall clock and how much CPU time the
//! process used meanwhile, then say what kind of work it is. Waiting (for a
//! disk, a network, a timer) costs wall time but almost no CPU time;
//! computing costs both.
//!
//! Read: src/01_why/02_profile.md in the book.
//! Check: cargo run -p checker -- run profile

use std::time::{Duration, Instant};

pub use measured::profile::{Kind, Profile};

/// What kind of work used `cpu` of CPU time in `wall` of wall time.
///
/// With `ratio = cpu / wall`: at least 0.7 is CPU-bound, at most 0.2 is
/// I/O-bound, anything between is mixed. Several threads computing at once
/// can make the ratio larger than 1: that is CPU-bound too.
pub fn classify(wall: Duration, cpu: Duration) -> Kind {
    // TODO: compute the ratio (as f64; a zero wall time is CPU-bound only if
    // there was CPU time) and compare it with the thresholds above.
    let _ = (wall, cpu);
    todo!()
}

/// Runs `work` once and measures it.
pub fn profile(work: impl FnOnce()) -> Profile {
    // Wall time: read `Instant::now()` before, and `elapsed()` after.
    let _start = Instant::now();
    // TODO: read the process's CPU time before and after the work, with
    // `measured::clock::process_cpu_time()`, and subtract.
    work();
    todo!()
}
