//! Family 2 (item counts that do not match the work): each worker first runs script 0 on its new interpreter "to check that it works", then its own share: the results are right, but script 0 runs once per worker.

use std::thread;

use measured::interpreter::{Interpreter, Script};

pub fn run_all(scripts: &[Script], workers: usize) -> Vec<u64> {
    let workers = workers.clamp(1, scripts.len().max(1));
    let mut results = vec![0; scripts.len()];
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    let interpreter = Interpreter::new();
                    // Wrong: script 0 run on every new interpreter "to check it works"
                    if let Some(first) = scripts.first() {
                        interpreter.run(first);
                    }
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
