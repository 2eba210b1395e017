//! Runs one check binary in its own process group with a timeout, and turns
//! what it left behind (a report file, an exit status, its output) into an
//! [`Outcome`]. Nothing it started survives it.

use crate::outcome::{CrashPanic, Outcome};
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use verdict::{REPORT_PATH_ENV, Report};

/// How often the child is polled.
const POLL: Duration = Duration::from_millis(10);
/// Bytes of output kept from each stream.
const KEEP_BYTES: usize = 64 * 1024;
/// Lines of output shown after a crash.
const TAIL_LINES: usize = 12;

/// Ctrl-C was pressed while the check ran; it has been killed.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted: stopped the running check")
    }
}

impl std::error::Error for Interrupted {}

/// Why a check could not be run.
#[derive(Debug)]
pub enum RunError {
    /// The executable could not be started.
    Spawn(std::io::Error),
    /// Ctrl-C.
    Interrupted(Interrupted),
}

/// Runs `exe` from `cwd`, telling it to write its report to `report_path`.
/// `interrupted` is polled; when it turns true the check is killed.
pub fn run_check(
    exe: &Path,
    cwd: &Path,
    report_path: &Path,
    timeout: Duration,
    interrupted: &dyn Fn() -> bool,
) -> Result<Outcome, RunError> {
    let _ = std::fs::remove_file(report_path);
    let mut child = Command::new(exe)
        .current_dir(cwd)
        .env(REPORT_PATH_ENV, report_path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A group of its own: one kill reaches every process it started.
        .process_group(0)
        .spawn()
        .map_err(RunError::Spawn)?;
    let (done, finished) = mpsc::channel();
    let stdout = capture(child.stdout.take(), done.clone());
    let stderr = capture(child.stderr.take(), done);

    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if interrupted() {
            kill_group(&mut child);
            return Err(RunError::Interrupted(Interrupted));
        }
        if Instant::now() >= deadline {
            break None;
        }
        std::thread::sleep(POLL);
    };
    // Whether it exited or not, end everything left in its group, so that no
    // grandchild keeps running or keeps our pipes open.
    kill_group(&mut child);
    for _ in 0..2 {
        let _ = finished.recv_timeout(Duration::from_secs(2));
    }
    let Some(status) = status else {
        return Ok(Outcome::TimedOut {
            secs: timeout.as_secs(),
        });
    };
    let stdout = take(&stdout);
    let stderr = take(&stderr);
    if let Ok(text) = std::fs::read_to_string(report_path) {
        return Ok(match Report::from_json(&text) {
            Ok(report) if report.format_version == verdict::FORMAT_VERSION => {
                Outcome::Report(report)
            }
            Ok(report) => Outcome::Crashed {
                status: format!(
                    "a report in format {} (this checker reads {}): rebuild the checker",
                    report.format_version,
                    verdict::FORMAT_VERSION
                ),
                panic: None,
                output_tail: String::new(),
            },
            Err(err) => {
                let (panic, output_tail) = crash_details(&stderr, &stdout);
                Outcome::Crashed {
                    status: format!("{}, with an unreadable report ({err})", describe(status)),
                    panic,
                    output_tail,
                }
            }
        });
    }
    let (panic, output_tail) = crash_details(&stderr, &stdout);
    Ok(Outcome::Crashed {
        status: describe(status),
        panic,
        output_tail,
    })
}

/// SIGKILL to the child's whole process group, then reap the child.
fn kill_group(child: &mut Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        // Safety: `kill` has no memory-safety preconditions; a group that is
        // already gone only makes it return ESRCH.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.wait();
}

fn capture<R: Read + Send + 'static>(
    stream: Option<R>,
    done: mpsc::Sender<()>,
) -> Arc<Mutex<Vec<u8>>> {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buffer);
    std::thread::spawn(move || {
        if let Some(mut stream) = stream {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = stream.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                let mut kept = sink.lock().unwrap_or_else(|e| e.into_inner());
                kept.extend_from_slice(&chunk[..n]);
                if kept.len() > KEEP_BYTES {
                    let excess = kept.len() - KEEP_BYTES;
                    kept.drain(..excess);
                }
            }
        }
        let _ = done.send(());
    });
    buffer
}

