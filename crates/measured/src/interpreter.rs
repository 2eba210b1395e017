//! A toy interpreter with a global lock, for exercise 02/01 (build a GIL).
//!
//! Like CPython's eval loop, it runs "bytecode" in small steps on whatever
//! thread calls it, holding a global lock ([`Gil`]) while it does. Between
//! steps it asks the lock whether another thread wants it and, if so, lets go
//! and takes it back; around a blocking call it releases the lock with
//! [`Gil::allow_threads`]. The learner writes the lock; the interpreter's
//! [`Probe`] records what the lock allowed: how many threads ran bytecode at
//! once, and when each thread made progress.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::kernel::{spin, units_for};
use crate::witness::InFlightWitness;

// ANCHOR: gil_trait
/// A global interpreter lock, as the interpreter uses it.
pub trait Gil: Sync {
    /// Blocks until the calling thread holds the lock.
    fn acquire(&self);
    /// Gives the lock up. The caller holds it.
    fn release(&self);
    /// Asked by the holder between two steps: should it let go now, because
    /// another thread has waited a whole switch interval? Must be cheap.
    fn drop_requested(&self) -> bool;
    /// Runs a blocking call (I/O, a sleep) without the lock, so that other
    /// threads can run bytecode meanwhile, and takes the lock back after.
    fn allow_threads(&self, blocking: &mut dyn FnMut());
}
// ANCHOR_END: gil_trait

/// One step of a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Bytecode: `units` of CPU work under the lock.
    Compute(u64),
    /// A blocking call that takes this long, made through `allow_threads`.
    Block(Duration),
}

/// What the interpreter saw while threads ran programs.
#[derive(Debug, Default)]
pub struct Probe {
    in_bytecode: AtomicUsize,
    most_in_bytecode: AtomicUsize,
    progress: Mutex<Vec<(usize, Instant)>>,
}

impl Probe {
    /// A probe that has seen nothing.
    pub fn new() -> Self {
        Self::default()
    }

    fn enter(&self) {
        let now = self.in_bytecode.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_bytecode.fetch_max(now, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.in_bytecode.fetch_sub(1, Ordering::SeqCst);
    }

    fn stepped(&self, thread: usize) {
        self.progress.lock().unwrap().push((thread, Instant::now()));
    }

    /// The most threads that ran bytecode at the same moment.
    pub fn most_in_bytecode(&self) -> usize {
        self.most_in_bytecode.load(Ordering::SeqCst)
    }

    /// When each thread finished a step: `(thread, when)`, in order.
    pub fn progress(&self) -> Vec<(usize, Instant)> {
        self.progress.lock().unwrap().clone()
    }
}

// ANCHOR: run
/// Runs `program` on the calling thread as interpreter thread number
/// `thread`, under `gil`, reporting to `probe`.
pub fn run(gil: &dyn Gil, probe: &Probe, thread: usize, program: &[Step]) {
    gil.acquire();
    probe.enter();
    for step in program {
        match *step {
            Step::Compute(units) => {
                std::hint::black_box(spin(units, thread as u64));
            }
            Step::Block(how_long) => {
                probe.leave();
                gil.allow_threads(&mut || std::thread::sleep(how_long));
                probe.enter();
            }
        }
        probe.stepped(thread);
        // The eval loop's check between instructions.
        if gil.drop_requested() {
            probe.leave();
            gil.release();
            gil.acquire();
            probe.enter();
        }
    }
    probe.leave();
    gil.release();
}
// ANCHOR_END: run

/// Runs one program per thread, all at once, and returns the wall time from
/// the first start to the last end.
pub fn run_threads(gil: &dyn Gil, probe: &Probe, programs: &[Vec<Step>]) -> Duration {
    let started = Instant::now();
    std::thread::scope(|s| {
        for (thread, program) in programs.iter().enumerate() {
            s.spawn(move || run(gil, probe, thread, program));
        }
    });
    started.elapsed()
}

/// The longest any of `threads` threads waited for a turn, from the first
/// step of the run until the first thread finished (while every thread had
/// work left). Measured in steps the *other* threads completed meanwhile,
/// which a busy machine does not inflate, and in wall time. Returns
/// `(thread, steps by others, wall time)` for the worst wait.
pub fn longest_wait(
    progress: &[(usize, Instant)],
    threads: usize,
) -> Option<(usize, usize, Duration)> {
    let from = progress.iter().map(|(_, at)| *at).min()?;
    let to = (0..threads)
        .map(|t| {
            progress
                .iter()
                .rev()
                .find(|(p, _)| *p == t)
                .map(|(_, at)| *at)
        })
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .min()?;
    (0..threads)
        .map(|t| {
            // This thread's steps inside the window, and the window's edges.
            let mut marks = vec![from];
            marks.extend(
                progress
                    .iter()
                    .filter(|(p, at)| *p == t && *at > from && *at < to)
                    .map(|(_, at)| *at),
            );
            marks.push(to);
            marks
                .windows(2)
                .map(|gap| {
                    let others = progress
                        .iter()
                        .filter(|(p, at)| *p != t && *at > gap[0] && *at <= gap[1])
                        .count();
                    (t, others, gap[1] - gap[0])
                })
                .max_by_key(|(_, others, _)| *others)
                .unwrap_or((t, 0, Duration::ZERO))
        })
        .max_by_key(|(_, others, _)| *others)
}

/// A CPU-bound script, for exercise 02/02: a number of bytecode steps that
/// compute a result. Running it reports to its witness while it holds an
/// interpreter's lock, so a thread waiting for the lock does not count.
#[derive(Clone)]
pub struct Script {
    steps: usize,
    units: u64,
    seed: u64,
    witness: InFlightWitness,
}

/// Shows the script's length, never its seed: each batch's seeds are new.
impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Script")
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

/// An interpreter with its own global lock: it runs one script at a time,
/// whichever thread asks. Several threads sharing one interpreter take
/// turns; each thread with an interpreter of its own runs in parallel.
#[derive(Debug, Default)]
pub struct Interpreter {
    gil: Mutex<()>,
}

impl Interpreter {
    /// A fresh interpreter, with its own lock.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `script` under this interpreter's lock and returns its result.
    pub fn run(&self, script: &Script) -> u64 {
        let _gil = self.gil.lock().unwrap_or_else(|e| e.into_inner());
        let _in_flight = script.witness.enter();
        (0..script.steps).fold(script.seed, |x, _| spin(script.units, x))
    }
}

/// A batch of scripts sharing one witness. Their seeds are drawn at random
/// for each batch, so no result can be kept from an earlier batch.
///
/// ```compile_fail
/// let scripts = measured::interpreter::Scripts::sized(std::time::Duration::from_millis(1), 2);
/// scripts.sequential();
/// ```
///
/// ```compile_fail
/// let scripts = measured::interpreter::Scripts::sized(std::time::Duration::from_millis(1), 2);
/// scripts.witness();
/// ```
#[derive(Debug, Clone)]
pub struct Scripts {
    scripts: Vec<Script>,
}

impl Scripts {
    /// `count` scripts that together take about `target` on one core.
    pub fn sized(target: Duration, count: usize) -> Self {
        let count = count.max(1);
        let steps = 20;
        let units = units_for(target / (count * steps) as u32);
        let witness = InFlightWitness::new();
        let salt = crate::salt::fresh();
        let scripts = (0..count)
            .map(|i| Script {
                steps,
                units,
                seed: salt.wrapping_add(i as u64),
                witness: witness.clone(),
            })
            .collect();
        Scripts { scripts }
    }

