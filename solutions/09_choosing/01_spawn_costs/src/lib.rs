//! 09/01 spawn costs, solved: many spawn-and-waits of each kind, timed
//! together and divided.

use std::time::Instant;

use measured::costs::SpawnCosts;
use measured::process::Spawner;

/// The cost of one spawn-and-wait of a task, a thread and a process.
pub fn measure(spawner: &Spawner) -> SpawnCosts {
    // The runtime is built outside the timed part: a real program has one.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a tokio runtime");
    let task = runtime.block_on(async {
        let n = 10_000;
        let start = Instant::now();
        for _ in 0..n {
            tokio::spawn(async {})
                .await
                .expect("an empty task cannot fail");
        }
        start.elapsed() / n
    });

    let n = 500;
    let start = Instant::now();
    for _ in 0..n {
        std::thread::spawn(|| {})
            .join()
            .expect("an empty thread cannot panic");
    }
    let thread = start.elapsed() / n;

    let n = 30;
    let start = Instant::now();
    for _ in 0..n {
        spawner.command().status().expect("the process starts");
    }
    let process = start.elapsed() / n;

    SpawnCosts {
        task,
        thread,
        process,
    }
}
