//! How a report reaches the checker so that the learner's code cannot
//! forge or replay it.
//!
//! The learner's code runs in the check's process, and can write any file
//! the check can. So the checker does not read the report from a file: it
//! opens two pipes for each run and hands the check their ends as file
//! descriptors, named in the environment:
//!
//! - [`SEAL_FD_ENV`]: the read end of a pipe holding this run's secret, a
//!   random seal, on its first line, and a random challenge (hexadecimal)
//!   on its second, and, when the checker relays the check's HTTP requests
//!   to count them itself, `relay <address>` on its third; then closed. The check harness reads it before any of
//!   the learner's code runs, and closes it.
//! - [`REPORT_FD_ENV`]: the write end of a pipe whose read end only the
//!   checker holds. The harness moves it to a descriptor that is closed on
//!   `exec`, and writes one report there, carrying the seal, at the end.
//!
//! A report without this run's seal, or anything else written to the pipe
//! (by code that found the descriptor), is not trusted and earns nothing;
//! a report kept from an earlier run carries an earlier seal. Outside the
//! checker (neither variable set) a check prints its report instead.

use crate::Report;
use std::fs::File;
use std::io::{Read, Write};

/// Names the descriptor the run's seal is read from.
pub const SEAL_FD_ENV: &str = "CHECK_SEAL_FD";
/// Names the descriptor the report is written to.
pub const REPORT_FD_ENV: &str = "CHECK_REPORT_FD";
/// The descriptor the checker puts the seal's pipe on.
pub const SEAL_FD: i32 = 3;
/// The descriptor the checker puts the report's pipe on.
pub const REPORT_FD: i32 = 4;
/// The longest seal read (the checker's are 64 hex digits, then a
/// 16-digit challenge).
const SEAL_MAX: u64 = 256;
/// The argument that asks a check binary for the digest of the right
/// answer to the challenge that follows it, computed without the learner's
/// code: `check_x --expect <challenge>` prints it, or `none`.
pub const EXPECT_ARG: &str = "--expect";

/// Starts the seal pipe's line that gives the checker's relay.
pub const RELAY_LINE: &str = "relay ";
/// Starts the `--expect` line that gives the least a passing run sends
/// through the checker's relay.
pub const SERVED_LINE: &str = "served ";

/// Traffic through the checker's relay: requests, and the most in flight
/// at once. Asked `--expect`, a check binary prints the least that any run
/// of it makes before it can pass; a kept report holds what the relay saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Served {
    /// Requests.
    pub requests: u64,
    /// The most requests in flight at once.
    pub peak: u64,
}

impl Served {
    /// Its `--expect` line.
    pub fn line(&self) -> String {
        format!("{SERVED_LINE}{} {}", self.requests, self.peak)
    }

    /// The `served` line of an `--expect` answer, if it has one.
    pub fn find(answer: &str) -> Option<Served> {
        answer.lines().find_map(|line| {
            let mut numbers = line.strip_prefix(SERVED_LINE)?.split_whitespace();
            Some(Served {
                requests: numbers.next()?.parse().ok()?,
                peak: numbers.next()?.parse().ok()?,
            })
        })
    }
}

/// The check's end of the channel: the seal, and where the report goes.
#[derive(Debug)]
pub struct Channel {
    seal: String,
    challenge: Option<u64>,
    relay: Option<std::net::SocketAddr>,
    report: File,
    taken: std::time::Instant,
}

impl Channel {
    /// Takes the channel the checker opened, if it did: reads the seal,
    /// closes its descriptor, moves the report's to one closed on `exec`,
    /// and removes both variables from the environment. Call it first in
    /// `main`, before any thread starts and before the learner's code runs.
    #[cfg(unix)]
    pub fn take() -> Option<Channel> {
        use std::os::fd::FromRawFd;
        let seal_fd = fd_from_env(SEAL_FD_ENV)?;
        let report_fd = fd_from_env(REPORT_FD_ENV)?;
        // Safety: called at the start of `main`, before any other thread
        // exists, so nothing reads the environment meanwhile.
        unsafe {
            std::env::remove_var(SEAL_FD_ENV);
            std::env::remove_var(REPORT_FD_ENV);
        }
        // Safety: the checker opened these descriptors for this process
        // and nothing else in it owns them; each is wrapped once, here.
        let (mut seal_file, inherited) =
            unsafe { (File::from_raw_fd(seal_fd), File::from_raw_fd(report_fd)) };
        let mut seal = String::new();
        let read = (&mut seal_file).take(SEAL_MAX).read_to_string(&mut seal);
        drop(seal_file);
        // `try_clone` duplicates with close-on-exec; dropping the original
        // closes the inherited descriptor.
        let report = inherited.try_clone().ok()?;
        drop(inherited);
        read.ok()?;
        let mut lines = seal.lines();
        let seal = lines.next().unwrap_or_default().trim().to_owned();
        let challenge = lines
            .next()
            .and_then(|line| u64::from_str_radix(line.trim(), 16).ok());
        let relay = lines
            .next()
            .and_then(|line| line.strip_prefix(RELAY_LINE)?.trim().parse().ok());
        (!seal.is_empty()).then_some(Channel {
            seal,
            challenge,
            relay,
            report,
            taken: std::time::Instant::now(),
        })
    }

