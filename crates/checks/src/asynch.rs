//! What the async checks share: the runtimes they run a candidate on (a
//! real one, or one on tokio's paused clock), a time limit that turns a
//! hung candidate into a verdict, and the file-descriptor limit a thousand
//! sockets need.

use std::future::Future;
use std::time::Duration;

use measured::process::ProcStat;

use crate::processes::{Watched, watch};

/// The name of the threads the checker's runtimes start (for
/// `spawn_blocking`): any other thread a call started is the candidate's.
/// Fifteen characters, the most a Linux thread name keeps.
pub(crate) const RUNTIME_THREADS: &str = "checker runtime";

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
        .thread_name(RUNTIME_THREADS)
        .max_blocking_threads(8)
        .build()
        .expect("a tokio runtime")
}

/// A single-threaded runtime whose clock is paused: time moves only when
/// every task waits on a timer, and then jumps straight to the next one.
pub fn paused_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .thread_name(RUNTIME_THREADS)
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

/// The open files a check lifts its limit to (or to its hard limit if
/// lower): a thousand connections, each counted twice on loopback, fit.
pub const OPEN_FILES: u64 = 16_384;

/// Raises this process's limit on open files to [`OPEN_FILES`]
/// ([`verdict::channel::raise_open_files_limit`]). Best effort: a failure
/// leaves the limit as it was.
pub fn raise_open_files_limit() {
    verdict::channel::raise_open_files_limit(OPEN_FILES);
}

/// The threads of this process that are alive now (Linux): ids of tasks
/// under /proc/self/task, leaving out those already exiting (states Z and
/// X). `None` where there is no /proc.
pub(crate) fn live_threads() -> Option<std::collections::HashSet<u32>> {
    let entries = std::fs::read_dir("/proc/self/task").ok()?;
    let mut live = std::collections::HashSet::new();
    for entry in entries.flatten() {
        let Some(tid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if !ProcStat::parse(&stat).is_some_and(|s| s.is_ended()) {
            live.insert(tid);
        }
    }
    Some(live)
}

/// How many threads alive now were not alive `before`, giving threads that
/// are ending up to half a second to be gone. `None` without /proc.
pub(crate) fn threads_left(before: &Option<std::collections::HashSet<u32>>) -> Option<usize> {
    let before = before.as_ref()?;
    let deadline = std::time::Instant::now() + Duration::from_millis(500);
    loop {
        let now = live_threads()?;
        let new = now.difference(before).count();
        if new == 0 || std::time::Instant::now() > deadline {
            return Some(new);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Threads alive now that were not `before`, other than the checker's
/// runtimes' own, as "'name' (thread id n)". A thread that was joined can
/// still be listed for a moment while it exits, so a thread counts as left
/// running when it is seen alive (not exiting) at two looks 10 ms apart,
/// or is still there after 300 ms. Empty without /proc.
pub(crate) fn threads_outliving(before: Option<&std::collections::HashSet<u32>>) -> Vec<String> {
    before
        .and_then(|before| {
            crate::thread_pool::os_threads::left_behind(
                before,
                |name| name != RUNTIME_THREADS,
                false,
                Duration::from_millis(300),
            )
        })
        .unwrap_or_default()
}

/// The tasks alive on the current tokio runtime (call it inside one).
pub(crate) fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// How many times each of `0..n` appears in `asked`, and the pages outside
/// `0..n` asked for: (asked more than once, never asked, strangers).
pub(crate) fn ask_counts(asked: &[usize], wanted: &[usize]) -> AskCounts {
    let mut counts = std::collections::HashMap::new();
    for &p in asked {
        *counts.entry(p).or_insert(0usize) += 1;
    }
    let twice = wanted
        .iter()
        .filter(|p| counts.get(p).is_some_and(|&c| c > 1))
        .count();
    let never = wanted.iter().filter(|p| !counts.contains_key(p)).count();
    let strangers = asked.iter().filter(|p| !wanted.contains(p)).count();
    AskCounts {
        requests: asked.len(),
        pages: wanted.len(),
        twice,
        never,
        strangers,
    }
}

/// What the server saw asked, against the pages the answer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AskCounts {
    /// Requests for pages.
    pub requests: usize,
    /// Pages the answer needs.
    pub pages: usize,
    /// Pages asked for more than once.
    pub twice: usize,
    /// Pages never asked for.
    pub never: usize,
    /// Requests for pages the answer does not need.
    pub strangers: usize,
}

impl AskCounts {
    /// Exactly one request per page, and nothing else.
    pub fn once_each(&self) -> bool {
        self.twice == 0 && self.never == 0 && self.strangers == 0 && self.requests == self.pages
    }

    /// The evidence line and, when it fails, the cause.
    pub fn judge(&self, on: &str) -> Result<String, (String, String)> {
        let line = format!(
            "{on}: the server got {} requests for {} pages",
            self.requests, self.pages
        );
        if self.once_each() {
            return Ok(format!("{line}, one for each"));
        }
        let line = format!(
            "{line}: {} asked more than once, {} never asked{}",
            self.twice,
            self.never,
            if self.strangers > 0 {
                format!(", {} requests for pages not in the list", self.strangers)
            } else {
                String::new()
            }
        );
        let cause = if self.never > 0 {
            "Some pages were never fetched, yet an answer came back for them: every page must be fetched, in every call (a page's text changes from call to call, so it can be neither remembered nor made up)."
        } else {
            "Fetch each URL exactly once per call: a page asked for twice makes the server work twice for one answer (and a request made only for show is still a request)."
        };
        Err((line, cause.to_owned()))
    }
}

/// A plain thread at normal priority that ticks every millisecond: its
/// worst gap over a window is how long this machine kept a ready thread
/// waiting then, whatever the runtime did. A heartbeat on a runtime is
/// judged against it, so that a machine too busy to run anything on time
/// is not taken for a blocked runtime.
pub(crate) struct ControlBeat {
    heartbeat: measured::heartbeat::Heartbeat,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ControlBeat {
    /// Starts ticking.
    pub fn start() -> Self {
        let heartbeat = measured::heartbeat::Heartbeat::new();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = {
            let (heartbeat, stop) = (heartbeat.clone(), std::sync::Arc::clone(&stop));
            std::thread::Builder::new()
                .name("control-heartbeat".into())
                .spawn(move || {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        heartbeat.tick();
                        std::thread::sleep(Duration::from_millis(1));
                    }
                })
                .ok()
        };
        ControlBeat {
            heartbeat,
            stop,
            thread,
        }
    }

    /// Stops ticking; the worst gap from `from` to `to` (zero when the
    /// thread could not be started: then nothing is excused).
    pub fn stop(mut self, from: std::time::Instant, to: std::time::Instant) -> Duration {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        match self.thread.take() {
            Some(thread) => {
                let _ = thread.join();
                self.heartbeat.worst_gap(from, to)
            }
            None => Duration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ask_counts_need_exactly_one_request_per_page() {
        let wanted = [3, 5, 9];
        assert!(ask_counts(&[9, 3, 5], &wanted).once_each());
        let twice = ask_counts(&[9, 3, 5, 3], &wanted);
        assert_eq!((twice.twice, twice.never), (1, 0));
        assert!(twice.judge("x").unwrap_err().1.contains("exactly once"));
        let few = ask_counts(&[9], &wanted);
        assert_eq!(few.never, 2);
        assert!(few.judge("x").unwrap_err().1.contains("never fetched"));
        assert!(!ask_counts(&[9, 3, 5, 4], &wanted).once_each());
        assert!(ask_counts(&[], &[]).once_each());
    }
}
