//! Wrong: the loop was changed to 10,000 tasks but the division still says
//! 1,000, so the task figure is ten times too big.

use std::time::Instant;

use measured::costs::SpawnCosts;
use measured::process::Spawner;

pub fn measure(spawner: &Spawner) -> SpawnCosts {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let task = runtime.block_on(async {
        let start = Instant::now();
        for _ in 0..10_000 {
            tokio::spawn(async {}).await.unwrap();
        }
        // Wrong: 10,000 tasks divided by 1,000: the loop changed, the divisor did not
        start.elapsed() / 1_000
    });
    let start = Instant::now();
    for _ in 0..500 {
        std::thread::spawn(|| {}).join().unwrap();
    }
    let thread = start.elapsed() / 500;
    let start = Instant::now();
    for _ in 0..30 {
        spawner.command().status().unwrap();
    }
    let process = start.elapsed() / 30;
    SpawnCosts {
        task,
        thread,
        process,
    }
}
