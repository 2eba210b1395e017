//! 05/01 worker processes, solved: every worker started before any answer
//! is read, tasks and answers as JSON lines over the workers' pipes.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, Stdio};

use measured::process::{Answer, Spawner, Task};

/// A worker's whole life: one task per line in, one answer per line out.
pub fn worker(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    for line in input.lines() {
        let task: Task = serde_json::from_str(&line?)?;
        serde_json::to_writer(&mut output, &task.run())?;
        output.write_all(b"\n")?;
    }
    output.flush()
}

/// Runs `tasks` on `workers` worker processes, answers in task order.
pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> io::Result<Vec<Answer>> {
    let workers = workers.clamp(1, tasks.len().max(1));

    // Start every worker and hand it its whole share before reading any
    // answer, so they all compute at once. The shares are small, so the
    // pipes never fill up while we write.
    let mut children: Vec<Child> = Vec::with_capacity(workers);
    for w in 0..workers {
        let mut child = spawner
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut stdin = BufWriter::new(child.stdin.take().expect("stdin is piped"));
        for task in tasks.iter().skip(w).step_by(workers) {
            serde_json::to_writer(&mut stdin, task)?;
            stdin.write_all(b"\n")?;
        }
        // Flush, then close: the worker's input ends and it can finish.
        stdin.flush()?;
        drop(stdin);
        children.push(child);
    }

    // Collect the answers, then wait for each worker so none is left a
    // zombie (and its CPU time is counted).
    let mut answers = Vec::with_capacity(tasks.len());
    for mut child in children {
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        for line in stdout.lines() {
            answers.push(serde_json::from_str::<Answer>(&line?)?);
        }
        let status = child.wait()?;
        if !status.success() {
            return Err(io::Error::other(format!("a worker failed: {status}")));
        }
    }

    // Answers come back grouped by worker: put them in task order.
    let index: HashMap<u64, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let mut ordered: Vec<Option<Answer>> = vec![None; tasks.len()];
    for answer in answers {
        if let Some(&i) = index.get(&answer.id) {
            ordered[i] = Some(answer);
        }
    }
    ordered
        .into_iter()
        .map(|a| a.ok_or_else(|| io::Error::other("a task was never answered")))
        .collect()
}
