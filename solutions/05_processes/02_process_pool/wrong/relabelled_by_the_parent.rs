//! Family 2 (witness theatre): the pool starts its workers once and pings
//! each of them every map, so the OS sees them start, run and end. But the
//! tasks run on threads of this process, and each answer is relabelled with
//! a worker's pid: the pids are the workers', the CPU is the parent's.

use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::time::{Duration, Instant};

use measured::process::{Answer, Spawner, Task};

/// A worker that looks busy: each line it reads costs it a few
/// milliseconds of CPU, then it answers "ok".
pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    let mut output = BufWriter::new(output);
    for line in input.lines() {
        // Wrong: the worker ignores its line and burns CPU, only to look busy
        line?;
        let until = Instant::now() + Duration::from_millis(3);
        while Instant::now() < until {
            std::hint::spin_loop();
        }
        output.write_all(b"ok\n")?;
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
}

impl Pool {
    pub fn new(workers: usize, spawner: &Spawner) -> io::Result<Pool> {
        let workers = (0..workers.max(1))
            .map(|_| {
                let mut child = spawner
                    .command()
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .spawn()?;
                let stdin = child.stdin.take().map(BufWriter::new);
                let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
                Ok(Worker {
                    child,
                    stdin,
                    stdout,
                })
            })
            .collect::<io::Result<_>>()?;
        Ok(Pool { workers })
    }

    pub fn map(&mut self, tasks: &[Task]) -> io::Result<Vec<Answer>> {
        // Every worker gets a ping, so the kernel sees them run.
        for worker in &mut self.workers {
            let stdin = worker.stdin.as_mut().expect("open until the pool drops");
            stdin.write_all(b"ping\n")?;
            stdin.flush()?;
        }
        // Wrong: tasks run on the parent's threads, answers relabelled with workers' pids
        // The work, on a thread per worker here, under that worker's pid.
        let pids: Vec<u32> = self.workers.iter().map(|w| w.child.id()).collect();
        let chunk = tasks.len().div_ceil(pids.len()).max(1);
        let answers: Vec<Answer> = std::thread::scope(|s| {
            let handles: Vec<_> = tasks
                .chunks(chunk)
                .zip(&pids)
                .map(|(part, &pid)| {
                    s.spawn(move || {
                        part.iter()
                            .map(|task| Answer { pid, ..task.run() })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("a pool thread panicked"))
                .collect()
        });
        for worker in &mut self.workers {
            let mut line = String::new();
            worker.stdout.read_line(&mut line)?;
        }
        Ok(answers)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in &mut self.workers {
            drop(worker.stdin.take());
        }
        for worker in &mut self.workers {
            let _ = worker.child.wait();
        }
    }
}
