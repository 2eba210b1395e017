//! Family 7 (the learner's crate can reach the checker's own answers):
//! sequential, and `#[no_mangle]` replaces the C library's
//! `sched_getaffinity` in the whole check binary, so the checker's own
//! `available_parallelism()` says one core: one core expects no speedup and
//! no second item in flight, and one at a time looks perfect.

use measured::squares::SumOfSquares;

/// The sum of every chunk's result, one chunk after another.
pub fn total(squares: &SumOfSquares) -> u64 {
    // Wrong: sequential: one chunk after another on the calling thread
    (0..squares.chunks()).map(|i| squares.chunk(i)).sum()
}

/// Says that only CPU 0 is allowed, whoever asks.
///
/// # Safety
///
/// `mask` points to `size` writable bytes, as for the C function.
// Wrong: replaces libc's `sched_getaffinity` so the checker sees one core
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sched_getaffinity(_pid: i32, size: usize, mask: *mut u8) -> i32 {
    // SAFETY: the caller hands over `size` writable bytes at `mask`.
    unsafe {
        std::ptr::write_bytes(mask, 0, size);
        *mask = 1;
    }
    0
}
