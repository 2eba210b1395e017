//! The limits a check runs under besides its timeout: how much it may
//! print, how much memory its processes may take (each, and together), how
//! many processes and threads it may have at once, and how large a file it
//! may write. A learner's runaway loop meets one of them, gets a verdict,
//! and leaves the machine usable.
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
//!   Together, the check's processes may hold as much again: every
//!   [`COUNT_EVERY`] the checker adds up the anonymous and shared memory
//!   (`RssAnon` + `RssShmem`, so `MAP_SHARED` pages count) of every process
//!   under the check ([`crate::contain`]), and stops it past the limit.
//! - **processes** and **threads**: counted the same way, over every
//!   process under the check, including those that left its process group
//!   or session. `RLIMIT_NPROC` would count every process of the user (the
//!   desktop too) and is not enforced for root; a cgroup needs privileges
//!   or systemd's delegation. Where there is no `/proc` (macOS), only the
//!   timeout applies.
//! - **file size**: `RLIMIT_FSIZE`, inherited like `RLIMIT_DATA`: a write
//!   past it fails and the kernel sends `SIGXFSZ`, which ends the process.

use rustix::process::{Resource, Rlimit};
use std::time::Duration;

/// Overrides [`OUTPUT_BYTES`], in MiB.
pub const OUTPUT_ENV: &str = "CHECKER_LIMIT_OUTPUT_MB";
/// Overrides the memory limit, in MiB.
pub const MEMORY_ENV: &str = "CHECKER_LIMIT_MEMORY_MB";
/// Overrides [`PROCESSES`].
pub const PROCESSES_ENV: &str = "CHECKER_LIMIT_PROCESSES";
/// Overrides [`THREADS`].
pub const THREADS_ENV: &str = "CHECKER_LIMIT_THREADS";
/// Overrides [`FILE_BYTES`], in MiB.
pub const FILE_ENV: &str = "CHECKER_LIMIT_FILE_MB";

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
/// Threads a check's processes may have together at once: a thread per
/// task on a thousand tasks stays below it.
pub const THREADS: u64 = 4096;
/// The largest file a check's process may write: its reports and pictures
/// take kilobytes, and no exercise writes files of its own.
pub const FILE_BYTES: u64 = 64 * MIB;

/// How often the check's processes are counted.
pub const COUNT_EVERY: Duration = Duration::from_millis(250);

/// The limits of one check run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of output before the check is stopped.
    pub output_bytes: u64,
    /// Bytes of memory (`RLIMIT_DATA`) each process may have, and all of
    /// them together.
    pub memory_bytes: u64,
    /// Processes under the check at once.
    pub processes: usize,
    /// Their threads together.
    pub threads: u64,
    /// Bytes one file may grow to (`RLIMIT_FSIZE`).
    pub file_bytes: u64,
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
            threads: number(THREADS_ENV).unwrap_or(THREADS),
            file_bytes: number(FILE_ENV).map_or(FILE_BYTES, |mb| mb * MIB),
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
    // libc: rustix has no `sysconf`, and its `sysinfo` is Linux only.
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

/// What `setrlimit(resource)` is given in the child: `bytes`, or the hard
/// limit already in force if that is lower (raising it needs privileges).
pub fn rlimit(resource: Resource, bytes: u64) -> Rlimit {
    // A hard limit of `None` is none at all.
    let limit = match rustix::process::getrlimit(resource).maximum {
        Some(hard) => bytes.min(hard),
        None => bytes,
    };
    Rlimit {
        current: Some(limit),
        maximum: Some(limit),
    }
}

/// Whether a program's standard error says an allocation failed (Rust's
/// `memory allocation of 1048576 bytes failed`, before it aborts).
pub fn ran_out_of_memory(stderr: &str) -> bool {
    stderr
        .lines()
        .any(|l| l.starts_with("memory allocation of ") && l.ends_with(" bytes failed"))
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
}
