//! Wrong: two threads, but the split point is taken at 90% of the chunks
//! (a length mistaken for a midpoint), so one thread does nine tenths of
//! the work while the other idles.

use std::thread;

use measured::squares::SumOfSquares;

pub fn total(squares: &SumOfSquares) -> u64 {
    // Wrong: split at 90%, a length taken for a midpoint: one thread does nine tenths
    let split = squares.chunks() * 9 / 10;
    thread::scope(|s| {
        let big = s.spawn(move || (0..split).map(|i| squares.chunk(i)).sum::<u64>());
        let small = s.spawn(move || {
            (split..squares.chunks())
                .map(|i| squares.chunk(i))
                .sum::<u64>()
        });
        big.join().unwrap() + small.join().unwrap()
    })
}
