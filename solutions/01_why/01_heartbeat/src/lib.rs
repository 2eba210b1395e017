//! 01/01 heartbeat, solved: the job runs on a thread of its own while the
//! app's thread keeps ticking.

use std::thread;

use measured::app::{App, Job};

/// Runs `job` without freezing `app`, and returns the job's answer.
pub fn run_app(app: &mut App, job: Job) -> u64 {
    let worker = thread::spawn(move || job.run());
    // Tick while the job computes; `is_finished` asks without waiting.
    while !worker.is_finished() {
        app.tick();
        thread::sleep(App::TICK);
    }
    // The thread is done, so `join` returns at once.
    worker.join().expect("the job panicked")
}
