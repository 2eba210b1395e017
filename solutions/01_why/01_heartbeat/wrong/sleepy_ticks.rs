//! Wrong: the job runs on another thread and the app ticks, but it sleeps
//! 100 ms between ticks instead of `App::TICK`.

use std::thread;
use std::time::Duration;

use measured::app::{App, Job};

pub fn run_app(app: &mut App, job: Job) -> u64 {
    let worker = thread::spawn(move || job.run());
    while !worker.is_finished() {
        app.tick();
        // Wrong: 100 ms between ticks, not `App::TICK`: any sleep seems to free the core
        thread::sleep(Duration::from_millis(100));
    }
    worker.join().unwrap()
}