    /// Elsewhere there is no channel: the report is printed.
    #[cfg(not(unix))]
    pub fn take() -> Option<Channel> {
        None
    }

    /// The checker's random challenge for this run, if it sent one: the
    /// seed of small work whose answer the checker verifies itself.
    pub fn challenge(&self) -> Option<u64> {
        self.challenge
    }

    /// The checker's relay for this run, if it runs one: page URLs should
    /// go through it, so that the checker counts the requests itself.
    pub fn relay(&self) -> Option<std::net::SocketAddr> {
        self.relay
    }

    /// Seals `report`, adds what this process has spent so far, and sends
    /// it to the checker.
    pub fn send(mut self, mut report: Report) -> std::io::Result<()> {
        report.seal = Some(std::mem::take(&mut self.seal));
        report.spent = Some(crate::Spent {
            wall_ms: self.taken.elapsed().as_secs_f64() * 1e3,
            cpu_ms: cpu_so_far().as_secs_f64() * 1e3,
        });
        self.report.write_all(report.to_json().as_bytes())?;
        self.report.flush()
    }
}

/// This process's CPU time, user and system, with its waited-for
/// children's.
#[cfg(unix)]
fn cpu_so_far() -> std::time::Duration {
    let of = |who| {
        // Safety: a zeroed rusage is a valid value of this plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // Safety: getrusage writes one rusage into the struct it is given.
        if unsafe { libc::getrusage(who, &mut usage) } != 0 {
            return std::time::Duration::ZERO;
        }
        let time = |t: libc::timeval| {
            std::time::Duration::new(t.tv_sec.max(0) as u64, (t.tv_usec.max(0) as u32) * 1000)
        };
        time(usage.ru_utime) + time(usage.ru_stime)
    };
    of(libc::RUSAGE_SELF) + of(libc::RUSAGE_CHILDREN)
}

#[cfg(not(unix))]
fn cpu_so_far() -> std::time::Duration {
    std::time::Duration::ZERO
}

/// Lifts this process's limit on open files to `at_most`, or to its hard
/// limit if that is lower. Traffic through the checker's relay holds
/// descriptors at both ends: the relay two for each of a check's
/// connections, and a check's own servers and clients one each, so a
/// thousand connections at once need more than the usual 1,024. Best
/// effort: a limit that cannot be raised is left as it was.
#[cfg(unix)]
pub fn raise_open_files_limit(at_most: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    // `None` is no limit at all.
    let (current, maximum) = (
        limit.current.unwrap_or(u64::MAX),
        limit.maximum.unwrap_or(u64::MAX),
    );
    let want = maximum.min(at_most);
    if current < want {
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(want),
                maximum: limit.maximum,
            },
        );
    }
}

/// Elsewhere the limit stays as it is.
#[cfg(not(unix))]
pub fn raise_open_files_limit(_at_most: u64) {}

fn fd_from_env(name: &str) -> Option<i32> {
    std::env::var(name)
        .ok()?
        .parse()
        .ok()
        .filter(|fd: &i32| *fd > 2)
}

/// Why the text the checker read from the report pipe gave no report it
/// can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unopened {
    /// Nothing came.
    Nothing,
    /// What came is not one JSON report.
    Unreadable(String),
    /// More than one thing came: something else wrote to the channel.
    MoreThanOne,
    /// The report carries no seal, or another run's.
    Unsealed {
        /// Whether it carried a seal at all.
        carried_one: bool,
    },
    /// A sealed report in a format this checker does not read: the check
    /// was built against another version of the course's crates.
    Version {
        /// The report's `format_version`.
        found: u32,
    },
}

impl Unopened {
    /// Whether the report may be forged or replayed (it earns nothing), as
    /// against written by a check of another version (rebuild).
    pub fn is_untrusted(&self) -> bool {
        !matches!(self, Unopened::Version { .. })
    }
}

