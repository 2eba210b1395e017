//! Wrong: a "pool" that starts a fresh process for every task, two at a
//! time. Right answers, but each tiny task pays for a whole process start.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, Stdio};

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
    workers: usize,
    spawner: Spawner,
}

impl Pool {
    pub fn new(workers: usize, spawner: &Spawner) -> io::Result<Pool> {
        Ok(Pool {
            workers: workers.max(1),
            spawner: spawner.clone(),
        })
    }

    pub fn map(&mut self, tasks: &[Task]) -> io::Result<Vec<Answer>> {
        let mut answers = Vec::with_capacity(tasks.len());
        // Wrong: a fresh process per task: each tiny task pays a whole process start
        for group in tasks.chunks(self.workers) {
            let mut children: Vec<Child> = Vec::new();
            for task in group {
                let mut child = self
                    .spawner
                    .command()
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .spawn()?;
                let mut stdin = child.stdin.take().unwrap();
                serde_json::to_writer(&mut stdin, &[task])?;
                stdin.write_all(b"\n")?;
                children.push(child);
            }
            for mut child in children {
                let mut line = String::new();
                BufReader::new(child.stdout.take().unwrap()).read_line(&mut line)?;
                let got: Vec<Answer> = serde_json::from_str(&line)?;
                answers.extend(got);
                child.wait()?;
            }
        }
        Ok(answers)
    }
}
