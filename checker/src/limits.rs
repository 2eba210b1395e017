//! The limits a check runs under besides its timeout: how much it may
//! print, how much memory each of its processes may take, and how many
//! processes it may have at once. A learner's runaway loop meets one of
//! them, gets a verdict, and leaves the machine usable.
//!
//! How each is enforced, and why that way:
//!
//! - **output**: the checker reads the check's standard output and error
//!   itself, keeps the first and the last lines, and kills the process
//!   group once [`Limits::output_bytes`] have come through.
//! - **memory**: `RLIMIT_DATA`, set in the child between `fork` and `exec`,
//!   so every process of the check (and each worker it starts) inherits it.
//!   Unlike `RLIMIT_AS` it counts only writable private memory, so the
//!   address space that threads and allocators reserve without using costs
//!   nothing. An allocation past it fails; Rust then prints `memory
//!   allocation of N bytes failed` and aborts, which the checker reads.
//! - **processes**: the check's process group is counted through `/proc`
//!   while it runs, and killed past [`Limits::processes`]. `RLIMIT_NPROC`
//!   would count every process of the user (the desktop too) and is not
//!   enforced for root; a cgroup needs privileges or systemd's delegation.
//!   Counting is cheap: the whole of `/proc` is read only when the machine's
//!   count of threads (`/proc/loadavg`) has grown by that much. Where there
//!   is no `/proc` (macOS), only the timeout applies.

use std::path::Path;
use std::time::{Duration, Instant};

/// Overrides [`OUTPUT_BYTES`], in MiB.
pub const OUTPUT_ENV: &str = "CHECKER_LIMIT_OUTPUT_MB";
/// Overrides the memory limit, in MiB.
pub const MEMORY_ENV: &str = "CHECKER_LIMIT_MEMORY_MB";
/// Overrides [`PROCESSES`].
pub const PROCESSES_ENV: &str = "CHECKER_LIMIT_PROCESSES";

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// Bytes of output (standard output and error together) a check may print:
/// a print in a loop of every work item stays far below it.
pub const OUTPUT_BYTES: u64 = 16 * MIB;
/// The memory limit is a quarter of the machine's memory, within these
/// bounds. Every solution passes at 512 MiB; the ceiling leaves room for
/// heavier answers (hundreds of threads reserve 2 MiB of stack each), and is
/// low enough that a runaway reaches it in seconds: on a virtual machine
/// that backs memory lazily, filling 2 GiB took 5 s, 4 GiB more than 10 s.
pub const MEMORY_FLOOR: u64 = 512 * MIB;
/// See [`MEMORY_FLOOR`].
pub const MEMORY_CEILING: u64 = 2 * GIB;
/// Processes a check may have at once: its workers number a few dozen at
/// most, a process per task on a thousand tasks reaches hundreds.
pub const PROCESSES: usize = 256;

/// How often the process group is counted (at most).
const COUNT_EVERY: Duration = Duration::from_millis(200);

/// The limits of one check run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of output before the check is stopped.
    pub output_bytes: u64,
    /// Bytes of memory (`RLIMIT_DATA`) each process may have.
    pub memory_bytes: u64,
    /// Processes in the check's group at once.
    pub processes: usize,
}

impl Limits {
    /// The limits for this machine, each overridable from the environment.
    pub fn for_this_machine() -> Limits {
        let number = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|&n| n > 0)
        };
        Limits {
            output_bytes: number(OUTPUT_ENV).map_or(OUTPUT_BYTES, |mb| mb * MIB),
            memory_bytes: number(MEMORY_ENV)
                .map_or_else(|| memory_for(physical_memory()), |mb| mb * MIB),
            processes: number(PROCESSES_ENV).map_or(PROCESSES, |n| n as usize),
        }
    }
}

/// A quarter of `ram`, between [`MEMORY_FLOOR`] and [`MEMORY_CEILING`]; the
/// ceiling when the machine does not say.
pub fn memory_for(ram: Option<u64>) -> u64 {
    ram.map_or(MEMORY_CEILING, |ram| {
        (ram / 4).clamp(MEMORY_FLOOR, MEMORY_CEILING)
    })
}

