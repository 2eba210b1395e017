//! What the checks of chapter 05 share: worker mode (the check binary, run
//! again with [`WORKER_ARG`], becomes the learner's worker), the checker's
//! own reference worker and pools (private to the checks: a learner's crate
//! cannot call them), a watchdog that turns a hung candidate into a
//! verdict, what the OS says about the children a candidate started
//! ([`ChildWatch`]: pids from /proc and SIGCHLD, never a count of
//! `command()` calls), and the children left behind, named.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, BufWriter, StdinLock, StdoutLock, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once, mpsc};
use std::time::{Duration, Instant};

use measured::process::{Answer, ProcStat, Spawner, Task, WORKER_ARG, Worker};
use verdict::Evidence;

/// The argument that starts the check binary as the checker's own worker.
pub const REFERENCE_WORKER_ARG: &str = "--reference-worker";

/// A learner's worker: reads tasks from `input`, writes answers to `output`.
pub type WorkerFn = fn(StdinLock<'static>, StdoutLock<'static>) -> io::Result<()>;

/// If this process was started as a worker, serves as one and exits;
/// otherwise returns. Call it first thing in a check binary's `main`.
pub fn serve_if_worker(
    worker: impl FnOnce(StdinLock<'static>, StdoutLock<'static>) -> io::Result<()>,
) {
    match std::env::args().nth(1).as_deref() {
        Some(WORKER_ARG) => exit_with(worker(io::stdin().lock(), io::stdout().lock())),
        Some(REFERENCE_WORKER_ARG) => {
            exit_with(reference_worker(io::stdin().lock(), io::stdout().lock()))
        }
        _ => {}
    }
}

/// Ends a worker process: 0 when it served its input to the end.
pub fn exit_with(served: io::Result<()>) -> ! {
    match served {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("worker {}: {e}", std::process::id());
            std::process::exit(1)
        }
    }
}

/// The checker's own worker. Each line is one task, or a JSON array of
/// tasks (a batch); every answer goes out on its own line, flushed at the
/// end of each line of input.
pub(crate) fn reference_worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    let mut output = BufWriter::new(output);
    for line in input.lines() {
        let line = line?;
        let tasks: Vec<Task> = if line.trim_start().starts_with('[') {
            serde_json::from_str(&line)?
        } else {
            vec![serde_json::from_str(&line)?]
        };
        for task in tasks {
            serde_json::to_writer(&mut output, &task.run())?;
            output.write_all(b"\n")?;
        }
        output.flush()?;
    }
    output.flush()
}

/// A spawner of the checker's own workers, from this same program.
pub(crate) fn reference_spawner() -> Spawner {
    Spawner::this_program([REFERENCE_WORKER_ARG]).expect("this program's path")
}

/// One of the checker's own workers ([`reference_worker`]), its pid noted
/// so that a [`ChildWatch`] does not count it as the candidate's. It speaks
/// in batches: a line of tasks in, a line per answer out.
fn start_reference(spawner: &Spawner) -> io::Result<Worker> {
    let worker = Worker::start(spawner)?;
    register_reference(worker.pid());
    Ok(worker)
}

fn send_batch(worker: &mut Worker, tasks: &[Task]) -> io::Result<()> {
    if worker.send(tasks)? {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::BrokenPipe, "worker ended"))
    }
}

fn receive(worker: &mut Worker) -> io::Result<Answer> {
    worker
        .receive()?
        .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "worker ended"))
}

fn finish(worker: Worker) -> io::Result<()> {
    let status = worker.finish()?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!("worker failed: {status}")))
    }
}

/// The checker's ideal multi-process version: `workers` worker processes,
/// the tasks dealt round-robin, each worker sent its share as batches and
/// answering as it goes. Answers come back in task order.
pub(crate) fn reference_run(
    tasks: &[Task],
    workers: usize,
    spawner: &Spawner,
) -> io::Result<Vec<Answer>> {
    const BATCH: usize = 64;
    let workers = workers.clamp(1, tasks.len().max(1));
    let mut pool: Vec<Worker> = (0..workers)
        .map(|_| start_reference(spawner))
        .collect::<io::Result<_>>()?;
    let shares: Vec<Vec<Task>> = (0..workers)
        .map(|w| tasks.iter().skip(w).step_by(workers).copied().collect())
        .collect();
    // One batch in flight per worker at a time: a worker is never blocked
    // writing answers nobody reads.
    let mut answers: Vec<Option<Answer>> = vec![None; tasks.len()];
    let position = |a: &Answer| tasks.iter().position(|t| t.id == a.id);
    let mut chunks: Vec<std::slice::Chunks<'_, Task>> =
        shares.iter().map(|s| s.chunks(BATCH)).collect();
    let mut pending: Vec<usize> = vec![0; workers];
    loop {
        let mut any = false;
        for w in 0..workers {
            if pending[w] == 0
                && let Some(batch) = chunks[w].next()
            {
                send_batch(&mut pool[w], batch)?;
                pending[w] = batch.len();
            }
            if pending[w] > 0 {
                any = true;
            }
        }
        if !any {
            break;
        }
        for w in 0..workers {
            while pending[w] > 0 {
                let answer = receive(&mut pool[w])?;
                if let Some(i) = position(&answer) {
                    answers[i] = Some(answer);
                }
                pending[w] -= 1;
            }
        }
    }
    for worker in pool {
        finish(worker)?;
    }
    answers
        .into_iter()
        .map(|a| a.ok_or_else(|| io::Error::other("a task went unanswered")))
        .collect()
}

