//! The learner's file: remembers everything, a mebibyte at a time, and
//! never forgets. Gently: it stops by itself after 2,048 MiB, so that a
//! checker without a memory limit cannot exhaust the machine.

/// Fills memory until an allocation fails (which aborts) or the cap is
/// reached; returns the MiB it holds.
pub fn remember_everything() -> usize {
    let cap: usize = 2_048;
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for i in 0..cap {
        // Written, not only reserved: the pages are really used.
        kept.push(vec![(i % 251) as u8 + 1; 1 << 20]);
    }
    std::hint::black_box(&kept);
    kept.len()
}