fn take(buffer: &Arc<Mutex<Vec<u8>>>) -> String {
    let bytes = buffer.lock().unwrap_or_else(|e| e.into_inner());
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `exit status 101`, or `killed by signal 11 (SIGSEGV)`.
pub fn describe(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    match status.signal() {
        Some(signal) => match signal_name(signal) {
            Some(name) => format!("killed by signal {signal} ({name})"),
            None => format!("killed by signal {signal}"),
        },
        None => "an unknown exit status".to_owned(),
    }
}

fn signal_name(signal: i32) -> Option<&'static str> {
    Some(match signal {
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGILL => "SIGILL",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGTERM => "SIGTERM",
        _ => return None,
    })
}

/// Finds the first panic in a program's standard error, in the format
/// `thread 'main' panicked at src/lib.rs:3:5:\n<message>` (newer toolchains
/// add the thread id: `thread 'main' (1234) panicked at`). Also returns the
/// lines printed before it.
pub fn parse_panic(stderr: &str) -> Option<(CrashPanic, Vec<&str>)> {
    let lines: Vec<&str> = stderr.lines().collect();
    let header = lines
        .iter()
        .position(|line| line.starts_with("thread '") && line.contains(" panicked at "))?;
    let (_, at) = lines[header].split_once(" panicked at ")?;
    let location = at.strip_suffix(':').unwrap_or(at).trim();
    let message: Vec<&str> = lines[header + 1..]
        .iter()
        .copied()
        .take_while(|line| !line.starts_with("note: ") && !line.starts_with("stack backtrace:"))
        .collect();
    let panic = CrashPanic {
        location: (!location.is_empty()).then(|| location.to_owned()),
        message: message.join("\n").trim_end().to_owned(),
    };
    Some((panic, lines[..header].to_vec()))
}

/// The panic, if any, and the last lines printed (stdout, then stderr up to
/// the panic: the panic itself is shown on its own).
fn crash_details(stderr: &str, stdout: &str) -> (Option<CrashPanic>, String) {
    let (panic, before) = match parse_panic(stderr) {
        Some((panic, before)) => (Some(panic), before),
        None => (None, stderr.lines().collect()),
    };
    let mut lines: Vec<&str> = stdout.lines().chain(before).collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    if lines.len() > TAIL_LINES {
        lines.drain(..lines.len() - TAIL_LINES);
    }
    (panic, lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_panic_message_and_location() {
        let stderr = "starting\nthread 'main' panicked at src/lib.rs:3:5:\nindex out of bounds: the len is 3\nbut the index is 7\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n";
        let (panic, before) = parse_panic(stderr).unwrap();
        assert_eq!(before, ["starting"]);
        assert_eq!(panic.location.as_deref(), Some("src/lib.rs:3:5"));
        assert_eq!(
            panic.message,
            "index out of bounds: the len is 3\nbut the index is 7"
        );
        assert_eq!(parse_panic("all fine\n"), None);
        let newer = "thread 'main' (14473) panicked at exercises/x/src/lib.rs:5:5:\nnot ready\nstack backtrace:\n   0: x\n";
        let (panic, _) = parse_panic(newer).unwrap();
        assert_eq!(
            panic.location.as_deref(),
            Some("exercises/x/src/lib.rs:5:5")
        );
        assert_eq!(panic.message, "not ready");
    }

    #[test]
    fn names_signals_and_codes() {
        assert_eq!(describe(ExitStatus::from_raw(101 << 8)), "exit status 101");
        assert_eq!(
            describe(ExitStatus::from_raw(libc::SIGSEGV)),
            "killed by signal 11 (SIGSEGV)"
        );
    }

    #[test]
    fn keeps_the_last_lines_before_the_panic() {
        let stderr: String = (0..20).map(|i| format!("e{i}\n")).collect();
        let (panic, tail) = crash_details(&stderr, "out\n");
        assert_eq!(panic, None);
        assert_eq!(tail.lines().count(), TAIL_LINES);
        assert!(tail.ends_with("e19"));
        let (panic, tail) =
            crash_details("e1\n\nthread 'main' panicked at a.rs:1:1:\nboom\n", "out\n");
        assert_eq!(panic.unwrap().message, "boom");
        assert_eq!(tail, "out\ne1");
    }
}
