//! Family 2 (witness theatre): the calling thread sums a copy of the work that reports to a witness of its own, while scoped threads each compute a couple of the real chunks, so that the checker's witness sees every core busy.

use std::thread;

use measured::squares::SumOfSquares;
use measured::witness::InFlightWitness;

pub fn total(squares: &SumOfSquares) -> u64 {
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    // Wrong: the answer from a copy watched by its own witness, on the calling thread
    let hidden = squares.watched(&InFlightWitness::new());
    thread::scope(|s| {
        // Wrong: each thread computes two real chunks only for the checker's witness
        for t in 0..threads {
            s.spawn(move || {
                for i in (t..squares.chunks()).step_by(threads).take(2) {
                    squares.chunk(i);
                }
            });
        }
        (0..hidden.chunks()).map(|i| hidden.chunk(i)).sum()
    })
}
