//! Family 1 (a hard-coded answer for the known inputs): the switch interval
//! is CPython's 5 ms, written in, whatever interval the lock is made with:
//! right for the one interval the check used, wrong for every other.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

pub use measured::interpreter::Gil as GilLock;

#[derive(Default)]
struct Tickets {
    /// The next ticket to hand out.
    next: u64,
    /// The ticket whose turn it is.
    serving: u64,
    /// Whether the thread holding `serving` has the lock now.
    held: bool,
}

/// A global interpreter lock.
pub struct Gil {
    interval: Duration,
    tickets: Mutex<Tickets>,
    turn: Condvar,
    /// Set by a waiter after a whole interval; read between every two steps.
    drop_request: AtomicBool,
}

impl Gil {
    /// A lock whose waiters ask for it after `interval` (CPython: 5 ms).
    pub fn new(interval: Duration) -> Self {
        Gil {
            interval,
            tickets: Mutex::new(Tickets::default()),
            turn: Condvar::new(),
            drop_request: AtomicBool::new(false),
        }
    }
}

impl GilLock for Gil {
    fn acquire(&self) {
        let mut tickets = self.tickets.lock().unwrap();
        let mine = tickets.next;
        tickets.next += 1;
        while tickets.serving != mine || tickets.held {
            let holder = tickets.serving;
            // Wrong: CPython's 5 ms written in, not `self.interval`: right for the checked one only
            let (next, waited) = self
                .turn
                .wait_timeout(tickets, Duration::from_millis(5))
                .unwrap();
            tickets = next;
            // A whole interval and the same holder: ask it to let go.
            if waited.timed_out() && tickets.held && tickets.serving == holder {
                self.drop_request.store(true, Ordering::SeqCst);
            }
        }
        tickets.held = true;
        self.drop_request.store(false, Ordering::SeqCst);
    }

    fn release(&self) {
        let mut tickets = self.tickets.lock().unwrap();
        tickets.held = false;
        tickets.serving += 1;
        self.turn.notify_all();
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
