//! The clocks a check reads: process CPU time (how long the CPU worked
//! for this process, and for the child processes it waited for; compare
//! with wall time to tell working from waiting), a thread's own CPU and
//! queueing time, and the monotonic clock every process shares.

use rustix::time::ClockId;
use std::time::Duration;

/// CPU time used so far by every thread of this process (user + system).
///
/// This is Python's `time.process_time()`: a sleeping or waiting program
/// barely moves it; a computing one moves it as fast as the wall clock, or
/// faster when several threads compute at once.
pub fn process_cpu_time() -> Duration {
    clock(ClockId::ProcessCPUTime)
}

/// CPU time used so far by the calling thread alone.
pub fn thread_cpu_time() -> Duration {
    clock(ClockId::ThreadCPUTime)
}

/// Time on a clock every process of the machine shares (`CLOCK_MONOTONIC`),
/// so that answers from different worker processes can be put on one
/// timeline.
pub fn shared_clock() -> Duration {
    clock(ClockId::Monotonic)
}

/// How many times the calling thread has given up its core of its own
/// accord (slept, waited on a lock or for input: `ru_nvcsw` of
/// `getrusage(RUSAGE_THREAD)`), on Linux; `None` elsewhere. A thread that
/// only calls `yield_now` or spins never does, however busy the machine.
pub fn thread_voluntary_switches() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        u64::try_from(usage(libc::RUSAGE_THREAD)?.ru_nvcsw).ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// How long the calling thread has spent ready to run but waiting for a
/// core, since it started: the second field of
/// `/proc/thread-self/schedstat`, on Linux. `None` elsewhere, or where the
/// kernel does not keep the figure. Time the thread spent running or
/// asleep (in a system call, on a lock, on a timer) is not in it, so a
/// gap in a thread's work minus this is what the thread itself did with
/// the gap.
pub fn thread_queued_time() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        parse_schedstat(&text)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// The waiting time in a schedstat line: "<ran ns> <waited ns> <slices>".
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parse_schedstat(text: &str) -> Option<Duration> {
    let waited: u64 = text.split_whitespace().nth(1)?.parse().ok()?;
    Some(Duration::from_nanos(waited))
}

/// A stopwatch for the calling thread: wall time, and how much of it the
/// thread spent ready to run but waiting for a core
/// ([`thread_queued_time`]). Start and stop it on the same thread.
#[derive(Debug, Clone, Copy)]
pub struct ThreadStopwatch {
    started: std::time::Instant,
    queued: Option<Duration>,
}

/// A span of one thread's real time, with the part of it the thread spent
/// waiting for a core: what a [`ThreadStopwatch`] measured, or a
/// heartbeat's silence ([`crate::heartbeat::Silence`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThreadTime {
    /// Wall time from start to end.
    pub wall: Duration,
    /// The part of it the thread waited for a core (zero where the kernel
    /// does not say), at most `wall`.
    pub queued: Duration,
}

impl ThreadTime {
    /// The wall time the thread itself used: running, or asleep in a call.
    pub fn own(&self) -> Duration {
        self.wall.saturating_sub(self.queued)
    }
}

impl ThreadStopwatch {
    /// Starts now.
    pub fn start() -> Self {
        ThreadStopwatch {
            queued: thread_queued_time(),
            started: std::time::Instant::now(),
        }
    }

    /// The time since [`ThreadStopwatch::start`] (call it on the same thread).
    pub fn stop(&self) -> ThreadTime {
        let wall = self.started.elapsed();
        let queued = match (self.queued, thread_queued_time()) {
            (Some(before), Some(now)) => now.saturating_sub(before).min(wall),
            _ => Duration::ZERO,
        };
        ThreadTime { wall, queued }
    }
}

/// CPU time used by child processes that have ended and been waited for
/// (`getrusage(RUSAGE_CHILDREN)`), user + system.
pub fn children_cpu_time() -> Duration {
    let usage = usage(libc::RUSAGE_CHILDREN).expect("getrusage(RUSAGE_CHILDREN) failed");
    timeval(usage.ru_utime) + timeval(usage.ru_stime)
}

/// CPU time of this process and of its children that have ended and been
/// waited for: what a multi-process job cost in all.
pub fn total_cpu_time() -> Duration {
    process_cpu_time() + children_cpu_time()
}

/// `getrusage(who)`: what the kernel counted of `who` (`RUSAGE_THREAD`,
/// `RUSAGE_CHILDREN`), `None` if it refused.
// libc: rustix has no `getrusage`.
fn usage(who: libc::c_int) -> Option<libc::rusage> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // Safety: `usage` points to writable memory of the right type; a `who`
    // the kernel does not know makes it fail without writing.
    if unsafe { libc::getrusage(who, usage.as_mut_ptr()) } != 0 {
        return None;
    }
    // Safety: getrusage returned 0, so it filled the struct.
    Some(unsafe { usage.assume_init() })
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
}

/// The time on clock `id` (`clock_gettime`, which cannot fail for the
/// clocks above: rustix panics if it does).
fn clock(id: ClockId) -> Duration {
    let ts = rustix::time::clock_gettime(id);
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedstat_lines_give_the_waiting_time() {
        assert_eq!(
            parse_schedstat("264417141 937446 50\n"),
            Some(Duration::from_nanos(937_446))
        );
        assert_eq!(parse_schedstat(""), None);
        assert_eq!(parse_schedstat("12 x 3"), None);
    }

    #[test]
    fn a_stopwatch_never_counts_more_waiting_than_wall_time() {
        let watch = ThreadStopwatch::start();
        std::thread::sleep(Duration::from_millis(2));
        let time = watch.stop();
        assert!(time.wall >= Duration::from_millis(2));
        assert!(time.queued <= time.wall);
        assert_eq!(time.own() + time.queued, time.wall);
        let t = ThreadTime {
            wall: Duration::from_millis(5),
            queued: Duration::from_millis(3),
        };
        assert_eq!(t.own(), Duration::from_millis(2));
    }

    #[test]
    fn a_threads_queued_time_never_goes_backwards() {
        let Some(before) = thread_queued_time() else {
            return;
        };
        std::thread::yield_now();
        assert!(thread_queued_time().expect("still readable") >= before);
    }

    #[test]
    fn cpu_clocks_never_go_backwards() {
        let (p, t, c) = (process_cpu_time(), thread_cpu_time(), children_cpu_time());
        let mut x = 0u64;
        for i in 0..100_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        assert!(process_cpu_time() >= p);
        assert!(thread_cpu_time() >= t);
        assert!(children_cpu_time() >= c);
        let thread = thread_cpu_time();
        assert!(process_cpu_time() >= thread);
        // Read in this order, since the process's own clock keeps moving.
        let own = process_cpu_time();
        assert!(total_cpu_time() >= own);
        let shared = shared_clock();
        assert!(shared_clock() >= shared);
    }
}
