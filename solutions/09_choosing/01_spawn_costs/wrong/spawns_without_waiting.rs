//! Family 8 (cleanup not checked): each process is started but never waited for, so the figure is the cost of a start alone and 30 zombies are left behind each time.

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
        start.elapsed() / 10_000
    });
    let start = Instant::now();
    for _ in 0..500 {
        std::thread::spawn(|| {}).join().unwrap();
    }
    let thread = start.elapsed() / 500;
    let start = Instant::now();
    for _ in 0..30 {
        // Wrong: never waited for: only the start is timed, and 30 zombies are left
        // Started; nobody waits for it.
        drop(spawner.command().spawn().unwrap());
    }
    let process = start.elapsed() / 30;
    SpawnCosts {
        task,
        thread,
        process,
    }
}