/// The checker's process-per-task version: every task gets a fresh worker,
/// `workers` of them at a time. Returns the answers in task order.
pub(crate) fn process_per_task(
    tasks: &[Task],
    workers: usize,
    spawner: &Spawner,
) -> io::Result<Vec<Answer>> {
    let workers = workers.max(1);
    let mut answers = Vec::with_capacity(tasks.len());
    for group in tasks.chunks(workers) {
        let mut started = Vec::with_capacity(group.len());
        for task in group {
            let mut worker = start_reference(spawner)?;
            send_batch(&mut worker, std::slice::from_ref(task))?;
            started.push(worker);
        }
        for mut worker in started {
            answers.push(receive(&mut worker)?);
            finish(worker)?;
        }
    }
    Ok(answers)
}

/// How a candidate's run ended, as seen by [`watch`].
pub enum Watched<T> {
    /// It returned in time.
    Returned(T),
    /// It did not return within the limit (stretched for a slow machine:
    /// see [`watch`]); its children were killed.
    TimedOut {
        /// How many children were killed to free it.
        killed: usize,
        /// How long the watchdog waited: the limit, stretched.
        waited: Duration,
    },
}

/// A wait in seconds, for a message: "3 s", "11.6 s".
pub fn secs(wait: Duration) -> String {
    let s = wait.as_secs_f64();
    if (s - s.round()).abs() < 0.05 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// The most a watchdog's limit stretches on a machine that runs a plain
/// thread slowly: 4 times. A machine slower than that cannot tell a slow
/// answer from a hung one, and a time out there is not judged.
pub const MAX_STRETCH: f64 = verdict::MAX_STRETCH;

/// How often the watchdog looks at the machine while it waits.
pub(crate) const PROBE_EVERY: Duration = Duration::from_millis(100);

/// How slowly the machine ran a CPU-bound thread in the last watch that
/// timed out beyond [`MAX_STRETCH`] (slowdown x 1000), or 0. Cleared by
/// [`crate::harness::run`] before each check, read after it.
static STARVED_MILLI: AtomicU64 = AtomicU64::new(0);

/// The slowdown of a timed-out watch the machine alone may explain, since
/// the last [`clear_starved`].
pub fn starved() -> Option<f64> {
    match STARVED_MILLI.load(Ordering::Relaxed) {
        0 => None,
        milli => Some(milli as f64 / 1000.0),
    }
}

/// Forgets any starved watch (the start of a check).
pub fn clear_starved() {
    STARVED_MILLI.store(0, Ordering::Relaxed);
}

/// How slowly this machine runs a CPU-bound thread while a watchdog waits:
/// the threads ready to run (the kernel's count in `/proc/loadavg`, every
/// process's, this check's too) per core this process may use, on average
/// over looks every [`PROBE_EVERY`], and never below 1. With as many busy
/// threads as cores each runs at full speed; with twice as many, at half.
/// It costs no CPU to measure, and a hung answer, asleep, adds nothing to
/// it. The same count without this process's own threads is the load of
/// other programs alone: only that excuses a time out, so an answer cannot
/// excuse itself by spinning threads of its own. Where there is no `/proc`
/// (macOS) both stay 1.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Pace {
    all: f64,
    others: f64,
    looks: u32,
}

/// The load of other programs, in ready threads per core, from which a
/// time out beyond [`MAX_STRETCH`] is not judged: every core wanted by two.
const EXCUSING_LOAD: f64 = 2.0;

