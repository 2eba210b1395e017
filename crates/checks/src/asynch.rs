//! What the async checks share: the runtimes they run a candidate on (a
//! real one, or one on tokio's paused clock), a time limit that turns a
//! hung candidate into a verdict, and the file-descriptor limit a thousand
//! sockets need.

use std::future::Future;
use std::time::Duration;

use crate::processes::{Watched, watch};

/// A single-threaded runtime with timers and sockets: a blocking call in a
/// task stops everything on it, which is what the checks want to see.
///
/// The threads the runtime starts for `spawn_blocking` run at a lower
/// priority (nice 10, Linux): they still get every idle core, but when the
/// runtime's own thread wakes up it runs at once, so a heartbeat on the
/// runtime measures blocking *of the runtime's thread*, not how busy the
/// cores are with work correctly moved off it.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_start(lower_this_threads_priority)
        .max_blocking_threads(8)
        .build()
        .expect("a tokio runtime")
}

/// Lowers the calling thread's scheduling priority to nice 10 (Linux; a
/// no-op elsewhere).
pub fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // Safety: gettid and setpriority take and return plain integers.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// A single-threaded runtime whose clock is paused: time moves only when
/// every task waits on a timer, and then jumps straight to the next one.
pub fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("a paused tokio runtime")
}

/// Runs the future `make` builds on a fresh runtime (`paused` or real), on
/// its own thread, and waits at most `limit` of real time for it.
pub fn block_on_watched<T, F, Fut>(limit: Duration, paused: bool, make: F) -> Watched<T>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T>,
{
    watch(limit, move || {
        let runtime = if paused { paused_runtime() } else { runtime() };
        runtime.block_on(make())
    })
}

/// Raises this process's limit on open files to its hard limit (at most
/// 16,384), so that a thousand connections, each counted twice on loopback,
/// fit. Best effort: a failure leaves the limit as it was.
pub fn raise_open_files_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // Safety: getrlimit and setrlimit read and write a valid rlimit.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            let want = limit.rlim_max.min(16_384);
            if limit.rlim_cur < want {
                limit.rlim_cur = want;
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
            }
        }
    }
}
