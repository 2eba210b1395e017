//! The learner's file: starts a worker process per task and never stops.
//! Gently: at most 2,000 workers, one a millisecond, each ending after
//! 10 s, so that a checker without a process limit cannot hurt the machine.

use std::time::Duration;

/// The argument that makes the program a worker.
pub const WORKER: &str = "--worker";

/// Starts workers until something stops it, then waits for them.
pub fn start_workers() -> usize {
    let me = std::env::current_exe().expect("this program's path");
    let mut workers = Vec::new();
    for _ in 0..2_000 {
        match std::process::Command::new(&me).arg(WORKER).spawn() {
            Ok(child) => workers.push(child),
            Err(_) => break,
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let started = workers.len();
    for mut worker in workers {
        let _ = worker.wait();
    }
    started
}

/// A worker's whole job: wait, then end.
pub fn work() {
    std::thread::sleep(Duration::from_secs(10));
}
