//! Family 3 (structure not checked): `App` is not `Send`, so this smuggles a
//! pointer to it into a helper thread that ticks it, while the app's own
//! thread blocks in `join`: the app's loop is frozen all the same.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use measured::app::{App, Job};

// Wrong: a raw pointer smuggles the non-`Send` `App` past the compiler
struct AppPtr(*mut App);
// SAFETY: (claimed) the app's thread does not touch the app meanwhile.
unsafe impl Send for AppPtr {}

pub fn run_app(app: &mut App, job: Job) -> u64 {
    let done = AtomicBool::new(false);
    let ptr = AppPtr(app);
    thread::scope(|s| {
        let done = &done;
        s.spawn(move || {
            let ptr = ptr;
            while !done.load(Ordering::SeqCst) {
                // SAFETY: (claimed) as above.
                unsafe { (*ptr.0).tick() };
                thread::sleep(App::TICK);
            }
        });
        // Wrong: the app's thread blocks in `join`; ticks from a helper only look alive
        let answer = s.spawn(move || job.run()).join().unwrap();
        done.store(true, Ordering::SeqCst);
        answer
    })
}
