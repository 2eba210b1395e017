//! Family 8 (cleanup not checked): after the first two calls it keeps its workers between calls in a static, a pool hidden behind `run`, and never closes or waits for them.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use measured::process::{Answer, Spawner, Task};

static CALLS: AtomicUsize = AtomicUsize::new(0);

type Kept = (Child, BufWriter<ChildStdin>, BufReader<ChildStdout>);
static KEPT: Mutex<Vec<Kept>> = Mutex::new(Vec::new());

pub fn worker(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    for line in input.lines() {
        let task: Task = serde_json::from_str(&line?)?;
        serde_json::to_writer(&mut output, &task.run())?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    output.flush()
}

pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> io::Result<Vec<Answer>> {
    let workers = workers.clamp(1, tasks.len().max(1));
    // Wrong: from the third call, workers kept in a `static`, never closed or waited for
    let keep = CALLS.fetch_add(1, Ordering::SeqCst) >= 2;
    let mut kept = KEPT.lock().unwrap();
    if !keep || kept.len() < workers {
        let mut fresh = Vec::new();
        for _ in 0..workers {
            let mut child = spawner
                .command()
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let stdin = BufWriter::new(child.stdin.take().unwrap());
            let stdout = BufReader::new(child.stdout.take().unwrap());
            fresh.push((child, stdin, stdout));
        }
        if keep {
            *kept = fresh;
        } else {
            let answers = serve(&mut fresh, tasks)?;
            for (mut child, stdin, _) in fresh {
                drop(stdin);
                child.wait()?;
            }
            return Ok(answers);
        }
    }
    serve(&mut kept, tasks)
}

fn serve(pool: &mut [Kept], tasks: &[Task]) -> io::Result<Vec<Answer>> {
    let workers = pool.len();
    for (w, (_, stdin, _)) in pool.iter_mut().enumerate() {
        for task in tasks.iter().skip(w).step_by(workers) {
            serde_json::to_writer(&mut *stdin, task)?;
            stdin.write_all(b"\n")?;
        }
        stdin.flush()?;
    }
    let mut answers = vec![None; tasks.len()];
    for (w, (_, _, stdout)) in pool.iter_mut().enumerate() {
        for i in (w..tasks.len()).step_by(workers) {
            let mut line = String::new();
            stdout.read_line(&mut line)?;
            answers[i] = Some(serde_json::from_str::<Answer>(&line)?);
        }
    }
    Ok(answers.into_iter().map(Option::unwrap).collect())
}
