//! Wrong: the pool assumes every worker answers. When one dies, the
//! `expect` panics and the crash the workers were meant to contain takes
//! the parent down after all.

use std::io::{self, BufRead, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use measured::process::{Answer, Failed, Spawner, Task, Worker};

pub fn worker(input: impl BufRead, output: impl Write) -> io::Result<()> {
    measured::process::serve_one_at_a_time(input, output)
}

pub fn run(tasks: &[Task], workers: usize, spawner: &Spawner) -> Vec<Result<Answer, Failed>> {
    let next = AtomicUsize::new(0);
    let answers = Mutex::new(vec![None; tasks.len()]);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let mut worker = Worker::start(spawner).unwrap();
                while let Some(task) = tasks.get(next.fetch_add(1, Ordering::Relaxed)) {
                    // Wrong: assumes an answer: a crash panics
                    let answer = worker.run(task).unwrap().expect("the worker answers");
                    answers.lock().unwrap()[task.id as usize] = Some(answer);
                }
                worker.finish().unwrap();
            });
        }
    });
    answers
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|a| Ok(a.unwrap()))
        .collect()
}
