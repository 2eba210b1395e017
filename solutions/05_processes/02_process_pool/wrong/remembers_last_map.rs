//! Family 1 (work skipped after the first round): the pool remembers the last map's answers and gives them back when the next map has the same task ids, so repeated maps cost nothing.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use measured::process::{Answer, Spawner, Task};

const BATCH: usize = 250;

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

struct Worker {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
}

impl Worker {
    fn run(&mut self, batch: &[Task]) -> io::Result<Vec<Answer>> {
        let stdin = self.stdin.as_mut().unwrap();
        serde_json::to_writer(&mut *stdin, batch)?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        Ok(serde_json::from_str(&line)?)
    }
}

pub struct Pool {
    workers: Vec<Worker>,
    last: Option<(Vec<u64>, Vec<Answer>)>,
}

impl Pool {
    pub fn new(workers: usize, spawner: &Spawner) -> io::Result<Pool> {
        let mut started = Vec::new();
        for _ in 0..workers.max(1) {
            let mut child = spawner
                .command()
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let stdin = child.stdin.take().map(BufWriter::new);
            let stdout = BufReader::new(child.stdout.take().unwrap());
            started.push(Worker {
                child,
                stdin,
                stdout,
            });
        }
        Ok(Pool {
            workers: started,
            last: None,
        })
    }

    pub fn map(&mut self, tasks: &[Task]) -> io::Result<Vec<Answer>> {
        // Wrong: the last map's answers handed back when the ids match: no work at all
        let ids: Vec<u64> = tasks.iter().map(|t| t.id).collect();
        if let Some((last_ids, answers)) = &self.last
            && *last_ids == ids
        {
            return Ok(answers.clone());
        }
        let batches: Vec<&[Task]> = tasks.chunks(BATCH).collect();
        let next = AtomicUsize::new(0);
        let answers: Mutex<Vec<Option<Answer>>> = Mutex::new(vec![None; tasks.len()]);
        std::thread::scope(|s| {
            for worker in &mut self.workers {
                let (batches, next, answers) = (&batches, &next, &answers);
                s.spawn(move || {
                    while let Some(batch) = batches.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let b = batch[0].id as usize / BATCH;
                        let got = worker.run(batch).unwrap();
                        let mut answers = answers.lock().unwrap();
                        for (k, a) in got.into_iter().enumerate() {
                            answers[b * BATCH + k] = Some(a);
                        }
                    }
                });
            }
        });
        let answers: Vec<Answer> = answers
            .into_inner()
            .unwrap()
            .into_iter()
            .map(Option::unwrap)
            .collect();
        self.last = Some((ids, answers.clone()));
        Ok(answers)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in &mut self.workers {
            drop(worker.stdin.take());
            let _ = worker.child.wait();
        }
    }
}
