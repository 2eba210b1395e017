//! 04/02 Mandelbrot, solved another way: plain scoped threads, one per
//! core, each taking the next row from a shared atomic counter until none
//! are left (a shared queue, with no library). Costly rows go to whichever
//! thread is free, so the work balances whatever the machine; the checks
//! must pass it on any number of cores.

use std::sync::atomic::{AtomicUsize, Ordering};

use measured::mandelbrot::Mandelbrot;

/// Every pixel of the picture, row after row, rendered on all cores.
pub fn render(m: &Mandelbrot) -> Vec<u8> {
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut rows: Vec<(usize, Vec<u8>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let y = next.fetch_add(1, Ordering::Relaxed);
                        if y >= m.height() {
                            return mine;
                        }
                        mine.push((y, m.row(y)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a row does not panic"))
            .collect()
    });
    rows.sort_unstable_by_key(|(y, _)| *y);
    rows.into_iter().flat_map(|(_, row)| row).collect()
}
