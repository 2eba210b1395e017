//! Worker processes for chapter 05: how to start one, the tasks they are
//! sent and the answers they send back (serde types, one JSON value per
//! line), and what a check needs to watch them: a clock every process
//! shares ([`shared_clock`], from [`crate::clock`]), the children of this
//! process that are still around, and what `/proc` says of a process or a
//! thread ([`ProcStat`]).
//!
//! A worker is this same program started again with [`WORKER_ARG`], the way
//! Python's `multiprocessing` "spawn" start method runs the main module again
//! in each child. The exercise's `check` binary sees the argument and runs
//! the learner's worker instead of the checks.

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::Duration;

use rustix::process::{Pid, Signal, WaitOptions};
use serde::{Deserialize, Serialize};

pub use crate::clock::shared_clock;
pub use verdict::procfs::ProcStat;

use crate::kernel::{mix, spin};
use crate::witness::RecordedItems;

/// The argument that starts this program as a worker.
pub const WORKER_ARG: &str = "--worker";

/// Starts worker processes: this program again, with the arguments that put
/// it in worker mode. (The checks count the processes the OS started, not
/// the commands handed out.)
#[derive(Debug, Clone)]
pub struct Spawner {
    program: PathBuf,
    args: Vec<OsString>,
}

impl Spawner {
    /// Workers that run `program` with `args`.
    pub fn new(
        program: impl Into<PathBuf>,
        args: impl IntoIterator<Item = impl Into<OsString>>,
    ) -> Self {
        Spawner {
            program: program.into(),
            args: args.into_iter().map(Into::into).collect(),
        }
    }

    /// Workers that run this program again with `args`.
    pub fn this_program(args: impl IntoIterator<Item = impl Into<OsString>>) -> io::Result<Self> {
        Ok(Self::new(std::env::current_exe()?, args))
    }

    /// A command that starts one worker when you `spawn()` it. Its standard
    /// input, output and error are inherited until you say otherwise: pipe
    /// the first two (`std::process::Stdio::piped()`) to talk to it.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        command
    }
}

/// One piece of work for a worker. Send it as JSON (`serde_json`); the
/// worker calls [`Task::run`] and sends back the [`Answer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Which task this is; its answer carries the same id.
    pub id: u64,
    /// How much computing it takes.
    pub units: u64,
    /// Its input.
    pub seed: u64,
}

/// What a worker sends back for one [`Task`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The task's id.
    pub id: u64,
    /// The result.
    pub value: u64,
    /// The process that computed it.
    pub pid: u32,
    /// When the work started and ended, in nanoseconds on [`shared_clock`].
    pub started_ns: u64,
    /// See `started_ns`.
    pub ended_ns: u64,
}

/// A task whose worker died before answering it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failed {
    /// The task's id.
    pub id: u64,
    /// What happened, in words: "the worker was killed by signal 6", say.
    pub reason: String,
}

/// Seeds whose mix has this remainder are malformed input (05/03).
const POISON_MODULUS: u64 = 1_009;

impl Task {
    /// A task of `units` of work on `seed`. Some seeds are malformed input:
    /// see [`Task::run`].
    pub fn new(id: u64, units: u64, seed: u64) -> Self {
        Task { id, units, seed }
    }

    /// Does the work in this process and returns the answer, stamped with
    /// this process's id and the time it took on [`shared_clock`].
    ///
    /// Like a C library handed a malformed file, it aborts the whole process
    /// on some inputs (a few seeds in a thousand, which nothing tells in
    /// advance): that is what a worker process is for.
    pub fn run(&self) -> Answer {
        if is_poison(self.seed) {
            crash();
        }
        let started_ns = shared_clock_ns();
        let value = spin(self.units, self.seed);
        Answer {
            id: self.id,
            value,
            pid: std::process::id(),
            started_ns,
            ended_ns: shared_clock_ns(),
        }
    }
}

/// Ends this process with SIGABRT, as a failed C assertion does, without
/// leaving a core dump behind on the learner's disk.
fn crash() -> ! {
    use rustix::process::{Resource, Rlimit, setrlimit};
    let none = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    let _ = setrlimit(Resource::Core, none);
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{DumpableBehavior, set_dumpable_behavior};
        let _ = set_dumpable_behavior(DumpableBehavior::NotDumpable);
    }
    std::process::abort()
}

fn is_poison(seed: u64) -> bool {
    mix(seed ^ 0x05_03).is_multiple_of(POISON_MODULUS)
}