impl Pace {
    /// Takes one look at the machine.
    pub fn probe(&mut self) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        let Some(ready) = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|text| runnable(&text))
        else {
            return;
        };
        // This process's own ready threads, the watchdog's among them.
        let own = own_running_threads().unwrap_or(1);
        self.add(
            ready.saturating_sub(1) as f64 / cores,
            ready.saturating_sub(own) as f64 / cores,
        );
    }

    /// Adds one look that saw `all` threads ready to run per core, `others`
    /// of them other programs'.
    pub fn add(&mut self, all: f64, others: f64) {
        self.all += all.max(1.0);
        self.others += others.max(0.0);
        self.looks += 1;
    }

    /// The slowdown so far (1 before any look).
    pub fn slowdown(&self) -> f64 {
        if self.looks == 0 {
            1.0
        } else {
            self.all / f64::from(self.looks)
        }
    }

    /// Other programs' ready threads per core, on average so far.
    pub fn others(&self) -> f64 {
        if self.looks == 0 {
            0.0
        } else {
            self.others / f64::from(self.looks)
        }
    }

    /// Whether a time out now is the machine's to answer for: slower than
    /// the stretch allows, with other programs alone keeping every core
    /// wanted twice over.
    pub fn excuses(&self) -> bool {
        self.slowdown() > MAX_STRETCH && self.others() >= EXCUSING_LOAD
    }

    /// The limit stretched by the slowdown, at most [`MAX_STRETCH`] times.
    pub fn stretch(&self, limit: Duration) -> Duration {
        limit.mul_f64(self.slowdown().min(MAX_STRETCH))
    }
}

/// The threads ready to run in a `/proc/loadavg` line ("0.5 0.4 0.3 3/84
/// 3123": 3).
fn runnable(loadavg: &str) -> Option<usize> {
    loadavg
        .split_whitespace()
        .nth(3)?
        .split('/')
        .next()?
        .parse()
        .ok()
}

/// How many of this process's threads are running or ready to run (state R
/// in /proc/self/task/*/stat).
fn own_running_threads() -> Option<usize> {
    let entries = std::fs::read_dir("/proc/self/task").ok()?;
    Some(
        entries
            .flatten()
            .filter(|entry| {
                ProcStat::read(&entry.path().join("stat")).is_some_and(|stat| stat.state == 'R')
            })
            .count(),
    )
}

/// Notes, for a limit that ran out while the machine was as `pace` saw it,
/// whether the machine was too slow to judge the time out by ([`starved`]).
/// Every fixed limit of a check whose running out fails it calls this.
pub(crate) fn note_starved(pace: &Pace) {
    if pace.excuses() {
        STARVED_MILLI.store((pace.slowdown() * 1000.0) as u64, Ordering::Relaxed);
    }
}

/// Tells the checker, when it runs this check, how far the time limit has
/// stretched, so that its limit on the whole check stretches as far
/// ([`verdict::stretch_path`]). Best effort: a failed write only leaves the
/// checker's limit as it was.
pub(crate) fn note_stretch(slowdown: f64) {
    if slowdown < 1.05 {
        return;
    }
    if let Some(report) = std::env::var_os(verdict::REPORT_PATH_ENV) {
        let path = verdict::stretch_path(std::path::Path::new(&report));
        let _ = std::fs::write(path, format!("{:.3}", slowdown.min(MAX_STRETCH)));
    }
}