    /// The same scripts, reporting to `witness` while they run.
    pub fn watched(&self, witness: &InFlightWitness) -> Self {
        let scripts = self
            .scripts
            .iter()
            .map(|s| Script {
                witness: witness.clone(),
                ..s.clone()
            })
            .collect();
        Scripts { scripts }
    }

    /// The scripts.
    pub fn scripts(&self) -> &[Script] {
        &self.scripts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex as StdMutex;

    /// Not a GIL: a lock that never switches (the holder keeps it).
    struct NeverSwitches(StdMutex<bool>, std::sync::Condvar);

    impl Gil for NeverSwitches {
        fn acquire(&self) {
            let mut held = self.0.lock().unwrap();
            while *held {
                held = self.1.wait(held).unwrap();
            }
            *held = true;
        }
        fn release(&self) {
            *self.0.lock().unwrap() = false;
            self.1.notify_one();
        }
        fn drop_requested(&self) -> bool {
            false
        }
        fn allow_threads(&self, blocking: &mut dyn FnMut()) {
            self.release();
            blocking();
            self.acquire();
        }
    }

    #[test]
    fn a_lock_that_excludes_keeps_one_thread_in_bytecode() {
        let gil = NeverSwitches(StdMutex::new(false), std::sync::Condvar::new());
        let probe = Probe::new();
        let programs = vec![vec![Step::Compute(1000); 5]; 3];
        run_threads(&gil, &probe, &programs);
        assert_eq!(probe.most_in_bytecode(), 1);
        assert_eq!(probe.progress().len(), 15);
    }

    #[test]
    fn one_interpreter_serialises() {
        let witness = InFlightWitness::new();
        let scripts = Scripts::sized(Duration::from_millis(20), 8).watched(&witness);
        // Two threads sharing one interpreter: never two scripts at once.
        let shared = Interpreter::new();
        std::thread::scope(|s| {
            for t in 0..2 {
                let (shared, scripts) = (&shared, &scripts);
                s.spawn(move || {
                    for i in (t..8).step_by(2) {
                        shared.run(&scripts.scripts()[i]);
                    }
                });
            }
        });
        assert_eq!(witness.high_water(), 1);
        assert_eq!(witness.stats().items, 8);
    }

    #[test]
    fn each_batch_asks_new_questions() {
        let target = Duration::from_millis(2);
        let (a, b) = (Scripts::sized(target, 2), Scripts::sized(target, 2));
        let interpreter = Interpreter::new();
        assert_ne!(
            interpreter.run(&a.scripts()[0]),
            interpreter.run(&b.scripts()[0])
        );
    }

    #[test]
    fn waits_are_counted_in_the_others_steps() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        // Thread 1 waits from 0 to 40 ms while thread 0 takes 4 steps, then
        // thread 0 finishes at 50 ms.
        let progress = vec![
            (0, ms(0)),
            (0, ms(10)),
            (0, ms(20)),
            (0, ms(30)),
            (1, ms(40)),
            (0, ms(50)),
            (1, ms(60)),
        ];
        assert_eq!(
            longest_wait(&progress, 2),
            Some((1, 3, Duration::from_millis(40)))
        );
        // A thread that never ran has no last step: no verdict.
        assert_eq!(longest_wait(&progress, 3), None);
    }

    #[test]
    fn a_thread_that_never_gets_a_turn_waits_for_every_step() {
        let t0 = Instant::now();
        let ms = |n| t0 + Duration::from_millis(n);
        let mut progress: Vec<_> = (0..10).map(|i| (0, ms(i))).collect();
        progress.extend((10..20).map(|i| (1, ms(i))));
        let (thread, steps, _) = longest_wait(&progress, 2).unwrap();
        assert_eq!((thread, steps), (1, 9));
    }
}
