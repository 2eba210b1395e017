//! Wrong: a "lock" that never blocks. Every test of the results passes, and
//! threads run bytecode side by side: no GIL at all.

use std::time::Duration;

pub use measured::interpreter::Gil as GilLock;

pub struct Gil;

impl Gil {
    pub fn new(_interval: Duration) -> Self {
        Gil
    }
}

impl GilLock for Gil {
    // Wrong: a lock that never blocks: every result test still passes, since no step races
    fn acquire(&self) {}

    fn release(&self) {}

    fn drop_requested(&self) -> bool {
        false
    }

    fn allow_threads(&self, blocking: &mut dyn FnMut()) {
        blocking();
    }
}
