//! What `/proc/<pid>/stat` (or a thread's `/proc/<pid>/task/<tid>/stat`)
//! says of a process or a thread: one reader for the checker, which
//! contains a check's processes, and for the checks, which watch the
//! learner's. Both sides depend on this crate, so the parser lives here.
//!
//! ```
//! use verdict::procfs::ProcStat;
//!
//! let stat = ProcStat::parse("42 (my (odd) name) S 7 42 42 0 -1 0").unwrap();
//! assert_eq!((stat.pid, stat.name.as_str(), stat.ppid), (42, "my (odd) name", 7));
//! ```

use std::path::Path;

/// A process's or a thread's stat line, in the fields the course reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcStat {
    /// Its id (for a thread, its thread id).
    pub pid: u32,
    /// Its command name (`comm`, at most 15 bytes): a thread's own name.
    pub name: String,
    /// Its state: `R` running or ready to run, `S` asleep, `D` asleep in
    /// the kernel, `Z` ended but not waited for, `X` dead, and others.
    pub state: char,
    /// Its parent's pid (for a thread, its process's parent's).
    pub ppid: u32,
    /// The kernel's flags for it (`PF_*`); `None` on a line too short.
    pub flags: Option<u64>,
    /// How many threads its process has; `None` on a line too short.
    pub threads: Option<u64>,
    /// For a process that has ended, its wait status (field 52, since
    /// Linux 3.5); `None` where the line has no such field.
    pub exit_code: Option<i32>,
}

impl ProcStat {
    /// Reads a stat line: "pid (comm) state ppid ...". The command name
    /// may hold spaces and parentheses, so the fields are read after the
    /// last `)`. `None` if the line has no pid, name, state or parent.
    pub fn parse(line: &str) -> Option<ProcStat> {
        let pid = line.split_whitespace().next()?.parse().ok()?;
        let close = line.rfind(')')?;
        let name = line
            .find('(')
            .filter(|&open| open < close)
            .map_or("", |open| &line[open + 1..close]);
        // Fields counted from the state, the line's third.
        let fields: Vec<&str> = line[close + 1..].split_whitespace().collect();
        let field = |n: usize| fields.get(n - 3).copied();
        Some(ProcStat {
            pid,
            name: name.to_owned(),
            state: fields.first()?.chars().next()?,
            ppid: field(4)?.parse().ok()?,
            flags: field(9).and_then(|f| f.parse().ok()),
            threads: field(20).and_then(|f| f.parse().ok()),
            exit_code: field(52).and_then(|f| f.parse().ok()),
        })
    }

    /// Reads and parses the stat file at `path`; `None` if it cannot be
    /// read (no `/proc`, or the process or thread is gone).
    pub fn read(path: &Path) -> Option<ProcStat> {
        ProcStat::parse(&std::fs::read_to_string(path).ok()?)
    }

    /// What `/proc/<pid>/stat` says of process `pid`.
    pub fn of_pid(pid: u32) -> Option<ProcStat> {
        ProcStat::read(Path::new(&format!("/proc/{pid}/stat")))
    }

    /// Ended, or ending: a zombie (`Z`) or dead (`X`).
    pub fn is_ended(&self) -> bool {
        matches!(self.state, 'Z' | 'X')
    }
}

/// Every process on the machine, as `/proc` lists them; `None` where there
/// is no `/proc`. A process that ends while the list is read is left out.
pub fn all_processes() -> Option<Vec<ProcStat>> {
    let entries = std::fs::read_dir("/proc").ok()?;
    let mut all = Vec::new();
    for entry in entries.flatten() {
        let is_pid = entry
            .file_name()
            .to_str()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if is_pid && let Some(stat) = ProcStat::read(&entry.path().join("stat")) {
            all.push(stat);
        }
    }
    Some(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_line_is_read_after_the_last_parenthesis_of_its_name() {
        let mut line = String::from(
            "4121 (check (x) y) S 4000 4119 4000 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 7",
        );
        line.push_str(&" 0".repeat(31));
        line.push_str(" 9\n");
        assert_eq!(
            ProcStat::parse(&line),
            Some(ProcStat {
                pid: 4121,
                name: "check (x) y".into(),
                state: 'S',
                ppid: 4000,
                flags: Some(4_194_560),
                threads: Some(7),
                exit_code: Some(9),
            })
        );
        let short = ProcStat::parse("9 (x) Z 1").unwrap();
        assert!(short.is_ended());
        assert_eq!(
            (short.flags, short.threads, short.exit_code),
            (None, None, None)
        );
        assert_eq!(ProcStat::parse("12 (a) b) R"), None);
        assert_eq!(ProcStat::parse("garbage"), None);
        assert_eq!(ProcStat::parse("x (a) R 1"), None, "no pid");
        assert_eq!(
            ProcStat::parse("7 x) S 1 (y").map(|s| s.name),
            Some(String::new())
        );
    }

    #[test]
    fn this_process_is_found_with_its_parent() {
        if let Some(me) = ProcStat::of_pid(std::process::id()) {
            assert_eq!(me.pid, std::process::id());
            assert_eq!(me.ppid, std::os::unix::process::parent_id());
            assert!(me.threads.is_some_and(|n| n >= 1));
            let all = all_processes().unwrap();
            assert!(all.iter().any(|p| p.pid == me.pid));
        }
    }
}
