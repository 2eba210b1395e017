//! 09/01's reference: the checker's own measurement of what a spawn-and-wait
//! costs, which the learner's figures are compared with.

use std::time::{Duration, Instant};

use measured::costs::SpawnCosts;
use measured::process::Spawner;

/// The checker's own measurement: the same three, each the fastest of
/// `rounds` averages over many spawns.
pub fn reference(spawner: &Spawner, rounds: usize) -> SpawnCosts {
    let fastest =
        |f: &mut dyn FnMut() -> Duration| (0..rounds.max(1)).map(|_| f()).min().unwrap_or_default();
    // A fresh runtime each round, as a program that measures this once has.
    let task = fastest(&mut || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async {
            let n = 10_000;
            let t = Instant::now();
            for _ in 0..n {
                tokio::spawn(async {}).await.expect("an empty task");
            }
            t.elapsed() / n
        })
    });
    let thread = fastest(&mut || {
        let n = 500;
        let t = Instant::now();
        for _ in 0..n {
            std::thread::spawn(|| {}).join().expect("an empty thread");
        }
        t.elapsed() / n
    });
    let process = fastest(&mut || {
        let n = 30;
        let t = Instant::now();
        for _ in 0..n {
            spawner
                .command()
                .status()
                .expect("a process that exits at once");
        }
        t.elapsed() / n
    });
    SpawnCosts {
        task,
        thread,
        process,
    }
}