/// A worker's whole life, one task at a time: one [`Task`] per line in, its
/// [`Answer`] out as one line, flushed at once. `task.run()` aborts the
/// whole process on poison.
pub fn serve_one_at_a_time(input: impl BufRead, output: impl Write) -> io::Result<()> {
    let mut output = BufWriter::new(output);
    for line in input.lines() {
        let task: Task = serde_json::from_str(&line?)?;
        serde_json::to_writer(&mut output, &task.run())?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

/// One worker process that serves one task at a time
/// ([`serve_one_at_a_time`]), and the two ends of its pipes: one JSON value
/// a line each way. The checks' own reference pool drives the same type
/// with batches ([`Worker::send`], [`Worker::receive`]).
#[derive(Debug)]
pub struct Worker {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    /// Starts a worker.
    pub fn start(spawner: &Spawner) -> io::Result<Worker> {
        let mut child = spawner
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().map(BufWriter::new);
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(Worker {
            child,
            stdin,
            stdout,
        })
    }

    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends one task and reads its answer: `Ok(None)` when the worker
    /// died instead of answering (its stdout ended, or its stdin broke).
    pub fn run(&mut self, task: &Task) -> io::Result<Option<Answer>> {
        if !self.send(task)? {
            return Ok(None);
        }
        self.receive()
    }

    /// Writes `value` as one JSON line: `Ok(false)` when the worker is gone
    /// (its stdin broke).
    pub fn send<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<bool> {
        let stdin = self.stdin.as_mut().expect("open until finish");
        let sent = serde_json::to_writer(&mut *stdin, value)
            .map_err(io::Error::from)
            .and_then(|()| stdin.write_all(b"\n"))
            .and_then(|()| stdin.flush());
        match sent {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Reads one JSON line: `Ok(None)` when the worker's output ended.
    pub fn receive<T: serde::de::DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(serde_json::from_str(&line)?))
    }

    /// Closes the worker's input and waits for it to end: how a live worker
    /// is told to stop, and how a dead one is buried (and says how it died).
    pub fn finish(mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        self.child.wait()
    }
}

fn shared_clock_ns() -> u64 {
    shared_clock().as_nanos() as u64
}

/// The answers as items of a witness: one lane per process.
pub fn recorded(answers: &[Answer]) -> RecordedItems {
    let mut items = RecordedItems::new();
    for a in answers {
        items.push(
            a.pid,
            Duration::from_nanos(a.started_ns),
            Duration::from_nanos(a.ended_ns),
        );
    }
    items
}

/// A child process of this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildProcess {
    /// Its process id.
    pub pid: u32,
    /// Has it ended without being waited for (a zombie)?
    pub zombie: bool,
}

/// The children of this process that still exist: running, or ended and not
/// yet waited for. `None` where the platform cannot list them (no `/proc`).
pub fn children() -> Option<Vec<ChildProcess>> {
    let me = std::process::id();
    let mut found: Vec<ChildProcess> = verdict::procfs::all_processes()?
        .into_iter()
        .filter(|stat| stat.ppid == me)
        .map(|stat| ChildProcess {
            pid: stat.pid,
            zombie: stat.state == 'Z',
        })
        .collect();
    found.sort_by_key(|c| c.pid);
    Some(found)
}

/// Kills every child of this process that is still running (a check that
/// gave up on a hung candidate), so that whoever reads their pipes sees the
/// end. Returns how many it killed. Zombies are left for their owner to
/// wait for.
pub fn kill_children() -> usize {
    let mut killed = 0;
    for child in children().unwrap_or_default() {
        if !child.zombie
            && let Some(pid) = Pid::from_raw(child.pid as i32)
            && rustix::process::kill_process(pid, Signal::KILL).is_ok()
        {
            killed += 1;
        }
    }
    killed
}

/// Waits for every child of this process that has ended and nobody waited
/// for, so no zombie outlives a check. Returns how many it reaped.
pub fn reap_zombies() -> usize {
    let mut reaped = 0;
    for child in children().unwrap_or_default() {
        if child.zombie
            && let Some(pid) = Pid::from_raw(child.pid as i32)
            && let Ok(Some(_)) = rustix::process::waitpid(Some(pid), WaitOptions::NOHANG)
        {
            reaped += 1;
        }
    }
    reaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_travel_as_one_json_line() {
        let task = Task::new(3, 10, 42);
        let line = serde_json::to_string(&task).unwrap();
        assert!(!line.contains('\n'));
        assert_eq!(serde_json::from_str::<Task>(&line).unwrap(), task);
    }

    /// The first poison seeds, recorded: `references::processes`'s test
    /// holds the same list, so the two copies of the formula agree.
    const RECORDED_POISON: [u64; 4] = [69, 1_555, 2_927, 3_798];

    #[test]
    fn the_poison_test_matches_the_recorded_seeds() {
        let found: Vec<u64> = (0..3_800).filter(|&s| is_poison(s)).collect();
        assert_eq!(found, RECORDED_POISON);
    }

    #[test]
    fn run_computes_the_kernel_and_names_this_process() {
        let task = Task::new(1, 1000, 9);
        let answer = task.run();
        assert_eq!(answer.value, spin(1000, 9));
        assert_eq!(answer.pid, std::process::id());
        assert!(answer.ended_ns >= answer.started_ns);
    }

    #[test]
    fn a_finished_child_is_a_zombie_until_waited_for() {
        let mut child = Command::new("true").spawn().unwrap();
        let pid = child.id();
        // Give it time to end, without waiting for it.
        let mut seen = None;
        for _ in 0..200 {
            seen = children().and_then(|c| c.into_iter().find(|c| c.pid == pid));
            if seen.is_some_and(|c| c.zombie) {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if children().is_some() {
            assert_eq!(seen.map(|c| c.zombie), Some(true));
        }
        child.wait().unwrap();
        let after = children().unwrap_or_default();
        assert!(after.iter().all(|c| c.pid != pid));
    }
}
