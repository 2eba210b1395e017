//! Family 2 (item counts that do not match the work): each thread takes its range of chunks plus the first chunk of the next range "to be safe", and the extra chunks are dropped before adding: the total is right, but chunks at the borders run twice.

use std::thread;

use measured::squares::SumOfSquares;

pub fn total(squares: &SumOfSquares) -> u64 {
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    let per = squares.chunks().div_ceil(threads);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let (start, end) = (t * per, ((t + 1) * per).min(squares.chunks()));
                    // Wrong: each range takes the next one's first chunk "to be safe": run twice
                    let with_border = (start..(end + 1).min(squares.chunks()))
                        .map(|i| (i, squares.chunk(i)))
                        .collect::<Vec<_>>();
                    with_border
                        .into_iter()
                        .filter(|&(i, _)| i < end)
                        .map(|(_, v)| v)
                        .sum::<u64>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}