/// Runs `run` on a thread and waits for it, at most `limit` on an idle
/// machine: while it waits it probes how slowly the machine runs a plain
/// thread (`Pace`) and stretches the limit by that, up to
/// [`MAX_STRETCH`] times. If `run` has not returned by then, kills every
/// child of this process (so that whatever it is blocked on, a pipe to a
/// worker, sees the end) and reports the time out; if the machine was
/// slower than the stretch allows, [`starved`] says so, and the check's
/// verdict on the time out is "not judged" ([`crate::harness::run`]). A
/// panic in `run` is passed on to the caller.
pub fn watch<T: Send + 'static>(
    limit: Duration,
    run: impl FnOnce() -> T + Send + 'static,
) -> Watched<T> {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("candidate".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run));
            let _ = tx.send(result);
        })
        .expect("spawn the candidate's thread");
    let start = Instant::now();
    let mut pace = Pace::default();
    loop {
        let deadline = start + pace.stretch(limit);
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match rx.recv_timeout(left.min(PROBE_EVERY)) {
            Ok(Ok(value)) => {
                let _ = handle.join();
                return Watched::Returned(value);
            }
            Ok(Err(panic)) => {
                let _ = handle.join();
                std::panic::resume_unwind(panic)
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                pace.probe();
                note_stretch(pace.slowdown());
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    note_starved(&pace);
    let waited = start.elapsed();
    let killed = measured::process::kill_children();
    // Give the candidate a moment to notice and return; a thread that
    // still hangs is left behind (the check reports anyway).
    let _ = rx.recv_timeout(Duration::from_secs(1));
    std::thread::sleep(Duration::from_millis(50));
    measured::process::reap_zombies();
    Watched::TimedOut { killed, waited }
}

/// The `cleaned up` evidence: no child of this process is left running or
/// unwaited-for `after` the candidate returned ("after `run` returned"),
/// each leftover named by pid and command. Leftovers are then killed and
/// reaped, so later runs start clean.
pub fn cleanup_evidence(after: &str) -> (Evidence, Option<String>) {
    // A child that was just waited for may take a moment to leave /proc.
    let deadline = Instant::now() + Duration::from_millis(200);
    let mut left = measured::process::children();
    while left.as_ref().is_some_and(|l| !l.is_empty()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
        left = measured::process::children();
    }
    let Some(left) = left else {
        return (
            Evidence::skipped(
                "cleaned up",
                "this platform cannot list child processes (no /proc): not checked",
            ),
            None,
        );
    };
    let left: Vec<Leftover> = left
        .iter()
        .map(|c| Leftover {
            pid: c.pid,
            zombie: c.zombie,
            command: command_line(c.pid),
        })
        .collect();
    measured::process::kill_children();
    std::thread::sleep(Duration::from_millis(20));
    measured::process::reap_zombies();
    judge_cleanup(after, &left)
}

/// A child found after the candidate returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// Its pid.
    pub pid: u32,
    /// Ended, never waited for?
    pub zombie: bool,
    /// Its command line.
    pub command: String,
}

/// The verdict on the children `left` behind `after` the candidate
/// returned: pure, so it is unit-tested on recorded lists.
pub fn judge_cleanup(after: &str, left: &[Leftover]) -> (Evidence, Option<String>) {
    if left.is_empty() {
        return (
            Evidence::pass(
                "cleaned up",
                format!("no worker left running or unwaited-for {after}"),
            ),
            None,
        );
    }
    let zombies = left.iter().filter(|c| c.zombie).count();
    let running = left.len() - zombies;
    let mut parts = Vec::new();
    if running > 0 {
        parts.push(format!("{running} still running"));
    }
    if zombies > 0 {
        parts.push(format!("{zombies} ended but never waited for, zombies"));
    }
    let named: Vec<String> = left
        .iter()
        .take(5)
        .map(|c| {
            format!(
                "{} `{}`{}",
                c.pid,
                c.command,
                if c.zombie { " (zombie)" } else { "" }
            )
        })
        .chain((left.len() > 5).then(|| "...".to_owned()))
        .collect();
    let cause = if zombies > 0 {
        "A child process that ends stays in the process table as a zombie until its parent waits for it, and its CPU time is not counted until then: call `child.wait()` on every worker you started, after closing its stdin (drop it) so that it can finish."
    } else {
        "Workers were still running when your function returned: close each worker's stdin (drop it) so that it sees the end of its input, then `child.wait()` for it."
    };
    (
        Evidence::fail(
            "cleaned up",
            format!("{after}: {} (pids {})", parts.join(", "), named.join(", ")),
        ),
        Some(cause.into()),
    )
}

/// The diagnosis for a candidate that hung talking to its workers.
pub fn hung_cause(waited: Duration, killed: usize) -> String {
    format!(
        "No result after {}, and {killed} worker(s) were still running: the pipes are probably stuck. A worker waits for the end of its input until you drop its stdin; and if you write all the tasks before reading any answer, the worker blocks writing answers into a full pipe (about 64 KiB) while you block writing tasks into another. Drop stdin when you have sent everything, and read answers while you write (a thread per direction, or one batch at a time).",
        secs(waited)
    )
}

// ---------------------------------------------------------------------------
// What the OS says: the children this process really started, how each one
// ended, how many computed at once. Nothing here trusts the candidate: pids
// come from /proc and from the kernel's SIGCHLD, never from a count of
// `spawner.command()` calls or from the answers.

/// How many SIGCHLD records the ring keeps (a check sees at most a few
/// hundred children).
const SIGNAL_SLOTS: usize = 1 << 14;
static SIGNAL_NEXT: AtomicUsize = AtomicUsize::new(0);
static SIGNAL_EVENTS: [AtomicU64; SIGNAL_SLOTS] = [const { AtomicU64::new(0) }; SIGNAL_SLOTS];
static SIGNAL_PREVIOUS: AtomicUsize = AtomicUsize::new(0);
static SIGNAL_INSTALL: Once = Once::new();
static SIGNAL_RECORDING: AtomicBool = AtomicBool::new(false);
/// Pids of the checker's own workers: not the candidate's.
static REFERENCE_PIDS: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// The SIGCHLD handler: records (pid, how, status) and passes the signal on
/// to a handler that was there before. Async-signal-safe: atomics only.
// libc: rustix has no `sigaction` or `siginfo_t` (only its runtime API, for
// programs without a C library, installs handlers), so the handler, its
// installation and the `CLD_*` codes it records stay on libc.
extern "C" fn on_sigchld(sig: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
    if !info.is_null() {
        // Safety: the kernel hands a valid siginfo_t for SA_SIGINFO.
        let (pid, code, status) =
            unsafe { ((*info).si_pid(), (*info).si_code, (*info).si_status()) };
        let packed =
            (u64::from(pid as u32) << 32) | (u64::from(code as u8) << 8) | u64::from(status as u8);
        let i = SIGNAL_NEXT.fetch_add(1, Ordering::AcqRel);
        SIGNAL_EVENTS[i % SIGNAL_SLOTS].store(packed, Ordering::Release);
    }
    let previous = SIGNAL_PREVIOUS.load(Ordering::Acquire);
    if previous > 1 {
        // Safety: a handler installed before ours, with the SA_SIGINFO
        // signature (recorded as such below).
        let handler: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { std::mem::transmute(previous) };
        handler(sig, info, context);
    }
}

/// Installs the SIGCHLD recorder once (restartable, so no system call of
/// the candidate sees EINTR it would not otherwise see).
fn install_sigchld() {
    SIGNAL_INSTALL.call_once(|| {
        // Safety: plain sigaction calls on zeroed, then filled, structs.
        unsafe {
            let mut old: libc::sigaction = std::mem::zeroed();
            libc::sigaction(libc::SIGCHLD, std::ptr::null(), &mut old);
            if old.sa_sigaction == libc::SIG_IGN {
                return; // someone asked the kernel to reap children itself
            }
            if old.sa_sigaction != libc::SIG_DFL && old.sa_flags & libc::SA_SIGINFO != 0 {
                SIGNAL_PREVIOUS.store(old.sa_sigaction, Ordering::Release);
            } else if old.sa_sigaction != libc::SIG_DFL {
                return; // a plain handler we cannot chain safely: leave it
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigchld as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART | libc::SA_NOCLDSTOP;
            libc::sigemptyset(&mut action.sa_mask);
            if libc::sigaction(libc::SIGCHLD, &action, std::ptr::null_mut()) == 0 {
                SIGNAL_RECORDING.store(true, Ordering::Release);
            }
        }
    });
}

/// Notes a pid as one of the checker's own workers.
fn register_reference(pid: u32) {
    REFERENCE_PIDS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(pid);
}

fn is_reference(pid: u32) -> bool {
    REFERENCE_PIDS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&pid)
}

/// How a child ended, as the kernel told this process (SIGCHLD).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ended {
    /// Its pid.
    pub pid: u32,
    /// The signal that killed it, if one did (6 for an abort).
    pub signal: Option<i32>,
}

