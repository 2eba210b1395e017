//! Family 3 (counted from the wrong place): the task and thread figures are measured, but the process figure is estimated from the thread's ("a process costs about 30 threads"), so no process is ever started.

use std::time::Instant;

use measured::costs::SpawnCosts;
use measured::process::Spawner;

pub fn measure(_spawner: &Spawner) -> SpawnCosts {
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
    for _ in 0..500 {
        std::thread::spawn(|| {}).join().unwrap();
    }
    let thread = start.elapsed() / 500;
    SpawnCosts {
        task,
        thread,
        // Wrong: the process figure estimated from the thread's: no process is ever started
        process: thread * 30,
    }
}
