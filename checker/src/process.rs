//! Runs one check binary in its own process group with a timeout and the
//! [`Limits`] on output, memory and processes, and turns what it left
//! behind (a report file, an exit status, its output) into an [`Outcome`].
//! Nothing it started survives it.

use crate::limits::{self, GroupCounter, Limits};
use crate::outcome::{CrashPanic, Limit, Outcome};
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use verdict::{REPORT_PATH_ENV, Report};

/// How often the child is polled.
const POLL: Duration = Duration::from_millis(10);
/// Bytes of output kept from the end of each stream.
const KEEP_BYTES: usize = 64 * 1024;
/// Bytes of output kept from the start of each stream.
const HEAD_BYTES: usize = 4 * 1024;
/// Lines of output shown after a crash.
const TAIL_LINES: usize = 12;
/// How long a killed group may take to be gone.
const GONE_WITHIN: Duration = Duration::from_secs(2);

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

/// Runs `exe` from `cwd`, telling it to write its report to `report_path`,
/// under `timeout` and this machine's [`Limits`]. `interrupted` is polled;
/// when it turns true the check is killed.
pub fn run_check(
    exe: &Path,
    cwd: &Path,
    report_path: &Path,
    timeout: Duration,
    interrupted: &dyn Fn() -> bool,
) -> Result<Outcome, RunError> {
    let limits = Limits::for_this_machine();
    let _ = std::fs::remove_file(report_path);
    let stretch_path = verdict::stretch_path(report_path);
    let _ = std::fs::remove_file(&stretch_path);
    let memory = limits::memory_rlimit(limits.memory_bytes);
    let mut command = Command::new(exe);
    command
        .current_dir(cwd)
        .env(REPORT_PATH_ENV, report_path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // A group of its own: one kill reaches every process it started.
        .process_group(0);
    // Safety: the closure runs in the child between fork and exec, where
    // only async-signal-safe calls are allowed: it makes one system call
    // with a value computed before the fork, and allocates nothing.
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_DATA, &memory) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(RunError::Spawn)?;
    let printed = Arc::new(AtomicU64::new(0));
    let (done, finished) = mpsc::channel();
    let stdout = capture(child.stdout.take(), done.clone(), Arc::clone(&printed));
    let stderr = capture(child.stderr.take(), done, Arc::clone(&printed));
    let group = libc::pid_t::try_from(child.id()).unwrap_or(0);
    let mut counter = GroupCounter::new(group);

    let started = Instant::now();
    let mut deadline = started + timeout;
    let mut stopped = None;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if interrupted() {
            kill_group(&mut child);
            return Err(RunError::Interrupted(Interrupted));
        }
        if Instant::now() >= deadline {
            // A check whose own watchdog stretched its limit for a slow
            // machine gets as much more time here (at most 4 times the
            // limit in all).
            let stretched = started + timeout.mul_f64(verdict::read_stretch(&stretch_path));
            if stretched > deadline {
                deadline = stretched;
                continue;
            }
            break None;
        }
        if printed.load(Ordering::Relaxed) > limits.output_bytes {
            stopped = Some(Limit::Output {
                bytes: limits.output_bytes,
            });
            break None;
        }
        if let Some(count) = counter.over(limits.processes) {
            stopped = Some(Limit::Processes {
                limit: limits.processes,
                seen: count,
            });
            break None;
        }
        std::thread::sleep(POLL);
    };
    // Whether it exited or not, end everything left in its group, so that no
    // grandchild keeps running or keeps our pipes open.
    kill_group(&mut child);
    let _ = std::fs::remove_file(&stretch_path);
    for _ in 0..2 {
        let _ = finished.recv_timeout(GONE_WITHIN);
    }
    if let Some(limit) = stopped {
        return Ok(Outcome::Stopped {
            limit,
            output_head: first_lines(&stdout, &stderr),
        });
    }
    let Some(status) = status else {
        return Ok(Outcome::TimedOut {
            secs: (deadline - started).as_secs(),
        });
    };
    let stdout_text = stdout.tail();
    let stderr_text = stderr.tail();
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
                let (panic, output_tail) = crash_details(&stderr_text, &stdout_text);
                Outcome::Crashed {
                    status: format!("{}, with an unreadable report ({err})", describe(status)),
                    panic,
                    output_tail,
                }
            }
        });
    }
    if limits::ran_out_of_memory(&stderr_text) {
        return Ok(Outcome::Stopped {
            limit: Limit::Memory {
                bytes: limits.memory_bytes,
            },
            output_head: first_lines(&stdout, &stderr),
        });
    }
    let (panic, output_tail) = crash_details(&stderr_text, &stdout_text);
    Ok(Outcome::Crashed {
        status: describe(status),
        panic,
        output_tail,
    })
}

