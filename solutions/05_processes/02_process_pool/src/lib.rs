//! 05/02 process pool, solved: workers started once, tasks sent in batches,
//! one thread per worker taking the next batch as soon as it is free.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use measured::process::{Answer, Spawner, Task};

/// Tasks per line: a few hundred make the cost of a line negligible and
/// still leave enough batches to keep every worker busy to the end.
const BATCH: usize = 250;

/// A worker's whole life: a batch of tasks per line in, their answers as
/// one line out.
pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    let mut output = BufWriter::new(output);
    for line in input.lines() {
        let tasks: Vec<Task> = serde_json::from_str(&line?)?;
        let answers: Vec<Answer> = tasks.iter().map(Task::run).collect();
        serde_json::to_writer(&mut output, &answers)?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

/// One worker process and the two ends of its pipes.
struct Worker {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn start(spawner: &Spawner) -> io::Result<Worker> {
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

    /// Sends one batch and reads its answers back.
    fn run(&mut self, batch: &[Task]) -> io::Result<Vec<Answer>> {
        let stdin = self.stdin.as_mut().expect("open until the pool drops");
        serde_json::to_writer(&mut *stdin, batch)?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "a worker ended early",
            ));
        }
        Ok(serde_json::from_str(&line)?)
    }
}

/// A pool of worker processes, started once.
pub struct Pool {
    workers: Vec<Worker>,
}

impl Pool {
    /// Starts `workers` worker processes.
    pub fn new(workers: usize, spawner: &Spawner) -> io::Result<Pool> {
        let workers = (0..workers.max(1))
            .map(|_| Worker::start(spawner))
            .collect::<io::Result<_>>()?;
        Ok(Pool { workers })
    }

    /// Runs `tasks` on the workers, answers in task order.
    pub fn map(&mut self, tasks: &[Task]) -> io::Result<Vec<Answer>> {
        let batches: Vec<&[Task]> = tasks.chunks(BATCH).collect();
        let next = AtomicUsize::new(0);
        let answers: Mutex<Vec<Option<Answer>>> = Mutex::new(vec![None; tasks.len()]);
        std::thread::scope(|s| {
            let handles: Vec<_> = self
                .workers
                .iter_mut()
                .map(|worker| {
                    let (batches, next, answers) = (&batches, &next, &answers);
                    s.spawn(move || -> io::Result<()> {
                        // Take the next batch until none is left: a worker
                        // that finishes early takes more.
                        loop {
                            let b = next.fetch_add(1, Ordering::Relaxed);
                            let Some(batch) = batches.get(b) else {
                                return Ok(());
                            };
                            let got = worker.run(batch)?;
                            if got.len() != batch.len() {
                                return Err(io::Error::other("a batch came back short"));
                            }
                            // Batch b holds the tasks from b * BATCH on.
                            let mut answers = answers.lock().unwrap();
                            for (offset, answer) in got.into_iter().enumerate() {
                                answers[b * BATCH + offset] = Some(answer);
                            }
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .try_for_each(|h| h.join().expect("a pool thread panicked"))
        })?;
        answers
            .into_inner()
            .unwrap()
            .into_iter()
            .map(|a| a.ok_or_else(|| io::Error::other("a task was never answered")))
            .collect()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in &mut self.workers {
            // The worker's input ends: it leaves its loop and exits.
            drop(worker.stdin.take());
        }
        for worker in &mut self.workers {
            let _ = worker.child.wait();
        }
    }
}
