//! Family 1 (work skipped after the first round): the threads sum the chunks once and the total is kept in a `static`; later calls start the threads again, each computing one chunk for show, and return the kept total.

use std::sync::Mutex;
use std::thread;

use measured::squares::SumOfSquares;

static KEPT: Mutex<Option<u64>> = Mutex::new(None);

pub fn total(squares: &SumOfSquares) -> u64 {
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    let kept = *KEPT.lock().unwrap();
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let mine = (t..squares.chunks()).step_by(threads);
                    match kept {
                        Some(_) => mine.take(1).map(|i| squares.chunk(i)).sum::<u64>(),
                        None => mine.map(|i| squares.chunk(i)).sum::<u64>(),
                    }
                })
            })
            .collect();
        let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
        kept.unwrap_or_else(|| {
            *KEPT.lock().unwrap() = Some(sum);
            sum
        })
    })
}
