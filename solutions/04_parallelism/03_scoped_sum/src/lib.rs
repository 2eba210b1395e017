//! 04/03 scoped threads, solved: one thread per core, chunks dealt
//! round-robin so that every thread gets a fair share, all spawned before
//! any is joined.

use std::thread;

use measured::squares::SumOfSquares;

/// The sum of every chunk's result, computed on all cores.
pub fn total(squares: &SumOfSquares) -> u64 {
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t..squares.chunks())
                        .step_by(threads)
                        .map(|i| squares.chunk(i))
                        .sum::<u64>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
