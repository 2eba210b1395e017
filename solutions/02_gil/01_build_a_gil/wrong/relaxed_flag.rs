//! Family 9 (mistakes this hardware cannot show): the GIL is a flag taken
//! with `swap(true, Relaxed)` and given back with `store(false, Relaxed)`,
//! with tickets (also Relaxed) to keep waiters in order. It is fair and
//! never lets two threads in at once, but nothing orders the interpreter's
//! memory accesses after the take or before the give back: a data race
//! that x86 hides and ARM shows.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub use measured::interpreter::Gil as GilLock;

/// A global interpreter lock.
pub struct Gil {
    interval: Duration,
    /// Whether a thread holds the lock.
    held: AtomicBool,
    /// The next ticket to hand out.
    next: AtomicU64,
    /// The ticket whose turn it is.
    serving: AtomicU64,
    /// Set by a waiter after a whole interval; read between every two steps.
    drop_request: AtomicBool,
}

impl Gil {
    /// A lock whose waiters ask for it after `interval`.
    pub fn new(interval: Duration) -> Self {
        Gil {
            interval,
            held: AtomicBool::new(false),
            next: AtomicU64::new(0),
            serving: AtomicU64::new(0),
            drop_request: AtomicBool::new(false),
        }
    }
}

impl GilLock for Gil {
    fn acquire(&self) {
        let mine = self.next.fetch_add(1, Ordering::Relaxed);
        let mut since = Instant::now();
        let mut holder = self.serving.load(Ordering::Relaxed);
        // Wrong: taken with `swap(.., Relaxed)`, given back with a Relaxed store: orders nothing
        while self.serving.load(Ordering::Relaxed) != mine
            || self.held.swap(true, Ordering::Relaxed)
        {
            let serving = self.serving.load(Ordering::Relaxed);
            if serving != holder {
                holder = serving;
                since = Instant::now();
            } else if since.elapsed() >= self.interval {
                // A whole interval and the same holder: ask it to let go.
                self.drop_request.store(true, Ordering::Relaxed);
            }
            std::thread::yield_now();
        }
        self.drop_request.store(false, Ordering::Relaxed);
    }

    fn release(&self) {
        self.held.store(false, Ordering::Relaxed);
        self.serving.fetch_add(1, Ordering::Relaxed);
    }

    fn drop_requested(&self) -> bool {
        self.drop_request.load(Ordering::Relaxed)
    }

    fn allow_threads(&self, blocking: &mut dyn FnMut()) {
        self.release();
        blocking();
        self.acquire();
    }
}
