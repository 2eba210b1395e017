//! Ctrl-C: remembers that it was pressed, so the running check can be killed
//! and the terminal restored before the checker exits.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_signal: libc::c_int) {
    // Only an atomic store: the one thing a signal handler may safely do here.
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Installs the SIGINT handler. Without it Ctrl-C would end the checker at
/// once and leave the check (in its own process group) running.
pub fn install() {
    // Safety: `sigaction` is given a zeroed, then filled, struct that lives
    // for the call, and a handler that only stores to an atomic, which is
    // async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigint as *const () as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, std::ptr::null_mut());
    }
}

/// Whether Ctrl-C was pressed since the checker started.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}
