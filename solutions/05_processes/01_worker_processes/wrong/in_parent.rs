//! Wrong: threads in the parent instead of worker processes. The answers are
//! right and two cores are busy, but the work never leaves this process: in
//! Python the GIL would serialise these threads, and in any language they
//! share one memory and one fate.

use std::io::{self, BufRead, Write};

use measured::process::{Answer, Spawner, Task};

pub fn worker(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    for line in input.lines() {
        let task: Task = serde_json::from_str(&line?)?;
        serde_json::to_writer(&mut output, &task.run())?;
        output.write_all(b"\n")?;
    }
    output.flush()
}

pub fn run(tasks: &[Task], workers: usize, _spawner: &Spawner) -> io::Result<Vec<Answer>> {
    let workers = workers.clamp(1, tasks.len().max(1));
    let mut answers: Vec<Option<Answer>> = vec![None; tasks.len()];
    // Wrong: threads in the parent, not worker processes: right answers, busy cores
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    (w..tasks.len())
                        .step_by(workers)
                        .map(|i| (i, tasks[i].run()))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            for (i, answer) in handle.join().unwrap() {
                answers[i] = Some(answer);
            }
        }
    });
    Ok(answers.into_iter().map(Option::unwrap).collect())
}
