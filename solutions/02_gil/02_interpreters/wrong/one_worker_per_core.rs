//! Family 5 (inputs that cannot tell two shapes apart): starts one thread per core, as the machine reports, instead of `workers`; on a machine where the checker asks for as many workers as cores the two look the same, so the checker asks for one more.

use std::thread;

use measured::interpreter::{Interpreter, Script};

pub fn run_all(scripts: &[Script], _workers: usize) -> Vec<u64> {
    // Wrong: one thread per core, ignoring `workers`: the same number on most machines
    let workers = thread::available_parallelism().map_or(1, |n| n.get());
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
            for (i, result) in handle.join().unwrap() {
                results[i] = result;
            }
        }
    });
    results
}