/// SIGKILL to the child's whole process group, again until none of it is
/// left (a process that was forking when the first one came), then reap
/// the child.
fn kill_group(child: &mut Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        let until = Instant::now() + GONE_WITHIN;
        loop {
            // Safety: `kill` has no memory-safety preconditions; a group
            // that is already gone only makes it return ESRCH.
            let gone = unsafe { libc::kill(-pid, libc::SIGKILL) } != 0;
            let _ = child.try_wait();
            if gone || Instant::now() >= until {
                break;
            }
            match limits::group_members(pid) {
                Some(0) | None => break,
                Some(_) => std::thread::sleep(POLL),
            }
        }
    }
    let _ = child.wait();
}

/// What the checker keeps of one output stream: its start and its end.
#[derive(Debug, Default)]
struct Kept {
    head: Vec<u8>,
    tail: Vec<u8>,
}

/// A stream being read on a thread of its own.
struct Captured(Arc<Mutex<Kept>>);

impl Captured {
    fn tail(&self) -> String {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&kept.tail).into_owned()
    }

    fn head(&self) -> String {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&kept.head).into_owned()
    }
}

/// Reads `stream` to its end, keeping its first [`HEAD_BYTES`] and last
/// [`KEEP_BYTES`] and adding every byte to `printed`; then says `done`.
fn capture<R: Read + Send + 'static>(
    stream: Option<R>,
    done: mpsc::Sender<()>,
    printed: Arc<AtomicU64>,
) -> Captured {
    let buffer = Arc::new(Mutex::new(Kept::default()));
    let sink = Arc::clone(&buffer);
    std::thread::spawn(move || {
        if let Some(mut stream) = stream {
            let mut chunk = vec![0u8; 64 * 1024];
            while let Ok(n) = stream.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                printed.fetch_add(n as u64, Ordering::Relaxed);
                let mut kept = sink.lock().unwrap_or_else(|e| e.into_inner());
                let room = HEAD_BYTES.saturating_sub(kept.head.len()).min(n);
                kept.head.extend_from_slice(&chunk[..room]);
                kept.tail.extend_from_slice(&chunk[..n]);
                if kept.tail.len() > KEEP_BYTES {
                    let excess = kept.tail.len() - KEEP_BYTES;
                    kept.tail.drain(..excess);
                }
            }
        }
        let _ = done.send(());
    });
    Captured(buffer)
}

/// The first lines a stopped check printed: standard output's, then
/// standard error's, whole lines only.
fn first_lines(stdout: &Captured, stderr: &Captured) -> String {
    let (out, err) = (stdout.head(), stderr.head());
    let whole = |text: &str| -> Vec<String> {
        let complete = match text.rfind('\n') {
            Some(end) if text.len() >= HEAD_BYTES => &text[..end],
            _ => text,
        };
        complete.lines().map(str::to_owned).collect()
    };
    let mut lines: Vec<String> = whole(&out);
    lines.extend(whole(&err));
    lines.retain(|l| !l.trim().is_empty());
    lines.truncate(TAIL_LINES / 2);
    lines
        .into_iter()
        .map(|l| {
            if l.chars().count() > 120 {
                format!("{}…", l.chars().take(119).collect::<String>())
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
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
