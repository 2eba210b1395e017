//! Ctrl-C, and being told to stop (`SIGTERM`, `SIGHUP`: a closed terminal,
//! a cancelled CI job): remembers it, so the running check and everything
//! it started can be killed and the terminal restored before the checker
//! exits. (`SIGKILL` cannot be caught: the keeper cleans up then, see
//! `contain`.)

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_signal: libc::c_int) {
    // Only an atomic store: the one thing a signal handler may safely do here.
    REQUESTED.store(true, Ordering::SeqCst);
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP. Without it they
/// would end the checker at once, before it ends the running check.
pub fn install() {
    // libc: rustix has no `sigaction` (only its runtime API, for programs
    // without a C library, installs handlers).
    // Safety: `sigaction` is given a zeroed, then filled, struct that lives
    // for the call, and a handler that only stores to an atomic, which is
    // async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigint as *const () as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// Whether Ctrl-C was pressed (or the checker told to stop) since it started.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}
