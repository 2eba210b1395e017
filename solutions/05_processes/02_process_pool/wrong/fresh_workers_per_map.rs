//! Family 3 (counted from the wrong place): `new` starts the workers with `spawner.command()`, but every `map` replaces them with fresh ones built from a copy of that command, so a count of `command()` calls still says `workers`.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

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
    fn start(mut command: Command) -> io::Result<Worker> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let stdin = child.stdin.take().map(BufWriter::new);
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Ok(Worker {
            child,
            stdin,
            stdout,
        })
    }

    fn run(&mut self, batch: &[Task]) -> io::Result<Vec<Answer>> {
        let stdin = self.stdin.as_mut().unwrap();
        serde_json::to_writer(&mut *stdin, batch)?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        Ok(serde_json::from_str(&line)?)
    }

    fn finish(mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

pub struct Pool {
    program: std::ffi::OsString,
    args: Vec<std::ffi::OsString>,
    workers: Vec<Worker>,
}

impl Pool {
    pub fn new(workers: usize, spawner: &Spawner) -> io::Result<Pool> {
        let template = spawner.command();
        let program = template.get_program().to_owned();
        let args: Vec<_> = template.get_args().map(ToOwned::to_owned).collect();
        let mut started = vec![Worker::start(template)?];
        for _ in 1..workers.max(1) {
            started.push(Worker::start(spawner.command())?);
        }
        Ok(Pool {
            program,
            args,
            workers: started,
        })
    }

    // Wrong: a copy of the spawner's command, so counting `command()` calls misses them
    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        command
    }

    pub fn map(&mut self, tasks: &[Task]) -> io::Result<Vec<Answer>> {
        // Wrong: every map starts new workers: "nothing left over" costs a start per map
        // Fresh workers for every map: nothing left over from the last one.
        let fresh = (0..self.workers.len())
            .map(|_| Worker::start(self.command()))
            .collect::<io::Result<Vec<_>>>()?;
        for old in std::mem::replace(&mut self.workers, fresh) {
            old.finish();
        }
        let batches: Vec<&[Task]> = tasks.chunks(BATCH).collect();
        let n = self.workers.len();
        let mut answers: Vec<Option<Answer>> = vec![None; tasks.len()];
        std::thread::scope(|s| -> io::Result<()> {
            let handles: Vec<_> = self
                .workers
                .iter_mut()
                .enumerate()
                .map(|(w, worker)| {
                    let batches = &batches;
                    s.spawn(move || -> io::Result<Vec<(usize, Vec<Answer>)>> {
                        (w..batches.len())
                            .step_by(n)
                            .map(|b| Ok((b, worker.run(batches[b])?)))
                            .collect()
                    })
                })
                .collect();
            for handle in handles {
                for (b, got) in handle.join().unwrap()? {
                    for (k, answer) in got.into_iter().enumerate() {
                        answers[b * BATCH + k] = Some(answer);
                    }
                }
            }
            Ok(())
        })?;
        Ok(answers.into_iter().map(Option::unwrap).collect())
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in self.workers.drain(..) {
            worker.finish();
        }
    }
}
