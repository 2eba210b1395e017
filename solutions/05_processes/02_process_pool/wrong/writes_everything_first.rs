//! Wrong: each worker is sent all of its tasks before any answer is read.
//! With a few hundred tasks it works; with thousands, the worker fills its
//! answer pipe (about 64 KiB) and stops reading, the pool fills the task
//! pipe and stops too, and both wait for ever.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use measured::process::{Answer, Spawner, Task};

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
        let n = self.workers.len();
        let shares: Vec<Vec<Task>> = (0..n)
            .map(|w| tasks.iter().skip(w).step_by(n).copied().collect())
            .collect();
        // Wrong: all tasks written before any answer is read: the pipes fill and both wait
        // Every batch of 10 tasks written, to every worker...
        for (share, (_, stdin, _)) in shares.iter().zip(&mut self.workers) {
            let stdin = stdin.as_mut().unwrap();
            for batch in share.chunks(10) {
                serde_json::to_writer(&mut *stdin, batch)?;
                stdin.write_all(b"\n")?;
            }
            stdin.flush()?;
        }
        // ...and only then the answers read.
        let mut answers = vec![None; tasks.len()];
        for (w, (share, (_, _, stdout))) in shares.iter().zip(&mut self.workers).enumerate() {
            for batch in 0..share.len().div_ceil(10) {
                let mut line = String::new();
                stdout.read_line(&mut line)?;
                let got: Vec<Answer> = serde_json::from_str(&line)?;
                for (k, answer) in got.into_iter().enumerate() {
                    answers[(batch * 10 + k) * n + w] = Some(answer);
                }
            }
        }
        Ok(answers.into_iter().map(Option::unwrap).collect())
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
