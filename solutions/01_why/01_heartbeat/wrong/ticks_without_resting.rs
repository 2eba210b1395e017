//! Family 6 (a threshold checked on one side only): the app ticks in a loop
//! that never sleeps. No gap between ticks is ever long, so the gap rule
//! alone passes it; but the app's thread keeps a core busy doing nothing,
//! the core the job needs on a one-core machine.

use std::thread;

use measured::app::{App, Job};

/// Runs `job` without freezing `app`, and returns the job's answer.
pub fn run_app(app: &mut App, job: Job) -> u64 {
    let worker = thread::spawn(move || job.run());
    while !worker.is_finished() {
        app.tick();
        // Wrong: `yield_now`, no sleep: gaps stay short but the loop spins a core
        // Let the job have the core now and then: it does not rest.
        thread::yield_now();
    }
    worker.join().expect("the job panicked")
}
