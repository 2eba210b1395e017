//! Family 3 (structure not checked at all): runs every task in the parent, skipping the poison ones with a copy of the library's poison test, and asks the spawner for a few commands it never spawns, so a count of `command()` calls looks like crashed workers were replaced.

use std::io::{self, BufRead, Write};

use measured::kernel::mix;
use measured::process::{Answer, Failed, Spawner, Task};

pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    measured::process::serve_one_at_a_time(input, output)
}

/// Read off `measured::process`: seeds whose mix is a multiple of 1,009.
// Wrong: a copy of the library's poison test, to skip crashing tasks in the parent
fn poison(task: &Task) -> bool {
    mix(task.seed ^ 0x05_03).is_multiple_of(1_009)
}

pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> Vec<Result<Answer, Failed>> {
    let mut outcomes = Vec::with_capacity(tasks.len());
    for _ in 0..workers {
        // Wrong: commands asked for and never spawned, so a count looks like replacements
        drop(spawner.command());
    }
    for task in tasks {
        if poison(task) {
            drop(spawner.command());
            outcomes.push(Err(Failed {
                id: task.id,
                reason: "the worker died: signal: 6 (SIGABRT)".into(),
            }));
        } else {
            outcomes.push(Ok(task.run()));
        }
    }
    outcomes
}
