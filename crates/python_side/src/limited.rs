//! Runs a program with a time limit and reads the one JSON line it prints.
//!
//! The program runs in a process group of its own, so that when the limit
//! passes, the program and every process it started (a pool's workers) are
//! killed together.

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal};
use serde::de::DeserializeOwned;

/// How many of a failed program's last stderr lines an error keeps.
const STDERR_TAIL: usize = 6;

/// Why a program gave no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// It could not be started.
    Start(String),
    /// It ran past its limit and was killed.
    TimedOut(Duration),
    /// It exited unsuccessfully; its last words on stderr.
    Failed {
        /// How it ended.
        status: String,
        /// The end of its stderr.
        stderr: String,
    },
    /// It exited successfully, but its last line was not the JSON expected.
    BadOutput(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Start(why) => write!(f, "could not start: {why}"),
            RunError::TimedOut(limit) => write!(f, "timed out after {} s", limit.as_secs_f64()),
            RunError::Failed { status, stderr } if stderr.is_empty() => write!(f, "{status}"),
            RunError::Failed { status, stderr } => write!(f, "{status}: {stderr}"),
            RunError::BadOutput(why) => write!(f, "printed no result: {why}"),
        }
    }
}

impl std::error::Error for RunError {}

/// What a program printed.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

/// Runs `program args...` with stdin closed, killing it (and its process
/// group) once `limit` has passed.
pub fn run(program: &Path, args: &[&str], limit: Duration) -> Result<Finished, RunError> {
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(program)
        .args(args)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| RunError::Start(e.to_string()))?;
    let group = Pid::from_child(&child);
    let readers = [
        read_all(
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
        read_all(
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
    ];
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < limit => std::thread::sleep(Duration::from_millis(5)),
            _ => break None,
        }
    };
    // Whatever it left behind goes too, which also closes the pipes.
    let _ = rustix::process::kill_process_group(group, Signal::KILL);
    let _ = child.wait();
    let [stdout, stderr] = readers.map(|r| r.join().unwrap_or_default());
    match status {
        None => Err(RunError::TimedOut(limit)),
        Some(status) if status.success() => Ok(Finished { stdout, stderr }),
        Some(status) => Err(RunError::Failed {
            status: describe(status),
            stderr: tail(&stderr),
        }),
    }
}

/// Runs the program and reads its last non-empty stdout line as `T`.
pub fn run_json<T: DeserializeOwned>(
    program: &Path,
    args: &[&str],
    limit: Duration,
) -> Result<T, RunError> {
    let finished = run(program, args, limit)?;
    parse_last_line(&finished.stdout)
}

/// The last non-empty line of `stdout`, read as `T`.
pub fn parse_last_line<T: DeserializeOwned>(stdout: &str) -> Result<T, RunError> {
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .ok_or_else(|| RunError::BadOutput("its output was empty".into()))?;
    serde_json::from_str(line).map_err(|e| RunError::BadOutput(format!("{e} in {line:?}")))
}

fn read_all(pipe: Option<Box<dyn Read + Send>>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with status {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        _ => status.to_string(),
    }
}

/// The last few non-empty lines of `text`, on one line each.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(STDERR_TAIL)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, limit: Duration) -> Result<Finished, RunError> {
        run(Path::new("/bin/sh"), &["-c", script], limit)
    }

    #[test]
    fn a_program_past_its_limit_is_killed_with_what_it_started() {
        let started = Instant::now();
        // The background sleep holds the pipe open: it must die too.
        let result = sh("sleep 30 & sleep 30", Duration::from_millis(300));
        assert_eq!(
            result.unwrap_err(),
            RunError::TimedOut(Duration::from_millis(300))
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_failure_keeps_the_end_of_stderr() {
        let err = sh(
            "echo one >&2; echo two >&2; exit 3",
            Duration::from_secs(10),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "exited with status 3: one\ntwo");
    }

    #[test]
    fn the_last_line_is_the_result() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Out {
            x: u32,
        }
        let out: Out = parse_last_line("noise\n{\"x\": 3}\n\n").unwrap();
        assert_eq!(out, Out { x: 3 });
        assert!(matches!(
            parse_last_line::<Out>(""),
            Err(RunError::BadOutput(_))
        ));
        assert!(parse_last_line::<Out>("Traceback").is_err());
    }
}
