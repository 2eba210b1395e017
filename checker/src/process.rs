//! Runs one check binary, contained ([`crate::contain`]), with a timeout
//! and the [`Limits`] on output, memory, processes, threads and file size,
//! and turns what it left behind (a sealed report, an exit status, its
//! output) into an [`Outcome`]. Nothing it started survives it.

use crate::contain;
use crate::limits::{self, Limits};
use crate::outcome::{Limit, Outcome};
use crate::relay::{Relay, Tally};
use rustix::process::{Pid, Resource, Signal, WaitOptions};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use verdict::Panicked;
use verdict::{REPORT_PATH_ENV, channel};

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

/// Runs `exe` from `cwd` under `timeout` and this machine's [`Limits`],
/// contained ([`crate::contain`]): through the keeper, with a minimal
/// environment, and a channel for its report sealed with a fresh secret
/// ([`verdict::channel`]). The trusted report is kept at `report_path`
/// (its pictures go beside it). `interrupted` is polled; when it turns
/// true the check is killed. Nothing the check started outlives this call.
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
    let kept_path = kept_path(report_path);
    let _ = std::fs::remove_file(&kept_path);
    contain::become_subreaper();
    let me = contain::own_pid();

    let seal = fresh_seal().map_err(RunError::Spawn)?;
    let challenge = fresh_challenge().map_err(RunError::Spawn)?;
    let (seal_read, seal_write) = pipe().map_err(RunError::Spawn)?;
    let (report_read, report_write) = pipe().map_err(RunError::Spawn)?;
    // The checker's own count of the check's HTTP requests (the relay ends
    // with this call). Without one (no loopback), reports are taken
    // without it: nothing in the check could have stopped it starting.
    channel::raise_open_files_limit(OPEN_FILES);
    let relay = Relay::start().ok();
    let relay_line = relay
        .as_ref()
        .map(|r| format!("{}{}\n", channel::RELAY_LINE, r.addr()))
        .unwrap_or_default();
    std::fs::File::from(seal_write)
        .write_all(format!("{seal}\n{challenge:016x}\n{relay_line}").as_bytes())
        .map_err(RunError::Spawn)?;
    let memory = limits::rlimit(Resource::Data, limits.memory_bytes);
    let file_size = limits::rlimit(Resource::Fsize, limits.file_bytes);
    let (seal_fd, report_fd) = (seal_read.as_raw_fd(), report_write.as_raw_fd());

    let mut command = Command::new(keeper_exe());
    command
        .arg(contain::KEEPER_ARG)
        .arg(&kept_path)
        .arg(exe)
        .current_dir(cwd)
        .env_clear()
        .envs(check_environment(cwd, report_path))
        .env(channel::SEAL_FD_ENV, channel::SEAL_FD.to_string())
        .env(channel::REPORT_FD_ENV, channel::REPORT_FD.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group: Ctrl-C at the terminal reaches the checker only,
        // which then ends the check itself.
        .process_group(0);
    // Safety: the closure runs in the child between fork and exec, where
    // only async-signal-safe calls are allowed: it makes system calls with
    // values computed before the fork, and allocates nothing (an error is
    // an errno, which `std::io::Error` holds without allocating). The two
    // descriptors it borrows are the pipes' ends, open in the child until
    // its exec.
    unsafe {
        command.pre_exec(move || {
            // The pipes onto descriptors 3 and 4, not closed on exec (by
            // way of copies above them, so that neither overwrites the
            // other; the copies are closed when dropped, or by the exec).
            let seal_high = rustix::io::fcntl_dupfd_cloexec(BorrowedFd::borrow_raw(seal_fd), 10)?;
            let report_high =
                rustix::io::fcntl_dupfd_cloexec(BorrowedFd::borrow_raw(report_fd), 10)?;
            // libc: rustix's dup2 takes the target as an `OwnedFd`, and
            // descriptors 3 and 4 are not open, nor ours to own, here.
            if libc::dup2(seal_high.as_raw_fd(), channel::SEAL_FD) < 0
                || libc::dup2(report_high.as_raw_fd(), channel::REPORT_FD) < 0
            {
                return Err(std::io::Error::last_os_error());
            }
            rustix::process::setrlimit(Resource::Data, memory)?;
            rustix::process::setrlimit(Resource::Fsize, file_size)?;
            Ok(())
        });
    }
    let child = command.spawn().map_err(RunError::Spawn)?;
    drop((seal_read, report_write));
    let keeper = Pid::from_child(&child);
    let mut child = child;
    let printed = Arc::new(AtomicU64::new(0));
    let (done, finished) = mpsc::channel();
    let stdout = capture(child.stdout.take(), done.clone(), Arc::clone(&printed));
    let stderr = capture(child.stderr.take(), done, Arc::clone(&printed));
    let report_text = read_report(std::fs::File::from(report_read));

    let started = Instant::now();
    let mut deadline = started + timeout;
    let mut stopped = None;
    let mut counted = Instant::now();
    let mut keeper_status = None;
    let ended = loop {
        if let Ok(Some((_, status))) = rustix::process::waitpid(Some(keeper), WaitOptions::NOHANG) {
            keeper_status = Some(status.as_raw());
            break true;
        }
        if interrupted() {
            contain::sweep(me, Some(keeper.as_raw_pid()));
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
            break false;
        }
        if printed.load(Ordering::Relaxed) > limits.output_bytes {
            stopped = Some(Limit::Output {
                bytes: limits.output_bytes,
            });
            break false;
        }
        if counted.elapsed() >= limits::COUNT_EVERY {
            counted = Instant::now();
            if let Some(limit) =
                contain::usage_under(keeper.as_raw_pid()).and_then(|u| over(&limits, u))
            {
                stopped = Some(limit);
                break false;
            }
        }
        std::thread::sleep(POLL);
    };
    // Whether it ended or not, end everything left under this process, so
    // that no grandchild keeps running or keeps our pipes open.
    contain::sweep(me, Some(keeper.as_raw_pid()));
    if !ended {
        // The keeper was killed by the sweep.
        let _ = rustix::process::waitpid(Some(keeper), WaitOptions::empty());
    }
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
    if keeper_status.is_none() {
        return Ok(Outcome::TimedOut {
            secs: (deadline - started).as_secs(),
        });
    }
    // What the keeper saw of the check; without it (the keeper was killed,
    // or could not start the check), the keeper's own end stands in.
    let kept = std::fs::read_to_string(&kept_path)
        .ok()
        .and_then(|text| contain::Kept::from_text(&text));
    let _ = std::fs::remove_file(&kept_path);
    let status = ExitStatus::from_raw(kept.map_or(keeper_status.unwrap_or(0), |k| k.status));
    if status.signal() == Some(Signal::XFSZ.as_raw()) {
        return Ok(Outcome::Stopped {
            limit: Limit::FileSize {
                bytes: limits.file_bytes,
            },
            output_head: first_lines(&stdout, &stderr),
        });
    }
    let stdout_text = stdout.tail();
    let stderr_text = stderr.tail();
    let report_text = report_text.join().unwrap_or_default();
    if !report_text.is_empty() {
        return Ok(match channel::open(&report_text, &seal) {
            Ok(report) => {
                let relayed = relay.as_ref().map(Relay::tally);
                match vouch(&report, kept)
                    .and_then(|()| answered(exe, cwd, &report, challenge, relayed))
                {
                    Ok(()) => {
                        let mut report = report;
                        report.relayed =
                            relayed.filter(|t| t.requests > 0).map(|t| channel::Served {
                                requests: t.requests,
                                peak: t.peak,
                            });
                        let _ = std::fs::write(report_path, report.to_json());
                        Outcome::Report(report)
                    }
                    Err(why) => Outcome::NotTrusted { why },
                }
            }
            Err(why) if why.is_untrusted() => Outcome::NotTrusted {
                why: why.to_string(),
            },
            Err(other_version) => Outcome::Crashed {
                status: other_version.to_string(),
                panic: None,
                output_tail: String::new(),
            },
        });
    }
    if std::fs::metadata(report_path).is_ok() {
        return Ok(Outcome::NotTrusted {
            why: format!(
                "a report was written to {} instead of the checker's sealed channel",
                report_path.display()
            ),
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

/// Why a sealed report cannot be true of the run the keeper saw, if it
/// cannot: the check's own account of its time must fit inside the
/// operating system's account of the same process, which the keeper took
/// outside it (`wait4`). Without the keeper's account (the check killed its
/// keeper) nothing vouches for the report.
fn vouch(report: &verdict::Report, kept: Option<contain::Kept>) -> Result<(), String> {
    let Some(kept) = kept else {
        return Err(
            "the checker's own account of the run is missing: the process that watched the check was ended before the check was"
                .to_owned(),
        );
    };
    let Some(spent) = report.spent else {
        return Err("the report carries no account of the time its check took".to_owned());
    };
    match spent.contradicts(kept.wall, kept.user + kept.system) {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

/// Why a report that earns points cannot be trusted with its answer to
/// this run's `challenge`, or with the requests the checker's relay saw
/// (`relayed`), if it cannot (the protocol of
/// `crates/checks/src/challenge.rs`):
/// the check binary, started with `--expect <challenge>`, computes the
/// right answer's digest without running any of the learner's code (or
/// says `none`: the exercise has no challenge), and the report must carry
/// the same; it also says the least traffic any passing run sends through
/// the relay, if the exercise has such traffic, and the relay must have
/// seen at least that.
fn answered(
    exe: &Path,
    cwd: &Path,
    report: &verdict::Report,
    challenge: u64,
    relayed: Option<Tally>,
) -> Result<(), String> {
    if !report.verdict().earns_points() {
        return Ok(());
    }
    let expected = expected_answer(exe, cwd, challenge)?;
    if let (Some(least), Some(seen)) = (channel::Served::find(&expected), relayed)
        && (seen.requests < least.requests || seen.peak < least.peak)
    {
        return Err(format!(
            "the checker counted the requests itself, outside the check: {} passed through it, at most {} in flight at once, where any run that passes makes at least {}, {} at once: the report does not rest on requests your code made",
            seen.requests, seen.peak, least.requests, least.peak
        ));
    }
    let want = expected.lines().next().unwrap_or_default().trim();
    if want == "none" {
        return Ok(());
    }
    match report.challenge_answer.as_deref() {
        Some(got) if got == want => Ok(()),
        Some(_) => Err(
            "its answer to the checker's own input, chosen at random for this run, is not the right one, which the checker computed apart from your code: the report does not show your code's work"
                .to_owned(),
        ),
        None => Err("the report carries no answer to the checker's own input for this run".to_owned()),
    }
}

/// How long the checker waits for a check binary's `--expect` answer.
const EXPECT_LIMIT: Duration = Duration::from_secs(60);

/// What `exe --expect <challenge>` prints: the right answer's digest, or
/// `none`, on its first line; then the least traffic a passing run makes,
/// if the exercise has such.
fn expected_answer(exe: &Path, cwd: &Path, challenge: u64) -> Result<String, String> {
    let could_not = |why: String| format!("the checker could not compute its own answer: {why}");
    let mut child = Command::new(exe)
        .arg(channel::EXPECT_ARG)
        .arg(format!("{challenge:016x}"))
        .current_dir(cwd)
        .env_clear()
        .envs(
            KEPT_VARIABLES
                .iter()
                .filter_map(|name| Some((name, std::env::var_os(name)?))),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| could_not(e.to_string()))?;
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = (&mut stdout).take(4096).read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + EXPECT_LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(could_not(format!(
                    "no answer within {} s",
                    EXPECT_LIMIT.as_secs()
                )));
            }
            Err(e) => return Err(could_not(e.to_string())),
        }
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(could_not(describe(status)));
    }
    Ok(text.trim().to_owned())
}

/// The limit `usage` is past, if any.
fn over(limits: &Limits, usage: contain::Usage) -> Option<Limit> {
    if usage.processes > limits.processes {
        Some(Limit::Processes {
            limit: limits.processes,
            seen: usage.processes,
        })
    } else if usage.threads > limits.threads {
        Some(Limit::Threads {
            limit: limits.threads,
            seen: usage.threads,
        })
    } else if usage.memory > limits.memory_bytes {
        Some(Limit::MemoryTogether {
            bytes: limits.memory_bytes,
            seen: usage.memory,
        })
    } else {
        None
    }
}

/// Where the keeper writes what it saw of the check at `report_path`.
fn kept_path(report_path: &Path) -> std::path::PathBuf {
    let mut path = report_path.as_os_str().to_owned();
    path.push(".kept");
    path.into()
}

/// The program that keeps the check: this very checker, as the kernel
/// knows it (`/proc/self/exe` stays this binary even if the file on disk
/// is replaced meanwhile), or its path where there is no `/proc`.
fn keeper_exe() -> std::path::PathBuf {
    let proc_exe = Path::new("/proc/self/exe");
    if proc_exe.exists() {
        proc_exe.to_owned()
    } else {
        std::env::current_exe().unwrap_or_else(|_| "checker".into())
    }
}

/// Variables a check keeps from the checker's environment: what programs
/// need to run (the search path, home, locale, temporary folder) and
/// Rust's own backtrace and stack settings. Nothing else: no CI tokens, no
/// `GITHUB_*` files a check could write to.
const KEPT_VARIABLES: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TERM",
    "TMPDIR",
    "TZ",
    "RUST_BACKTRACE",
    "RUST_LIB_BACKTRACE",
    "RUST_MIN_STACK",
];

/// A check's whole environment: [`KEPT_VARIABLES`] as the checker has
/// them, where its report and pictures go, and the checker's state folder.
fn check_environment(
    cwd: &Path,
    report_path: &Path,
) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    let mut vars: Vec<(std::ffi::OsString, std::ffi::OsString)> = KEPT_VARIABLES
        .iter()
        .filter_map(|name| Some(((*name).into(), std::env::var_os(name)?)))
        .collect();
    vars.push((REPORT_PATH_ENV.into(), report_path.into()));
    vars.push((
        crate::state::STATE_DIR_ENV.into(),
        crate::state::state_dir(cwd).into(),
    ));
    vars
}

/// A new secret for one run: 32 random bytes from the operating system,
/// in hex.
fn fresh_seal() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The open files the checker lifts its limit to (or to its hard limit if
/// lower): the relay holds two descriptors for each of a check's
/// connections, and a check may open a thousand at once.
const OPEN_FILES: u64 = 65_536;

/// A random challenge for one run, from the operating system.
fn fresh_challenge() -> std::io::Result<u64> {
    let mut bytes = [0u8; 8];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

/// A pipe, both ends closed on exec: (read, write).
fn pipe() -> std::io::Result<(OwnedFd, OwnedFd)> {
    let (read, write) = std::io::pipe()?;
    Ok((read.into(), write.into()))
}

/// The largest report read from a check: a timeline of every work item
/// stays far below it.
const REPORT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads the report pipe to its end on a thread of its own (a large report
/// must not fill the pipe while the checker waits for the check).
fn read_report(pipe: std::fs::File) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.take(REPORT_BYTES).read_to_string(&mut text);
        text
    })
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
    [
        (Signal::ABORT, "SIGABRT"),
        (Signal::BUS, "SIGBUS"),
        (Signal::FPE, "SIGFPE"),
        (Signal::ILL, "SIGILL"),
        (Signal::KILL, "SIGKILL"),
        (Signal::SEGV, "SIGSEGV"),
        (Signal::TERM, "SIGTERM"),
    ]
    .into_iter()
    .find_map(|(known, name)| (known.as_raw() == signal).then_some(name))
}

/// Finds the first panic in a program's standard error, in the format
/// `thread 'main' panicked at src/lib.rs:3:5:\n<message>` (newer toolchains
/// add the thread id: `thread 'main' (1234) panicked at`). Also returns the
/// lines printed before it.
pub fn parse_panic(stderr: &str) -> Option<(Panicked, Vec<&str>)> {
    let lines: Vec<&str> = stderr.lines().collect();
    let header = lines
        .iter()
        .position(|line| line.starts_with("thread '") && line.contains(" panicked at "))?;
    let (who, at) = lines[header].split_once(" panicked at ")?;
    let thread = who
        .strip_prefix("thread '")
        .and_then(|rest| rest.split_once('\''))
        .map(|(name, _)| name.to_owned());
    let location = at.strip_suffix(':').unwrap_or(at).trim();
    let message: Vec<&str> = lines[header + 1..]
        .iter()
        .copied()
        .take_while(|line| !line.starts_with("note: ") && !line.starts_with("stack backtrace:"))
        .collect();
    let panic = Panicked {
        location: (!location.is_empty()).then(|| location.to_owned()),
        message: message.join("\n").trim_end().to_owned(),
        thread,
    };
    Some((panic, lines[..header].to_vec()))
}

/// The panic, if any, and the last lines printed (stdout, then stderr up to
/// the panic: the panic itself is shown on its own).
fn crash_details(stderr: &str, stdout: &str) -> (Option<Panicked>, String) {
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
        assert_eq!(panic.thread.as_deref(), Some("main"));
    }

    #[test]
    fn names_signals_and_codes() {
        assert_eq!(describe(ExitStatus::from_raw(101 << 8)), "exit status 101");
        assert_eq!(
            describe(ExitStatus::from_raw(Signal::SEGV.as_raw())),
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