impl std::fmt::Display for Unopened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unopened::Nothing => write!(f, "no report came"),
            Unopened::Unreadable(err) => write!(f, "the report could not be read ({err})"),
            Unopened::MoreThanOne => write!(
                f,
                "more than one report came (something else wrote to the report channel)"
            ),
            Unopened::Unsealed { carried_one: true } => {
                write!(f, "the report carries another run's seal")
            }
            Unopened::Unsealed { carried_one: false } => write!(f, "the report carries no seal"),
            Unopened::Version { found } => write!(
                f,
                "a report in format {found} (this checker reads {}): rebuild the checker",
                crate::FORMAT_VERSION
            ),
        }
    }
}

impl std::error::Error for Unopened {}

/// The report the checker read from the report pipe, if it can use it: it
/// must be exactly one report, sealed with `seal`, in the format this
/// checker reads ([`crate::FORMAT_VERSION`], asked before the rest is read,
/// since another format may not parse). Returned without its seal.
pub fn open(text: &str, seal: &str) -> Result<Report, Unopened> {
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    let value = match values.next() {
        Some(Ok(value)) => value,
        Some(Err(err)) => return Err(Unopened::Unreadable(err.to_string())),
        None => return Err(Unopened::Nothing),
    };
    if values.next().is_some() {
        return Err(Unopened::MoreThanOne);
    }
    let carried = value.get("seal").and_then(|s| s.as_str());
    if carried != Some(seal) {
        return Err(Unopened::Unsealed {
            carried_one: carried.is_some(),
        });
    }
    let version = value.get("format_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(crate::FORMAT_VERSION)) {
        return Err(match version.and_then(|v| u32::try_from(v).ok()) {
            Some(found) => Unopened::Version { found },
            None => Unopened::Unreadable("it has no format_version".to_owned()),
        });
    }
    let report: Report =
        serde_json::from_value(value).map_err(|err| Unopened::Unreadable(err.to_string()))?;
    Ok(Report {
        seal: None,
        ..report
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Evidence;

    fn sealed(seal: &str) -> String {
        let mut report = Report::new("x").with(Evidence::pass("correct", "all right"));
        report.seal = Some(seal.to_owned());
        report.to_json()
    }

    #[test]
    fn the_least_traffic_a_pass_needs_is_found_in_an_expect_answer() {
        let served = Served {
            requests: 96,
            peak: 8,
        };
        assert_eq!(served.line(), "served 96 8");
        assert_eq!(
            Served::find(&format!("none\n{}\n", served.line())),
            Some(served)
        );
        assert_eq!(Served::find("none\n"), None);
        assert_eq!(Served::find("none\nserved 96\n"), None);
        assert_eq!(Served::find("served x 8"), None);
    }

    #[test]
    #[cfg(unix)]
    fn the_open_files_limit_rises_to_what_is_asked_within_the_hard_limit() {
        use rustix::process::{Resource, getrlimit};
        raise_open_files_limit(2_048);
        let limit = getrlimit(Resource::Nofile);
        let want = limit.maximum.unwrap_or(u64::MAX).min(2_048);
        assert!(limit.current.unwrap_or(u64::MAX) >= want);
    }

    #[test]
    fn only_one_report_with_this_runs_seal_is_trusted() {
        let report = open(&sealed("abc"), "abc").unwrap();
        assert_eq!(report.seal, None);
        assert_eq!(report.evidence.len(), 1);
        let unsealed = Report::new("x").to_json();
        let err = open(&unsealed, "abc").unwrap_err();
        assert_eq!(err, Unopened::Unsealed { carried_one: false });
        assert_eq!(err.to_string(), "the report carries no seal");
        assert!(err.is_untrusted());
        let old = open(&sealed("old"), "abc").unwrap_err();
        assert!(old.to_string().contains("another run"), "{old}");
        let twice = format!("{}{}", sealed("abc"), sealed("abc"));
        assert_eq!(open(&twice, "abc").unwrap_err(), Unopened::MoreThanOne);
        assert_eq!(open("", "abc").unwrap_err(), Unopened::Nothing);
        let forged = open("{\"forged\":", "abc").unwrap_err();
        assert!(forged.to_string().contains("could not be read"), "{forged}");
    }

    #[test]
    fn a_sealed_report_of_another_format_asks_for_a_rebuild() {
        // A future format whose fields would not parse as this one's.
        let future = r#"{"format_version": 2, "seal": "abc", "evidence": "changed"}"#;
        let err = open(future, "abc").unwrap_err();
        assert_eq!(err, Unopened::Version { found: 2 });
        assert!(!err.is_untrusted());
        assert!(err.to_string().contains("rebuild the checker"), "{err}");
        // Unsealed, the version does not matter: it is not trusted.
        let unsealed = r#"{"format_version": 2}"#;
        assert!(open(unsealed, "abc").unwrap_err().is_untrusted());
    }
}
