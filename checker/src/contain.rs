//! Containment: every process a check starts ends when the check ends, and
//! when the checker ends, however it ends.
//!
//! A check runs two levels below the checker:
//!
//! ```text
//! checker (a child subreaper)
//!  └─ checker __contain  (the keeper: a child subreaper too)
//!      └─ check_<name>   (its own process group; killed if the keeper dies)
//!          └─ whatever the learner's code starts
//! ```
//!
//! - A process that leaves its parent (`setsid`, a new process group, a
//!   double fork) is still the keeper's descendant: Linux hands an orphan
//!   to the nearest *child subreaper* above it, not to init. So a walk of
//!   `/proc` from the keeper finds every process of the check.
//! - The keeper waits for the check (`wait4`: its exit status and the
//!   operating system's count of its CPU time, which the learner's code
//!   cannot touch), then kills everything still under it, and only then
//!   writes what it saw to a file the checker reads.
//! - The keeper outlives the checker: if the checker is killed (even with
//!   SIGKILL, which nothing can catch) the keeper sees its parent change,
//!   kills everything under it and exits. The check itself dies with the
//!   keeper (`PR_SET_PDEATHSIG`), so killing the keeper is no way out.
//! - The checker is a subreaper too: if the keeper is killed, what was
//!   under it comes up to the checker, which sweeps it after every check.
//!
//! Where there is no `/proc` or no subreaper (macOS), the keeper still
//! waits and kills the check's process group; only processes that left
//! the group can outlive it there.

use rustix::process::{Pid, Signal, WaitOptions};
use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::time::{Duration, Instant};

/// The first argument that makes the checker binary the keeper.
pub const KEEPER_ARG: &str = "__contain";

/// How often the keeper looks whether the check or the checker has ended.
const KEEPER_POLL: Duration = Duration::from_millis(10);

/// How long a sweep keeps killing before it gives up on a process that
/// will not die (one in uninterruptible sleep).
pub const SWEEP_WITHIN: Duration = Duration::from_secs(2);

/// The keeper's exit status when the checker died under it.
const ORPHANED: i32 = 99;

/// One process, as `/proc/<pid>/stat` shows it (read by
/// [`verdict::procfs`]), in the fields containment needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proc {
    /// Its id.
    pub pid: i32,
    /// Its parent's.
    pub ppid: i32,
    /// How many threads it has.
    pub threads: u64,
    /// Ended, but not waited for yet.
    pub zombie: bool,
}

/// Every process on the machine; `None` where there is no `/proc`.
pub fn scan() -> Option<Vec<Proc>> {
    let all = verdict::procfs::all_processes()?;
    Some(
        all.into_iter()
            .filter_map(|stat| {
                Some(Proc {
                    pid: i32::try_from(stat.pid).ok()?,
                    ppid: i32::try_from(stat.ppid).ok()?,
                    threads: stat.threads.unwrap_or(1),
                    zombie: stat.is_ended(),
                })
            })
            .collect(),
    )
}

/// The processes under `root` in `all`: its children, theirs, and so on
/// (not `root` itself).
pub fn tree(all: &[Proc], root: i32) -> Vec<Proc> {
    let mut children: HashMap<i32, Vec<Proc>> = HashMap::new();
    for proc in all {
        children.entry(proc.ppid).or_default().push(*proc);
    }
    let mut found = Vec::new();
    let mut next = vec![root];
    while let Some(parent) = next.pop() {
        for child in children.get(&parent).into_iter().flatten() {
            // (A pid is unique among live processes: no cycles.)
            if child.pid != root {
                found.push(*child);
                next.push(child.pid);
            }
        }
    }
    found
}

/// Memory a process holds for itself: its anonymous memory and its shared
/// memory (`RssAnon` + `RssShmem`), so that pages mapped `MAP_SHARED`
/// count too (in every process that touches them: an overcount only for
/// the rare answer that shares memory on purpose).
fn memory_of(pid: i32) -> u64 {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return 0;
    };
    status
        .lines()
        .filter(|l| l.starts_with("RssAnon:") || l.starts_with("RssShmem:"))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum::<u64>()
        * 1024
}

/// What the processes under a root hold, together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Live processes.
    pub processes: usize,
    /// Their threads.
    pub threads: u64,
    /// Their memory, in bytes (see [`memory_of`]).
    pub memory: u64,
}

/// What the live processes under `root` hold; `None` where there is no
/// `/proc`.
pub fn usage_under(root: i32) -> Option<Usage> {
    let all = scan()?;
    let mut usage = Usage::default();
    for proc in tree(&all, root).into_iter().filter(|p| !p.zombie) {
        usage.processes += 1;
        usage.threads += proc.threads;
        usage.memory += memory_of(proc.pid);
    }
    Some(usage)
}