/// A child of this process seen while a [`ChildWatch`] ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenChild {
    /// Its pid.
    pub pid: u32,
    /// Its command line, as /proc shows it.
    pub command: String,
    /// Was it one of the checker's own workers?
    pub reference: bool,
}

/// What a [`ChildWatch`] saw.
#[derive(Debug, Clone, Default)]
pub struct ChildLog {
    /// Could this platform show children at all (Linux /proc)?
    pub available: bool,
    /// Children that existed at some sample, by pid.
    pub seen: BTreeMap<u32, SeenChild>,
    /// Children whose end the kernel reported.
    pub ended: Vec<Ended>,
    /// The most of the candidate's children runnable ('R') at one sample.
    pub busy_high_water: usize,
    /// The most of the candidate's children alive at one sample.
    pub alive_high_water: usize,
    /// `busy_histogram[k]`: samples at which exactly `k` of the candidate's
    /// children were runnable (the last entry: that many or more).
    pub busy_histogram: Vec<usize>,
    /// Samples taken.
    pub samples: usize,
    /// Did the kernel's SIGCHLD reports reach the watch (so that a child's
    /// end is known even if it lived less than a sample)?
    pub signals: bool,
    /// CPU the watch itself used in this process (not the candidate's).
    pub watch_cpu: Duration,
}

impl ChildLog {
    /// The candidate's children: every pid seen or reported ended that is
    /// not one of the checker's workers.
    pub fn candidate_pids(&self) -> BTreeSet<u32> {
        let mut pids: BTreeSet<u32> = self
            .seen
            .values()
            .filter(|c| !c.reference && !is_reference(c.pid))
            .map(|c| c.pid)
            .collect();
        pids.extend(
            self.ended
                .iter()
                .map(|e| e.pid)
                .filter(|p| !self.seen.get(p).is_some_and(|c| c.reference) && !is_reference(*p)),
        );
        pids
    }

    /// Of the samples at which at least one of the candidate's children was
    /// runnable, the share at which at least `k` were, and how many such
    /// samples there were: a worker that lingers a moment after its turn
    /// can lift the high-water mark, not this share.
    pub fn share_busy(&self, k: usize) -> (f64, usize) {
        let busy: usize = self.busy_histogram.iter().skip(1).sum();
        let at_least: usize = self.busy_histogram.iter().skip(k.max(1)).sum();
        (at_least as f64 / busy.max(1) as f64, busy)
    }

