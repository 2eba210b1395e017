//! Wrong: each thread is joined right after it is spawned, so the threads
//! run one after another.

use std::thread;

use measured::squares::SumOfSquares;

pub fn total(squares: &SumOfSquares) -> u64 {
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    thread::scope(|s| {
        let mut sum = 0;
        for t in 0..threads {
            let handle = s.spawn(move || {
                (t..squares.chunks())
                    .step_by(threads)
                    .map(|i| squares.chunk(i))
                    .sum::<u64>()
            });
            // Wrong: joined right after spawn: the threads run one after another
            sum += handle.join().unwrap();
        }
        sum
    })
}
