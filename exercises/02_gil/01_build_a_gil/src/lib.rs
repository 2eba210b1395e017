//! 02/01 build a GIL: write the global lock of a toy interpreter.
//!
//! The interpreter (`measured::interpreter`) runs "bytecode" in small steps
//! on many threads, the way CPython does, and holds your lock while it does:
//!
//! - `acquire` before running, `release` after;
//! - between two steps it asks `drop_requested()`; when that is true it
//!   calls `release()` then `acquire()`, giving a waiting thread its turn;
//! - around a blocking call it calls `allow_threads`, which must run the
//!   call *without* the lock.
//!
//! Your lock must let one thread at a time run bytecode, give every waiting
//! thread a turn within a few switch intervals (CPython's default interval is
//! 5 ms: `sys.getswitchinterval()`), and let blocked threads overlap.
//!
//! Read: src/02_gil/01_build_a_gil.md in the book.
//! Check: cargo run -p checker -- run build_a_gil

use std::time::Duration;

pub use measured::interpreter::Gil as GilLock;

/// A global interpreter lock.
pub struct Gil {
    /// How long a waiter waits before it asks the holder to let go.
    interval: Duration,
    // TODO: the lock's state. A `Mutex` around a small struct (who holds
    // the lock, whose turn is next) with a `Condvar` to wait on, and an
    // `AtomicBool` for the drop request (read between every two steps).
}

impl Gil {
    /// A lock whose waiters ask for it after `interval`.
    pub fn new(interval: Duration) -> Self {
        // TODO: initialise the state you added.
        Gil { interval }
    }
}

impl GilLock for Gil {
    fn acquire(&self) {
        // TODO: wait until the lock is free *and* it is this thread's turn
        // (a ticket taken on arrival keeps waiters in order). Wait with
        // `wait_timeout(self.interval)`: if a whole interval passes and the
        // same thread still holds the lock, set the drop request.
        let _ = self.interval;
        todo!()
    }

    fn release(&self) {
        // TODO: mark the lock free, pass the turn on, wake the waiters.
        todo!()
    }

    fn drop_requested(&self) -> bool {
        // TODO: has a waiter asked for the lock?
        todo!()
    }

    fn allow_threads(&self, blocking: &mut dyn FnMut()) {
        // TODO: run `blocking` without the lock, then take it back.
        let _ = blocking;
        todo!()
    }
}