    /// The first `n` of the candidate's children, by pid and command.
    pub fn named(&self, n: usize) -> String {
        let pids = self.candidate_pids();
        let mut named: Vec<String> = pids
            .iter()
            .take(n)
            .map(|p| match self.seen.get(p) {
                Some(c) => format!("{p} `{}`", c.command),
                None => format!("{p} (ended before a sample)"),
            })
            .collect();
        if pids.len() > n {
            named.push("...".into());
        }
        named.join(", ")
    }

    /// How many of the candidate's children the kernel reported killed by
    /// `signal`.
    pub fn killed_by(&self, signal: i32) -> usize {
        let mut pids: BTreeSet<u32> = BTreeSet::new();
        for e in &self.ended {
            if e.signal == Some(signal) && !is_reference(e.pid) {
                pids.insert(e.pid);
            }
        }
        pids.len()
    }
}

/// Watches this process's children on a thread of its own, sampling /proc
/// every millisecond, and records what SIGCHLD reports, until stopped.
pub struct ChildWatch {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<ChildLog>>,
    signals_from: usize,
    candidates: Arc<AtomicUsize>,
}

/// Time between samples.
const SAMPLE_EVERY: Duration = Duration::from_millis(1);
/// Of the samples at which a candidate's worker was runnable, the share at
/// which at least two (or all it needs) must have been, for "side by
/// side": a pool that feeds one worker at a time stays near 0 (a worker
/// lingering a moment after its turn), a real one near 1.
pub const SIDE_BY_SIDE_SHARE: f64 = 0.25;
/// Fewer busy samples than this tell nothing (a run of a few ms).
pub const SIDE_BY_SIDE_SAMPLES: usize = 10;

impl ChildWatch {
    /// Listens to SIGCHLD only, with no thread sampling /proc: for timing
    /// the candidate without disturbing it. Only children that ended are
    /// known, and nothing about what ran at once.
    pub fn signals_only() -> ChildWatch {
        install_sigchld();
        ChildWatch {
            stop: Arc::new(AtomicBool::new(true)),
            handle: None,
            signals_from: SIGNAL_NEXT.load(Ordering::Acquire),
            candidates: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Starts watching. Children that exist already are not counted.
    pub fn start() -> ChildWatch {
        Self::start_counting(Arc::new(AtomicUsize::new(0)))
    }

    /// Starts watching, and keeps `counted` up to date with
    /// [`ChildWatch::candidates_so_far`], for whoever must read it while
    /// the watch is busy elsewhere (a candidate that hung).
    pub fn start_counting(counted: Arc<AtomicUsize>) -> ChildWatch {
        install_sigchld();
        let signals_from = SIGNAL_NEXT.load(Ordering::Acquire);
        let stop = Arc::new(AtomicBool::new(false));
        let candidates = counted;
        let handle = {
            let (stop, counted) = (Arc::clone(&stop), Arc::clone(&candidates));
            let (ready_tx, ready_rx) = mpsc::channel();
            let handle = std::thread::Builder::new()
                .name("child watch".into())
                .spawn(move || poll_children(&stop, &ready_tx, &counted))
                .expect("start the child watch");
            // Its first sample (what existed before) is taken before the
            // candidate starts.
            let _ = ready_rx.recv_timeout(Duration::from_secs(2));
            handle
        };
        ChildWatch {
            stop,
            handle: Some(handle),
            signals_from,
            candidates,
        }
    }

    /// How many of the candidate's children the samples have shown so far
    /// (a lower bound: one that lived less than a sample may be missed).
    pub fn candidates_so_far(&self) -> usize {
        self.candidates.load(Ordering::Acquire)
    }

    /// Stops watching and returns what was seen.
    pub fn stop(mut self) -> ChildLog {
        // A SIGCHLD raised just now may take a moment to arrive.
        std::thread::sleep(Duration::from_millis(if self.handle.is_some() {
            2
        } else {
            1
        }));
        self.stop.store(true, Ordering::Release);
        let mut log = self
            .handle
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        log.signals = SIGNAL_RECORDING.load(Ordering::Acquire);
        let until = SIGNAL_NEXT.load(Ordering::Acquire);
        for i in self.signals_from..until.min(self.signals_from + SIGNAL_SLOTS) {
            let packed = SIGNAL_EVENTS[i % SIGNAL_SLOTS].load(Ordering::Acquire);
            let pid = (packed >> 32) as u32;
            let code = ((packed >> 8) & 0xff) as i32;
            let status = (packed & 0xff) as i32;
            if pid == 0 {
                continue;
            }
            let killed = code == libc::CLD_KILLED || code == libc::CLD_DUMPED;
            log.ended.push(Ended {
                pid,
                signal: killed.then_some(status),
            });
        }
        log
    }
}

impl Drop for ChildWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Is `pid` a process (not a thread of one)?
fn is_process(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Tgid:"))
                .and_then(|t| t.trim().parse::<u32>().ok())
        })
        == Some(pid)
}

