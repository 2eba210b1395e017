//! Wrong: an interpreter per worker, but results are collected worker by
//! worker, so they come back grouped by thread instead of in script order.

use std::thread;

use measured::interpreter::{Interpreter, Script};

pub fn run_all(scripts: &[Script], workers: usize) -> Vec<u64> {
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    let interpreter = Interpreter::new();
                    (w..scripts.len())
                        .step_by(workers)
                        .map(|i| interpreter.run(&scripts[i]))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // Wrong: joined worker by worker, indexes dropped: grouped by thread, not script order
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}
