//! Family 3 (structure not checked at all): a "pool" with no processes: `new` starts nothing and `map` runs every task on threads of the parent, fast and right, so only a count of processes (none) and the answers' pids (this process) tell.

use std::io::{self, BufRead, BufWriter, Write};

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
}

impl Pool {
    pub fn new(workers: usize, _spawner: &Spawner) -> io::Result<Pool> {
        Ok(Pool {
            workers: workers.max(1),
        })
    }

    pub fn map(&mut self, tasks: &[Task]) -> io::Result<Vec<Answer>> {
        // Wrong: no processes: every task runs on threads of the parent, fast and right
        let chunk = tasks.len().div_ceil(self.workers).max(1);
        Ok(std::thread::scope(|s| {
            let handles: Vec<_> = tasks
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().map(Task::run).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        }))
    }
}
