//! Wrong: the job runs on the app's own thread, so the app freezes for as
//! long as the job computes.

use measured::app::{App, Job};

pub fn run_app(app: &mut App, job: Job) -> u64 {
    // Wrong: the job runs right here, so no tick until it ends; the simplest code
    let answer = job.run();
    app.tick();
    answer
}
