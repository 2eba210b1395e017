//! Wrong: the job moves to another thread, but `join` right after `spawn`
//! waits for it, so the app still freezes.

use std::thread;

use measured::app::{App, Job};

pub fn run_app(app: &mut App, job: Job) -> u64 {
    let worker = thread::spawn(move || job.run());
    // Wrong: `join` right after `spawn` waits, so the app freezes; yet it "uses a thread"
    let answer = worker.join().unwrap();
    app.tick();
    answer
}
