//! Wrong: batches cut with `chunks_exact`, which drops the last, shorter
//! batch. Fast, persistent, and some tasks are never answered.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use measured::process::{Answer, Spawner, Task};

const BATCH: usize = 64;

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

pub struct Pool {
    workers: Vec<(Child, Option<BufWriter<ChildStdin>>, BufReader<ChildStdout>)>,
}

impl Pool {
    pub fn new(workers: usize, spawner: &Spawner) -> io::Result<Pool> {
        let mut pool = Pool {
            workers: Vec::new(),
        };
        for _ in 0..workers.max(1) {
            let mut child = spawner
                .command()
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let stdin = BufWriter::new(child.stdin.take().unwrap());
            let stdout = BufReader::new(child.stdout.take().unwrap());
            pool.workers.push((child, Some(stdin), stdout));
        }
        Ok(pool)
    }

    pub fn map(&mut self, tasks: &[Task]) -> io::Result<Vec<Answer>> {
        let mut answers = Vec::with_capacity(tasks.len());
        // Wrong: `chunks_exact` drops the last, shorter batch: its tasks go unanswered
        let batches: Vec<&[Task]> = tasks.chunks_exact(BATCH).collect();
        // A round of batches, one per worker, then their answers.
        for round in batches.chunks(self.workers.len()) {
            for (batch, (_, stdin, _)) in round.iter().zip(&mut self.workers) {
                let stdin = stdin.as_mut().unwrap();
                serde_json::to_writer(&mut *stdin, batch)?;
                stdin.write_all(b"\n")?;
                stdin.flush()?;
            }
            for (_, (_, _, stdout)) in round.iter().zip(&mut self.workers) {
                let mut line = String::new();
                stdout.read_line(&mut line)?;
                let got: Vec<Answer> = serde_json::from_str(&line)?;
                answers.extend(got);
            }
        }
        Ok(answers)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for (child, stdin, _) in &mut self.workers {
            drop(stdin.take());
            let _ = child.wait();
        }
    }
}
