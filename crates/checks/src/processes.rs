//! What the checks of chapter 05 share: worker mode (the check binary, run
//! again with [`WORKER_ARG`], becomes the learner's worker), the checker's
//! own reference worker and pools, a watchdog that turns a hung candidate
//! into a verdict, and the count of children left behind.

use std::io::{self, BufRead, BufReader, BufWriter, StdinLock, StdoutLock, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use measured::process::{Answer, ChildProcess, Spawner, Task, WORKER_ARG};
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
pub fn reference_worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
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
pub fn reference_spawner() -> Spawner {
    Spawner::this_program([REFERENCE_WORKER_ARG]).expect("this program's path")
}

/// One of the checker's workers, with its pipes.
struct Worker {
    child: Child,
    input: Option<BufWriter<ChildStdin>>,
    output: BufReader<ChildStdout>,
}

impl Worker {
    fn start(spawner: &Spawner) -> io::Result<Worker> {
        let mut child = spawner
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let input = child.stdin.take().map(BufWriter::new);
        let output = BufReader::new(child.stdout.take().expect("piped stdout"));
        Ok(Worker {
            child,
            input,
            output,
        })
    }

    fn send_batch(&mut self, tasks: &[Task]) -> io::Result<()> {
        let input = self.input.as_mut().expect("input open");
        serde_json::to_writer(&mut *input, tasks)?;
        input.write_all(b"\n")?;
        input.flush()
    }

    fn receive(&mut self) -> io::Result<Answer> {
        let mut line = String::new();
        if self.output.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "worker ended"));
        }
        Ok(serde_json::from_str(&line)?)
    }

    fn finish(mut self) -> io::Result<()> {
        drop(self.input.take());
        let status = self.child.wait()?;
        if status.success() {
            Ok(())
        } else {
            Err(io::Error::other(format!("worker failed: {status}")))
        }
    }
}

/// The checker's ideal multi-process version: `workers` worker processes,
/// the tasks dealt round-robin, each worker sent its share as batches and
/// answering as it goes. Answers come back in task order.
pub fn reference_run(tasks: &[Task], workers: usize, spawner: &Spawner) -> io::Result<Vec<Answer>> {
    const BATCH: usize = 64;
    let workers = workers.clamp(1, tasks.len().max(1));
    let mut pool: Vec<Worker> = (0..workers)
        .map(|_| Worker::start(spawner))
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
                pool[w].send_batch(batch)?;
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
                let answer = pool[w].receive()?;
                if let Some(i) = position(&answer) {
                    answers[i] = Some(answer);
                }
                pending[w] -= 1;
            }
        }
    }
    for worker in pool {
        worker.finish()?;
    }
    answers
        .into_iter()
        .map(|a| a.ok_or_else(|| io::Error::other("a task went unanswered")))
        .collect()
}

/// The checker's process-per-task version: every task gets a fresh worker,
/// `workers` of them at a time. Returns the answers in task order.
pub fn process_per_task(
    tasks: &[Task],
    workers: usize,
    spawner: &Spawner,
) -> io::Result<Vec<Answer>> {
    let workers = workers.max(1);
    let mut answers = Vec::with_capacity(tasks.len());
    for group in tasks.chunks(workers) {
        let mut started = Vec::with_capacity(group.len());
        for task in group {
            let mut worker = Worker::start(spawner)?;
            worker.send_batch(std::slice::from_ref(task))?;
            started.push(worker);
        }
        for mut worker in started {
            answers.push(worker.receive()?);
            worker.finish()?;
        }
    }
    Ok(answers)
}

/// How a candidate's run ended, as seen by [`watch`].
pub enum Watched<T> {
    /// It returned in time.
    Returned(T),
    /// It did not return within the limit; its children were killed.
    TimedOut {
        /// How many children were killed to free it.
        killed: usize,
    },
}

/// Runs `run` on a thread and waits at most `limit` for it. If it has not
/// returned by then, kills every child of this process (so that whatever it
/// is blocked on, a pipe to a worker, sees the end) and reports the time out.
/// A panic in `run` is passed on to the caller.
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
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => {
            let _ = handle.join();
            Watched::Returned(value)
        }
        Ok(Err(panic)) => {
            let _ = handle.join();
            std::panic::resume_unwind(panic)
        }
        Err(_) => {
            let killed = measured::process::kill_children();
            // Give the candidate a moment to notice and return; a thread
            // that still hangs is left behind (the check reports anyway).
            let _ = rx.recv_timeout(Duration::from_secs(1));
            std::thread::sleep(Duration::from_millis(50));
            measured::process::reap_zombies();
            Watched::TimedOut { killed }
        }
    }
}

/// The `cleaned up` evidence: no child of this process is left running or
/// unwaited-for `after` the candidate returned ("after `run` returned"). Leftovers are then killed and
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
    let zombies = left.iter().filter(|c| c.zombie).count();
    let running = left.len() - zombies;
    measured::process::kill_children();
    std::thread::sleep(Duration::from_millis(20));
    measured::process::reap_zombies();
    if left.is_empty() {
        return (
            Evidence::pass(
                "cleaned up",
                format!("no worker left running or unwaited-for {after}"),
            ),
            None,
        );
    }
    let pids = pid_list(&left);
    let mut parts = Vec::new();
    if running > 0 {
        parts.push(format!("{running} still running"));
    }
    if zombies > 0 {
        parts.push(format!("{zombies} ended but never waited for, zombies"));
    }
    let cause = if zombies > 0 {
        "A child process that ends stays in the process table as a zombie until its parent waits for it, and its CPU time is not counted until then: call `child.wait()` on every worker you started, after closing its stdin (drop it) so that it can finish."
    } else {
        "Workers were still running when your function returned: close each worker's stdin (drop it) so that it sees the end of its input, then `child.wait()` for it."
    };
    (
        Evidence::fail(
            "cleaned up",
            format!("{after}: {} (pids {pids})", parts.join(", ")),
        ),
        Some(cause.into()),
    )
}

fn pid_list(children: &[ChildProcess]) -> String {
    let mut pids: Vec<String> = children.iter().take(5).map(|c| c.pid.to_string()).collect();
    if children.len() > 5 {
        pids.push("...".into());
    }
    pids.join(", ")
}

/// The diagnosis for a candidate that hung talking to its workers.
pub fn hung_cause(limit: Duration, killed: usize) -> String {
    format!(
        "No result after {} s, and {killed} worker(s) were still running: the pipes are probably stuck. A worker waits for the end of its input until you drop its stdin; and if you write all the tasks before reading any answer, the worker blocks writing answers into a full pipe (about 64 KiB) while you block writing tasks into another. Drop stdin when you have sent everything, and read answers while you write (a thread per direction, or one batch at a time).",
        limit.as_secs()
    )
}
