//! Wrong: the threads are there, but they share one interpreter, so its
//! lock lets one script run at a time: CPython's threads under one GIL.

use std::thread;

use measured::interpreter::{Interpreter, Script};

pub fn run_all(scripts: &[Script], workers: usize) -> Vec<u64> {
    // Wrong: one interpreter shared by all threads: its lock runs one script at a time
    let interpreter = Interpreter::new();
    let mut results = vec![0; scripts.len()];
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let interpreter = &interpreter;
                s.spawn(move || {
                    (w..scripts.len())
                        .step_by(workers)
                        .map(|i| (i, interpreter.run(&scripts[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            for (i, result) in handle.join().unwrap() {
                results[i] = result;
            }
        }
    });
    results
}