/// The machine's memory in bytes, when it says.
fn physical_memory() -> Option<u64> {
    // Safety: sysconf has no preconditions; it returns -1 for an unknown
    // name.
    let (pages, size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    (pages > 0 && size > 0).then(|| pages as u64 * size as u64)
}

/// What `setrlimit(RLIMIT_DATA)` is given in the child: `bytes`, or the
/// hard limit already in force if that is lower (raising it needs
/// privileges).
pub fn memory_rlimit(bytes: u64) -> libc::rlimit {
    let mut current = libc::rlimit {
        rlim_cur: libc::RLIM_INFINITY,
        rlim_max: libc::RLIM_INFINITY,
    };
    // Safety: getrlimit writes one rlimit into the valid struct we pass.
    unsafe {
        libc::getrlimit(libc::RLIMIT_DATA, &mut current);
    }
    let wanted = bytes as libc::rlim_t;
    let limit = if current.rlim_max == libc::RLIM_INFINITY {
        wanted
    } else {
        wanted.min(current.rlim_max)
    };
    libc::rlimit {
        rlim_cur: limit,
        rlim_max: limit,
    }
}

/// Whether a program's standard error says an allocation failed (Rust's
/// `memory allocation of 1048576 bytes failed`, before it aborts).
pub fn ran_out_of_memory(stderr: &str) -> bool {
    stderr
        .lines()
        .any(|l| l.starts_with("memory allocation of ") && l.ends_with(" bytes failed"))
}

/// Counts the processes of one group while it runs, cheaply.
#[derive(Debug)]
pub struct GroupCounter {
    group: i32,
    /// The machine's thread count when the group started.
    baseline: Option<u64>,
    last: Option<Instant>,
}

impl GroupCounter {
    /// A counter for process group `group`, started now.
    pub fn new(group: i32) -> GroupCounter {
        GroupCounter {
            group,
            baseline: machine_threads(),
            last: None,
        }
    }

    /// The group's processes now, when it may be more than `limit` (and it
    /// was not counted in the last [`COUNT_EVERY`]); `None` otherwise.
    pub fn over(&mut self, limit: usize) -> Option<usize> {
        let baseline = self.baseline?;
        let now = machine_threads()?;
        if now < baseline + limit as u64 {
            return None;
        }
        if self.last.is_some_and(|t| t.elapsed() < COUNT_EVERY) {
            return None;
        }
        self.last = Some(Instant::now());
        let members = group_members(self.group)?;
        (members > limit).then_some(members)
    }
}

/// The machine's threads, from the fourth field of `/proc/loadavg`
/// (`0.82 1.08 0.80 1/105 27819`).
fn machine_threads() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace()
        .nth(3)?
        .split_once('/')?
        .1
        .parse()
        .ok()
}

/// The live processes (not zombies) in process group `group`; `None`
/// where there is no `/proc`.
pub fn group_members(group: i32) -> Option<usize> {
    let entries = std::fs::read_dir("/proc").ok()?;
    let mut count = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(Path::new("/proc").join(pid).join("stat")) else {
            continue;
        };
        if let Some((state, pgrp)) = state_and_group(&stat)
            && pgrp == group
            && state != "Z"
            && state != "X"
        {
            count += 1;
        }
    }
    Some(count)
}

/// The state and process group of a `/proc/<pid>/stat` line: fields 3 and
/// 5, after the command name, which may hold spaces and parentheses.
fn state_and_group(stat: &str) -> Option<(&str, i32)> {
    let after = &stat[stat.rfind(')')? + 1..];
    let mut fields = after.split_whitespace();
    let state = fields.next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

/// `16 MiB`, `4 GiB`, `1.5 GiB`.
pub fn bytes_in_words(bytes: u64) -> String {
    if bytes >= GIB {
        let gib = bytes as f64 / GIB as f64;
        if (gib - gib.round()).abs() < 0.05 {
            format!("{gib:.0} GiB")
        } else {
            format!("{gib:.1} GiB")
        }
    } else {
        format!("{} MiB", bytes.div_ceil(MIB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_is_a_quarter_of_the_machine_within_bounds() {
        assert_eq!(memory_for(Some(24 * GIB)), 2 * GIB);
        assert_eq!(memory_for(Some(4 * GIB)), GIB);
        assert_eq!(memory_for(Some(GIB)), 512 * MIB);
        assert_eq!(memory_for(None), 2 * GIB);
    }

    #[test]
    fn reads_the_state_and_group_of_a_stat_line() {
        let stat = "4121 (check (x) y) S 4000 4119 4000 0 -1 4194560";
        assert_eq!(state_and_group(stat), Some(("S", 4119)));
        assert_eq!(state_and_group("garbage"), None);
    }

    #[test]
    fn knows_rust_s_out_of_memory_message() {
        assert!(ran_out_of_memory(
            "starting\nmemory allocation of 1048576 bytes failed\n"
        ));
        assert!(!ran_out_of_memory(
            "thread 'main' panicked at src/lib.rs:1:1:\ncapacity overflow\n"
        ));
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(bytes_in_words(16 * MIB), "16 MiB");
        assert_eq!(bytes_in_words(4 * GIB), "4 GiB");
        assert_eq!(bytes_in_words(3 * GIB / 2), "1.5 GiB");
    }

    #[test]
    fn this_process_is_in_its_own_group() {
        // Safety: getpgrp has no preconditions.
        let group = unsafe { libc::getpgrp() };
        if let Some(count) = group_members(group) {
            assert!(count >= 1);
        }
    }
}
