//! Family 8 (cleanup not checked): the job goes to a background worker that
//! waits for more jobs, but its queue's sender is kept in a `static`, so the
//! worker waits forever after `run_app` has returned.

use std::sync::Mutex;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;

use measured::app::{App, Job};

type Request = (Job, Sender<u64>);

// Wrong: the sender lives in a `static`, so the worker never ends; reuse looks cheaper
static WORKER: Mutex<Option<Sender<Request>>> = Mutex::new(None);

pub fn run_app(app: &mut App, job: Job) -> u64 {
    let jobs = WORKER
        .lock()
        .unwrap()
        .get_or_insert_with(|| {
            let (tx, rx) = mpsc::channel::<Request>();
            thread::spawn(move || {
                for (job, reply) in rx {
                    let _ = reply.send(job.run());
                }
            });
            tx
        })
        .clone();
    let (reply_tx, reply_rx) = mpsc::channel();
    jobs.send((job, reply_tx)).unwrap();
    loop {
        app.tick();
        match reply_rx.recv_timeout(App::TICK) {
            Ok(answer) => return answer,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => panic!("the worker died"),
        }
    }
}
