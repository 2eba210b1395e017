//! Family 1 (work skipped after the first round): the first batch runs on one interpreter per worker and its results are kept in a `static`; a later batch of as many scripts runs two scripts per worker for show and hands back the kept results.

use std::sync::Mutex;
use std::thread;

use measured::interpreter::{Interpreter, Script};

// Wrong: the first batch's results kept in a `static` and handed back later
static KEPT: Mutex<Vec<(usize, Vec<u64>)>> = Mutex::new(Vec::new());

pub fn run_all(scripts: &[Script], workers: usize) -> Vec<u64> {
    let workers = workers.clamp(1, scripts.len().max(1));
    let kept = KEPT
        .lock()
        .unwrap()
        .iter()
        .find(|(n, _)| *n == scripts.len())
        .map(|(_, r)| r.clone());
    let mut results = vec![0; scripts.len()];
    thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                // Wrong: a later batch runs only two scripts per worker, for show
                let all = kept.is_none();
                s.spawn(move || {
                    let interpreter = Interpreter::new();
                    (w..scripts.len())
                        .step_by(workers)
                        .take(if all { usize::MAX } else { 2 })
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
    match kept {
        Some(kept) => kept,
        None => {
            KEPT.lock().unwrap().push((scripts.len(), results.clone()));
            results
        }
    }
}
