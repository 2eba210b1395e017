//! Wrong: each thread sleeps for five milliseconds "to do something", so
//! the thread figure measures the sleep, not the cost of a thread (more
//! than a process costs: the order is wrong).

use std::time::{Duration, Instant};

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
        start.elapsed() / 10_000
    });
    let start = Instant::now();
    for _ in 0..40 {
        // Wrong: each thread sleeps 5 ms "to do something": the sleep is timed
        std::thread::spawn(|| std::thread::sleep(Duration::from_millis(5)))
            .join()
            .unwrap();
    }
    let thread = start.elapsed() / 40;
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