/// A process's command line, arguments joined by spaces, the program by
/// its file name only.
pub fn command_line(pid: u32) -> String {
    let Ok(raw) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return "?".into();
    };
    let mut parts = raw
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let program = parts.next().unwrap_or_default();
    let program = program.rsplit('/').next().unwrap_or_default().to_owned();
    std::iter::once(program)
        .chain(parts)
        .collect::<Vec<_>>()
        .join(" ")
}

fn last_pid() -> Option<u32> {
    std::fs::read_to_string("/proc/sys/kernel/ns_last_pid")
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn poll_children(stop: &AtomicBool, ready: &mpsc::Sender<()>, counted: &AtomicUsize) -> ChildLog {
    let me = std::process::id();
    let mine = command_line(me);
    let mut log = ChildLog::default();
    let Some(before) = measured::process::children() else {
        let _ = ready.send(());
        return log;
    };
    log.available = true;
    let before: BTreeSet<u32> = before.iter().map(|c| c.pid).collect();
    // Alive children being followed: pid -> (command settled?).
    let mut alive: BTreeMap<u32, bool> = BTreeMap::new();
    let mut last = last_pid();
    let _ = ready.send(());
    let mut full_scan_due = Instant::now();
    loop {
        let stopping = stop.load(Ordering::Acquire);
        // New pids since the last sample: the kernel hands them out in
        // order, so only those above the last one need a look. Without
        // that counter (or when it wrapped), a full scan, less often.
        let mut fresh: Vec<u32> = Vec::new();
        match (last, last_pid()) {
            (Some(from), Some(to)) if to >= from && to - from <= 4_096 => {
                fresh.extend(from + 1..=to);
                last = Some(to);
            }
            (_, now) => {
                if Instant::now() >= full_scan_due || now.is_some() {
                    fresh.extend(
                        measured::process::children()
                            .unwrap_or_default()
                            .iter()
                            .map(|c| c.pid),
                    );
                    full_scan_due = Instant::now() + Duration::from_millis(5);
                }
                last = now;
            }
        }
        for pid in fresh {
            if before.contains(&pid) || alive.contains_key(&pid) || log.seen.contains_key(&pid) {
                continue;
            }
            if ProcStat::of_pid(pid).is_some_and(|s| s.ppid == me) && is_process(pid) {
                alive.insert(pid, false);
                let command = command_line(pid);
                log.seen.insert(
                    pid,
                    SeenChild {
                        pid,
                        reference: command.contains(REFERENCE_WORKER_ARG) || is_reference(pid),
                        command,
                    },
                );
            }
        }
        let (mut busy, mut living) = (0, 0);
        alive.retain(|&pid, settled| {
            let Some(stat) = ProcStat::of_pid(pid).filter(|s| s.ppid == me) else {
                return false;
            };
            let child = log.seen.get_mut(&pid).expect("seen when first found");
            if !*settled {
                // Until it has exec'd, a child shows this program's command.
                // An exiting child shows an empty one.
                let command = command_line(pid);
                if command != mine && !command.is_empty() {
                    child.reference = command.contains(REFERENCE_WORKER_ARG) || is_reference(pid);
                    child.command = command;
                    *settled = true;
                    if !child.reference {
                        counted.fetch_add(1, Ordering::AcqRel);
                    }
                }
            }
            if stat.state == 'Z' {
                // Waited for by nobody yet: how it ended is already known
                // (field 52 is a wait status).
                if let Some(signal) = stat
                    .exit_code
                    .and_then(|code| ExitStatus::from_raw(code).signal())
                    && !log.ended.iter().any(|e| e.pid == pid)
                {
                    log.ended.push(Ended {
                        pid,
                        signal: Some(signal),
                    });
                }
            } else if *settled && !child.reference && !is_reference(pid) {
                // Only a child known to be the candidate's: one that has not
                // exec'd yet may be one of the checker's own.
                living += 1;
                if stat.state == 'R' {
                    busy += 1;
                }
            }
            true
        });
        log.busy_high_water = log.busy_high_water.max(busy);
        if log.busy_histogram.is_empty() {
            log.busy_histogram = vec![0; 65];
        }
        log.busy_histogram[busy.min(64)] += 1;
        log.alive_high_water = log.alive_high_water.max(living);
        log.samples += 1;
        if stopping {
            break;
        }
        std::thread::sleep(SAMPLE_EVERY);
    }
    log.watch_cpu = measured::clock::thread_cpu_time();
    log
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_stretches_with_the_machines_slowdown_up_to_four_times() {
        let ms = Duration::from_millis;
        let mut pace = Pace::default();
        assert_eq!(pace.slowdown(), 1.0);
        assert_eq!(pace.stretch(ms(1000)), ms(1000));
        // Two threads ready per core, then one: 1.5 on average.
        pace.add(2.0, 1.0);
        pace.add(1.0, 0.0);
        assert_eq!(pace.stretch(ms(1000)), ms(1500));
        // An idle look counts as full speed, never faster.
        let mut idle = Pace::default();
        idle.add(0.0, 0.0);
        assert_eq!(idle.stretch(ms(1000)), ms(1000));
        pace.add(13.0, 1.0);
        assert!((pace.slowdown() - 16.0 / 3.0).abs() < 1e-9);
        assert_eq!(pace.stretch(ms(1000)), ms(4000));
    }

    #[test]
    fn waits_are_shown_in_seconds() {
        assert_eq!(secs(Duration::from_secs(3)), "3 s");
        assert_eq!(secs(Duration::from_millis(11_580)), "11.6 s");
        assert_eq!(secs(Duration::from_millis(3_020)), "3 s");
    }

    #[test]
    fn only_other_programs_excuse_a_time_out() {
        // An answer spinning 16 threads of its own on a quiet machine.
        let mut own = Pace::default();
        own.add(8.0, 0.0);
        assert!(!own.excuses());
        // The same beside other programs wanting every core twice over.
        let mut busy = Pace::default();
        busy.add(8.0, 2.5);
        assert!(busy.excuses());
        // Other programs heavy, but within the stretch: still judged.
        let mut within = Pace::default();
        within.add(3.0, 2.5);
        assert!(!within.excuses());
    }

    #[test]
    fn loadavg_gives_the_threads_ready_to_run() {
        assert_eq!(runnable("2.04 2.39 2.18 3/84 3121\n"), Some(3));
        assert_eq!(runnable("2.04 2.39"), None);
        assert_eq!(runnable("a b c x/84 1"), None);
    }

    use verdict::Status;

    #[test]
    fn leftovers_are_named_with_pid_and_command() {
        assert_eq!(
            judge_cleanup("after `run` returned", &[]).0.status,
            Status::Pass
        );
        let left = [
            Leftover {
                pid: 31_743,
                zombie: true,
                command: String::new(),
            },
            Leftover {
                pid: 32_461,
                zombie: false,
                command: "check --worker".into(),
            },
        ];
        let (e, cause) = judge_cleanup("after the timed runs", &left);
        assert_eq!(e.status, Status::Fail);
        assert_eq!(
            e.summary,
            "after the timed runs: 1 still running, 1 ended but never waited for, zombies (pids 31743 `` (zombie), 32461 `check --worker`)"
        );
        assert!(cause.unwrap().contains("zombie"));
        let running = [Leftover {
            pid: 5,
            zombie: false,
            command: "w".into(),
        }];
        assert!(
            judge_cleanup("x", &running)
                .1
                .unwrap()
                .starts_with("Workers were still running")
        );
    }

    #[test]
    fn the_busy_share_counts_only_samples_with_a_worker_busy() {
        let mut log = ChildLog {
            busy_histogram: vec![0; 65],
            ..ChildLog::default()
        };
        // 50 idle samples, 30 with one worker busy, 20 with two.
        log.busy_histogram[0] = 50;
        log.busy_histogram[1] = 30;
        log.busy_histogram[2] = 20;
        assert_eq!(log.share_busy(2), (0.4, 50));
        assert_eq!(log.share_busy(1), (1.0, 50));
        assert_eq!(ChildLog::default().share_busy(2), (0.0, 0));
    }

    #[test]
    fn the_checkers_own_workers_are_not_the_candidates() {
        let mut log = ChildLog::default();
        for (pid, reference) in [(10, false), (11, true)] {
            log.seen.insert(
                pid,
                SeenChild {
                    pid,
                    command: "c".into(),
                    reference,
                },
            );
        }
        log.ended.push(Ended {
            pid: 12,
            signal: Some(libc::SIGABRT),
        });
        log.ended.push(Ended {
            pid: 12,
            signal: Some(libc::SIGABRT),
        });
        log.ended.push(Ended {
            pid: 11,
            signal: None,
        });
        assert_eq!(log.candidate_pids(), [10, 12].into());
        assert_eq!(log.killed_by(libc::SIGABRT), 1);
    }

    #[test]
    fn a_watch_sees_a_child_start_and_end() {
        let watch = ChildWatch::start();
        let mut child = std::process::Command::new("sleep")
            .arg("0.05")
            .spawn()
            .unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let log = watch.stop();
        if log.available {
            assert!(log.candidate_pids().contains(&pid), "{log:?}");
        }
    }
}