/// Makes this process a child subreaper: orphans below it come to it, not
/// to init. Linux only; elsewhere it does nothing and says so.
pub fn become_subreaper() -> bool {
    #[cfg(target_os = "linux")]
    {
        // Any pid turns it on (the kernel reads the argument as a flag).
        rustix::process::set_child_subreaper(Some(rustix::process::getpid())).is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// Makes this process's memory and open files closed to other programs of
/// the same user (`PR_SET_DUMPABLE` 0: `/proc/<pid>/fd`, `/proc/<pid>/mem`
/// and `ptrace` need privileges then). The checker holds the reading end
/// of each check's report channel: a learner's process must not open it
/// and read the sealed report (or the seal) before the checker does. A
/// program it starts is dumpable again after `exec`. Linux only.
pub fn close_to_others() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, set_dumpable_behavior};
        let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
}

/// This process's id.
pub fn own_pid() -> i32 {
    rustix::process::getpid().as_raw_pid()
}

/// This process's parent's id: 0 where the parent is outside this
/// process's pid namespace, as `getppid` says.
fn parent_pid() -> i32 {
    Pid::as_raw(rustix::process::getppid())
}

/// The checker's own processes that must outlive every check (the book
/// served beside `watch --book`): sweeps leave them, and everything under
/// them, alone. Only the checker adds to it; a check's orphans come to the
/// checker, never under one of these.
static SPARED: std::sync::Mutex<Vec<i32>> = std::sync::Mutex::new(Vec::new());

/// Keeps process `pid` (a child of the checker's own) and what it starts
/// out of every [`sweep`].
pub fn spare(pid: i32) {
    SPARED.lock().unwrap_or_else(|e| e.into_inner()).push(pid);
}

