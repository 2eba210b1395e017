//! Family 8 (cleanup not checked): a timer thread sends the app a message
//! every `App::TICK` and the app ticks on each one, but the timer ignores
//! its failed sends once nobody listens, so it runs on after `run_app`.

use std::sync::mpsc;
use std::thread;

use measured::app::{App, Job};

pub fn run_app(app: &mut App, job: Job) -> u64 {
    let (tick_tx, tick_rx) = mpsc::channel();
    // Wrong: the timer loops forever, ignoring failed sends; looks tidier than sleeping
    thread::spawn(move || {
        loop {
            thread::sleep(App::TICK);
            let _ = tick_tx.send(());
        }
    });
    let worker = thread::spawn(move || job.run());
    app.tick();
    for () in tick_rx.iter() {
        app.tick();
        if worker.is_finished() {
            break;
        }
    }
    worker.join().unwrap()
}
