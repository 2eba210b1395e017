//! 01/01 heartbeat: keep the app responsive while a heavy job runs.
//!
//! `App` is an event loop: it must `tick()` every `App::TICK` (10 ms), or
//! the user sees it freeze. `Job` computes for about half a second. Run the
//! job on another thread, keep the app ticking while it works, and return
//! the job's answer.
//!
//! Read: src/01_why/01_heartbeat.md in the book.
//! Check: cargo run -p checker -- run heartbeat

use measured::app::{App, Job};

/// Runs `job` without freezing `app`, and returns the job's answer.
pub fn run_app(app: &mut App, job: Job) -> u64 {
    // This is what freezes the app: while the job computes on the app's own
    // thread, nothing ticks.
    //
    //     let answer = job.run();
    //     app.tick();
    //     answer
    //
    // TODO: run the job on another thread, call `app.tick()` and sleep
    // `App::TICK` until the job has finished, then return its answer.
    let _ = (app, job);
    todo!()
}
