//! Wrong: the workers do the work side by side and every answer comes back,
//! but nobody waits for the children. Each one stays in the process table
//! as a zombie, and its CPU time is never added to the parent's account.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, Stdio};

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
    let mut children: Vec<Child> = Vec::new();
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
        children.push(child);
    }
    let mut answers = Vec::new();
    for mut child in children {
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            answers.push(serde_json::from_str::<Answer>(&line?)?);
        }
        // Wrong: no `wait`: each child is left a zombie, its CPU time never counted
        // The answers are in: the child is dropped here, never waited for.
    }
    let index: HashMap<u64, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    answers.sort_by_key(|a| index[&a.id]);
    Ok(answers)
}
