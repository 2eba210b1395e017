//! Wrong: each worker is started, fed, drained and waited for before the
//! next one starts. Every task runs in a worker, but only one worker is
//! ever busy: processes in a row are as slow as one.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::Stdio;

use measured::process::{Answer, Spawner, Task};

pub fn worker(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    for line in input.lines() {
        let task: Task = serde_json::from_str(&line?)?;
        serde_json::to_writer(&mut output, &task.run())?;
        output.write_all(b"\n")?;
    }
    output.flush()
}

pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> io::Result<Vec<Answer>> {
    let workers = workers.clamp(1, tasks.len().max(1));
    let mut answers = Vec::new();
    for w in 0..workers {
        let mut child = spawner
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut stdin = BufWriter::new(child.stdin.take().unwrap());
        for task in tasks.iter().skip(w).step_by(workers) {
            serde_json::to_writer(&mut stdin, task)?;
            stdin.write_all(b"\n")?;
        }
        stdin.flush()?;
        drop(stdin);
        // Wrong: each worker drained and waited for before the next starts
        // Reading this worker's answers before starting the next one.
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            answers.push(serde_json::from_str::<Answer>(&line?)?);
        }
        child.wait()?;
    }
    let index: HashMap<u64, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    answers.sort_by_key(|a| index[&a.id]);
    Ok(answers)
}
