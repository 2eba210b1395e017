//! Family 1 (work skipped after the first round): the threads sum the chunks in the first calls (the checker warms up on a smaller job first, so the second call's total is kept in a `static`); later calls start the threads again, each computing two chunks for show, and return the kept total.

use std::sync::Mutex;
use std::thread;

use measured::squares::SumOfSquares;

/// How many calls so far, and the total of the last one computed.
// Wrong: the second call's total kept across calls, handed back from then on
static KEPT: Mutex<(usize, u64)> = Mutex::new((0, 0));

pub fn total(squares: &SumOfSquares) -> u64 {
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    let (calls, kept) = *KEPT.lock().unwrap();
    let all = calls < 2;
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mine = (t..squares.chunks()).step_by(threads);
                    // Wrong: later calls compute two chunks per thread only for show
                    let mine = mine.take(if all { usize::MAX } else { 2 });
                    mine.map(|i| squares.chunk(i)).sum::<u64>()
                })
            })
            .collect();
        let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        if all {
            *KEPT.lock().unwrap() = (calls + 1, sum);
            sum
        } else {
            kept
        }
    })
}