/// Kills every process under `root` with SIGKILL, and `group` (a process
/// group) where given, again and again until none is left or
/// [`SWEEP_WITHIN`] has passed; waits for those that are this process's
/// children. Returns how many it found alive.
pub fn sweep(root: i32, group: Option<i32>) -> usize {
    let until = Instant::now() + SWEEP_WITHIN;
    let mut killed = std::collections::HashSet::new();
    loop {
        // A group that is gone makes the kill fail with ESRCH.
        if let Some(group) = group.filter(|&g| g > 0).and_then(Pid::from_raw) {
            let _ = rustix::process::kill_process_group(group, Signal::KILL);
        }
        let Some(all) = scan() else {
            break;
        };
        let spared: std::collections::HashSet<i32> = SPARED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .flat_map(|&pid| tree(&all, pid).into_iter().map(|p| p.pid).chain([pid]))
            .collect();
        let under: Vec<Proc> = tree(&all, root)
            .into_iter()
            .filter(|p| !spared.contains(&p.pid))
            .collect();
        let live: Vec<&Proc> = under.iter().filter(|p| !p.zombie).collect();
        for proc in &live {
            killed.insert(proc.pid);
            if let Some(pid) = Pid::from_raw(proc.pid) {
                let _ = rustix::process::kill_process(pid, Signal::KILL);
            }
        }
        // Wait for our own children among them (the others are waited for
        // by their parents, or come to us once those die).
        for proc in under.iter().filter(|p| p.ppid == root) {
            if let Some(pid) = Pid::from_raw(proc.pid) {
                let _ = rustix::process::waitpid(Some(pid), WaitOptions::NOHANG);
            }
        }
        if under.is_empty() || Instant::now() >= until {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    killed.len()
}

/// What the keeper saw of one check, written for the checker once nothing
/// of the check is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept {
    /// The check's raw wait status.
    pub status: i32,
    /// Its CPU time in user mode, with its waited-for children's.
    pub user: Duration,
    /// In kernel mode, likewise.
    pub system: Duration,
    /// Its largest resident size, in KiB.
    pub max_rss_kib: u64,
    /// From its start to its end.
    pub wall: Duration,
    /// Processes still running under it when it ended (all killed).
    pub left_behind: usize,
}

impl Kept {
    /// As lines of `key value`.
    pub fn to_text(self) -> String {
        format!(
            "status {}\nuser_us {}\nsystem_us {}\nmax_rss_kib {}\nwall_us {}\nleft_behind {}\n",
            self.status,
            self.user.as_micros(),
            self.system.as_micros(),
            self.max_rss_kib,
            self.wall.as_micros(),
            self.left_behind
        )
    }

    /// Reads [`Kept::to_text`]'s lines back.
    pub fn from_text(text: &str) -> Option<Kept> {
        let fields: HashMap<&str, i64> = text
            .lines()
            .filter_map(|l| {
                let (k, v) = l.split_once(' ')?;
                Some((k, v.trim().parse().ok()?))
            })
            .collect();
        let micros = |k: &str| Some(Duration::from_micros(u64::try_from(*fields.get(k)?).ok()?));
        Some(Kept {
            status: i32::try_from(*fields.get("status")?).ok()?,
            user: micros("user_us")?,
            system: micros("system_us")?,
            max_rss_kib: u64::try_from(*fields.get("max_rss_kib")?).ok()?,
            wall: micros("wall_us")?,
            left_behind: usize::try_from(*fields.get("left_behind")?).ok()?,
        })
    }
}

/// The keeper: `checker __contain <kept-file> <exe> [args...]`. Runs the
/// check, waits for it, kills what it left, writes [`Kept`] to the file
/// (created anew: nothing of the check is alive to write it by then), and
/// exits 0; exits [`ORPHANED`] after cleaning up if the checker died first.
pub fn keeper_main(args: &[OsString]) -> ! {
    let [kept_path, exe, rest @ ..] = args else {
        eprintln!("usage: checker {KEEPER_ARG} <kept-file> <exe> [args...]");
        std::process::exit(2);
    };
    std::process::exit(keep(Path::new(kept_path), Path::new(exe), rest));
}

fn keep(kept_path: &Path, exe: &Path, args: &[OsString]) -> i32 {
    close_to_others();
    become_subreaper();
    let me = own_pid();
    let parent = parent_pid();
    let _ = std::fs::remove_file(kept_path);
    let mut command = std::process::Command::new(exe);
    command.args(args).process_group(0);
    // Safety: the closure runs in the child between fork and exec, where
    // only async-signal-safe calls are allowed: system calls with values
    // known before the fork, no allocation (an error is an errno, which
    // `std::io::Error` holds without allocating).
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(move || {
            #[cfg(target_os = "linux")]
            {
                // Dies with the keeper; and if the keeper died already
                // (before this call took effect), does not start.
                rustix::process::set_parent_process_death_signal(Some(Signal::KILL))?;
                if parent_pid() != me {
                    // libc: rustix has no `_exit` outside its runtime API,
                    // and `std::process::exit` runs exit handlers, which a
                    // child between fork and exec must not.
                    libc::_exit(ORPHANED);
                }
            }
            Ok(())
        });
    }
    use std::os::unix::process::CommandExt;
    let started = Instant::now();
    let child = match command.spawn() {
        Ok(child) => child,
        Err(err) => {
            eprintln!("could not start {}: {err}", exe.display());
            return 127;
        }
    };
    let check = child.id() as i32;
    let ended = loop {
        let mut status = 0;
        // libc: rustix has no `wait4`, and only it gives the check's own
        // resource usage (its CPU time) with its exit status.
        // Safety: rusage is plain data; wait4 fills it and `status`.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // Everything that has ended: the check, and orphans that came here.
        let mut found = None;
        loop {
            // Safety: as above.
            let pid = unsafe { libc::wait4(-1, &mut status, libc::WNOHANG, &mut usage) };
            if pid <= 0 {
                break;
            }
            if pid == check {
                found = Some((status, usage));
            }
        }
        if let Some(found) = found {
            break found;
        }
        if parent_pid() != parent {
            // The checker is gone: nobody will read a result.
            sweep(me, Some(check));
            return ORPHANED;
        }
        std::thread::sleep(KEEPER_POLL);
    };
    let wall = started.elapsed();
    let left_behind = sweep(me, Some(check));
    let (status, usage) = ended;
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    let kept = Kept {
        status,
        user: time(usage.ru_utime),
        system: time(usage.ru_stime),
        max_rss_kib: usage.ru_maxrss.max(0) as u64,
        wall,
        left_behind,
    };
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(kept_path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, kept.to_text().as_bytes()));
    match written {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("could not write {}: {err}", kept_path.display());
            70
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_holds_every_descendant_and_nothing_else() {
        let p = |pid, ppid| Proc {
            pid,
            ppid,
            threads: 1,
            zombie: false,
        };
        // 10 is the root; 11 and 12 its children; 13 under 12; 20 elsewhere.
        let all = [p(1, 0), p(10, 1), p(11, 10), p(12, 10), p(13, 12), p(20, 1)];
        let mut under: Vec<i32> = tree(&all, 10).iter().map(|p| p.pid).collect();
        under.sort();
        assert_eq!(under, [11, 12, 13]);
        assert!(tree(&all, 13).is_empty());
    }

    #[test]
    fn what_the_keeper_saw_reads_back() {
        let kept = Kept {
            status: 9,
            user: Duration::from_micros(1_250_000),
            system: Duration::from_micros(40),
            max_rss_kib: 5120,
            wall: Duration::from_millis(900),
            left_behind: 2,
        };
        assert_eq!(Kept::from_text(&kept.to_text()), Some(kept));
        assert_eq!(Kept::from_text("status 0\n"), None);
    }

    #[test]
    fn this_process_is_under_its_parent() {
        let parent = parent_pid();
        if let Some(all) = scan() {
            assert!(tree(&all, parent).iter().any(|p| p.pid == own_pid()));
        }
    }
}
