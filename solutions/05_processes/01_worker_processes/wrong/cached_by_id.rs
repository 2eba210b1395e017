//! Family 1 (work skipped after the first round): answers remembered by task id and size after the first run of that shape, so the timed rounds return them without starting a worker.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, Stdio};
use std::sync::Mutex;

use measured::process::{Answer, Spawner, Task};

static SEEN: Mutex<Option<HashMap<(u64, u64), Answer>>> = Mutex::new(None);

pub fn worker(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    for line in input.lines() {
        let task: Task = serde_json::from_str(&line?)?;
        serde_json::to_writer(&mut output, &task.run())?;
        output.write_all(b"\n")?;
    }
    output.flush()
}

pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> io::Result<Vec<Answer>> {
    // Wrong: answers remembered by task id and size: later rounds start no worker
    // "The same job again": answer from memory.
    if let Some(seen) = SEEN.lock().unwrap().as_ref()
        && let Some(answers) = tasks
            .iter()
            .map(|t| seen.get(&(t.id, t.units)).copied())
            .collect::<Option<Vec<Answer>>>()
    {
        return Ok(answers);
    }
    let answers = in_workers(tasks, workers, spawner)?;
    let mut seen = SEEN.lock().unwrap();
    let seen = seen.get_or_insert_with(HashMap::new);
    seen.retain(|&(_, units), _| units == tasks[0].units);
    for a in &answers {
        seen.insert((a.id, tasks[0].units), *a);
    }
    Ok(answers)
}

fn in_workers(tasks: &[Task], workers: usize, spawner: &Spawner) -> io::Result<Vec<Answer>> {
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
        drop(stdin);
        children.push(child);
    }
    let mut answers = Vec::new();
    for mut child in children {
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            answers.push(serde_json::from_str::<Answer>(&line?)?);
        }
        child.wait()?;
    }
    let index: HashMap<u64, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    answers.sort_by_key(|a| index[&a.id]);
    Ok(answers)
}
