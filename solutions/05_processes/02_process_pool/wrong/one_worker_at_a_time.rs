//! Family 3 (structure not checked at all): a pool fed one worker at a time from the caller: each batch goes to the next worker in turn and its answers are read before the next batch is sent, so only one worker ever computes.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

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

pub struct Pool {
    workers: Vec<Worker>,
    next: usize,
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
            next: 0,
        })
    }

    pub fn map(&mut self, tasks: &[Task]) -> io::Result<Vec<Answer>> {
        let mut answers = Vec::with_capacity(tasks.len());
        for batch in tasks.chunks(BATCH) {
            // Wrong: each batch's answer read before the next is sent: one worker at a time
            // Round-robin over the workers, so every one of them is used.
            let w = self.next % self.workers.len();
            let worker = &mut self.workers[w];
            self.next += 1;
            let stdin = worker.stdin.as_mut().unwrap();
            serde_json::to_writer(&mut *stdin, batch)?;
            stdin.write_all(b"\n")?;
            stdin.flush()?;
            let mut line = String::new();
            worker.stdout.read_line(&mut line)?;
            answers.extend(serde_json::from_str::<Vec<Answer>>(&line)?);
        }
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
