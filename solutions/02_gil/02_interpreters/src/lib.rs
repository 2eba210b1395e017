//! 02/02 one interpreter per worker, solved: each scoped thread owns an
//! interpreter, so no two threads ever wait for the same lock.

use std::thread;

use measured::interpreter::{Interpreter, Script};

/// Runs every script on `workers` threads, each with an interpreter of its
/// own, and returns the results in the scripts' order.
pub fn run_all(scripts: &[Script], workers: usize) -> Vec<u64> {
    let workers = workers.clamp(1, scripts.len().max(1));
    let mut results = vec![0; scripts.len()];
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    let interpreter = Interpreter::new();
                    (w..scripts.len())
                        .step_by(workers)
                        .map(|i| (i, interpreter.run(&scripts[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            for (i, result) in handle.join().expect("a worker panicked") {
                results[i] = result;
            }
        }
    });
    results
}
