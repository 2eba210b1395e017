//! 09/01 spawn costs: measure before you choose.
//!
//! How much does it cost to start a unit of concurrency and wait for it to
//! end? Measure it for the three kinds this course used: a tokio task, an
//! OS thread, an OS process. Time many of each and divide: one spawn is too
//! short to time alone. The checker measures the same in the same run and
//! compares.
//!
//! Read: src/09_choosing/01_spawn_costs.md in the book.
//! Check: cargo run -p checker -- run spawn_costs

use measured::costs::SpawnCosts;
use measured::process::Spawner;

/// The cost of one spawn-and-wait of a task, a thread and a process.
/// `spawner.command()` gives a `std::process::Command` for a process that
/// exits at once.
pub fn measure(spawner: &Spawner) -> SpawnCosts {
    // TODO:
    // - task: build one current-thread tokio runtime first; inside
    //   `runtime.block_on(async { ... })`, time 10,000 rounds of
    //   `tokio::spawn(async {}).await` and divide the elapsed time by 10,000;
    // - thread: time 500 rounds of `std::thread::spawn(|| {}).join()`;
    // - process: time 30 rounds of `spawner.command().status()`.
    // `Instant::elapsed() / n` divides a `Duration` exactly.
    let _ = spawner;
    todo!()
}
