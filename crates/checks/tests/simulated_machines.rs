//! The CPU checks' judge on machines this one is not. Nothing here has more
//! than 2 cores, so the rules are tried on simulated ones: 1 to 64 cores of
//! equal speed, of mixed speed (half of them at half speed, as laptops with
//! fast and slow cores have), or with one core shared with another program.
//! On each, the ways a learner might share out the work run over the real
//! kernels' item costs, and the check's own pure judge
//! ([`checks::cpu::judge_measured`]) grades what the simulation measured.
//! Every right way must pass (or have its speed "not measured") and every
//! wrong way must fail, at every size.
//!
//! The simulation is arithmetic: no clock is read and no thread started, so
//! the same table comes out on every machine. `cargo test -p checks --test
//! simulated_machines -- --nocapture` prints it.

use std::collections::VecDeque;
use std::time::Duration;

use checks::cpu::{CpuExercise, Measured, judge_measured};
use checks::grading::WorkDone;
use measured::grade::{AVERAGE_FRACTION, SpeedSample};
use measured::witness::RecordedItems;
use verdict::{Report, Verdict};

/// The sequential time the checks size their work to.
const BASELINE_NS: f64 = 100e6;
/// Measured rounds, as the checks run them.
const ROUNDS: u64 = 3;
/// Core counts tried.
const CORES: [usize; 7] = [1, 2, 4, 8, 16, 32, 64];

/// A simulated machine: the speed of each core (1.0 a whole fast core).
#[derive(Debug, Clone)]
struct Machine {
    name: &'static str,
    speeds: Vec<f64>,
}

impl Machine {
    fn equal(m: usize) -> Machine {
        Machine {
            name: "equal cores",
            speeds: vec![1.0; m],
        }
    }

    /// Half the cores at half speed (the second half: the OS gives the
    /// fast ones out first).
    fn mixed(m: usize) -> Machine {
        Machine {
            name: "half at half speed",
            speeds: (0..m)
                .map(|i| if i < m.div_ceil(2) { 1.0 } else { 0.5 })
                .collect(),
        }
    }

    /// One core shared with another program that takes half of it.
    fn one_shared(m: usize) -> Machine {
        Machine {
            name: "one core shared",
            speeds: (0..m).map(|i| if i == 0 { 0.5 } else { 1.0 }).collect(),
        }
    }

    fn cores(&self) -> usize {
        self.speeds.len()
    }
}

/// The real kernels' item costs, scaled so that one fast core takes the
/// checks' baseline for all of them.
#[derive(Debug, Clone)]
struct Kernel {
    name: &'static str,
    costs: Vec<f64>,
    /// Whether the items cost very different amounts (so that handing
    /// each thread one block of neighbours is the lesson's mistake).
    uneven: bool,
}

impl Kernel {
    fn scaled(name: &'static str, raw: Vec<f64>, uneven: bool) -> Kernel {
        let total: f64 = raw.iter().sum();
        Kernel {
            name,
            costs: raw.iter().map(|c| c * BASELINE_NS / total).collect(),
            uneven,
        }
    }

    /// 04/01 and 04/03: the sum of squares in 64 equal chunks.
    fn squares() -> Kernel {
        Kernel::scaled("squares, 64 chunks", vec![1.0; 64], false)
    }

    /// 02/02: 32 scripts of equal cost.
    fn scripts() -> Kernel {
        Kernel::scaled("scripts, 32", vec![1.0; 32], false)
    }

    /// 04/02: the Mandelbrot picture's rows, each costing its pixels'
    /// escape iterations, at a height a machine reaches in 100 ms.
    fn mandelbrot(height: usize, name: &'static str) -> Kernel {
        let picture = measured::mandelbrot::Mandelbrot::new(2 * height, height);
        let raw = (0..height).map(|y| picture.row_cost(y) as f64).collect();
        Kernel::scaled(name, raw, true)
    }
}

/// How a learner shares out the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strategy {
    /// rayon's `par_iter`: ranges split in halves, idle threads steal.
    WorkStealing,
    /// Threads taking the next item from a shared counter or channel.
    SharedQueue,
    /// Thread t takes items t, t + m, t + 2m, ...
    RoundRobin,
    /// Thread t takes the t-th block of neighbouring items.
    Blocks,
    /// Every item on one thread.
    OneWorker,
    /// A thread spawned and joined at once for each item.
    JoinAtOnce,
    /// m threads, one lock held around the work.
    Lock,
    /// One thread takes the first 90% of the items, the others the rest.
    NinetyTen,
}

const STRATEGIES: [Strategy; 8] = [
    Strategy::WorkStealing,
    Strategy::SharedQueue,
    Strategy::RoundRobin,
    Strategy::Blocks,
    Strategy::OneWorker,
    Strategy::JoinAtOnce,
    Strategy::Lock,
    Strategy::NinetyTen,
];

impl Strategy {
    fn name(self) -> &'static str {
        match self {
            Strategy::WorkStealing => "work stealing",
            Strategy::SharedQueue => "shared queue",
            Strategy::RoundRobin => "round robin",
            Strategy::Blocks => "blocks",
            Strategy::OneWorker => "one worker",
            Strategy::JoinAtOnce => "join at once",
            Strategy::Lock => "lock",
            Strategy::NinetyTen => "90/10 split",
        }
    }

    /// Whether the strategy is a right answer for `kernel`: blocks of
    /// neighbours are right only when the items cost the same.
    fn right_for(self, kernel: &Kernel) -> bool {
        match self {
            Strategy::WorkStealing | Strategy::SharedQueue | Strategy::RoundRobin => true,
            Strategy::Blocks => !kernel.uneven,
            Strategy::OneWorker | Strategy::JoinAtOnce | Strategy::Lock | Strategy::NinetyTen => {
                false
            }
        }
    }
}

/// One item's run: the thread (lane) and when, in nanoseconds.
type Span = (u32, f64, f64);

/// Hands out items to the threads that ask, in the order they become free.
trait Dealer {
    /// The next item for thread `w`, or `None` when it has none now.
    fn next(&mut self, w: usize) -> Option<usize>;
}

struct Queue {
    next: usize,
    n: usize,
}

impl Dealer for Queue {
    fn next(&mut self, _: usize) -> Option<usize> {
        (self.next < self.n).then(|| {
            self.next += 1;
            self.next - 1
        })
    }
}

/// Each thread's own list of items, in order.
struct Lists(Vec<VecDeque<usize>>);

impl Dealer for Lists {
    fn next(&mut self, w: usize) -> Option<usize> {
        self.0[w].pop_front()
    }
}

/// rayon's adaptive splitting and stealing: a task is a range with a split
/// budget; a thread halves its task while the budget lasts, keeping the
/// left half and pushing the right one on its own deque, then runs the
/// left half item by item. A thread out of work pops its own deque's
/// newest task, or steals the oldest task of another thread's deque, and a
/// stolen task's budget is reset to the number of threads.
struct Stealing {
    threads: usize,
    running: Vec<(usize, usize)>,
    deques: Vec<VecDeque<(usize, usize, usize)>>,
    rng: u64,
}

impl Stealing {
    fn new(n: usize, threads: usize, seed: u64) -> Stealing {
        let mut deques = vec![VecDeque::new(); threads];
        deques[0].push_back((0, n, threads));
        Stealing {
            threads,
            running: vec![(0, 0); threads],
            deques,
            rng: seed | 1,
        }
    }

    fn random(&mut self) -> usize {
        // xorshift64: deterministic, seeded per round.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng as usize
    }
}

impl Dealer for Stealing {
    fn next(&mut self, w: usize) -> Option<usize> {
        loop {
            let (lo, hi) = self.running[w];
            if lo < hi {
                self.running[w] = (lo + 1, hi);
                return Some(lo);
            }
            let (lo, mut hi, mut splits) = match self.deques[w].pop_back() {
                Some(task) => task,
                None => {
                    let start = self.random() % self.threads;
                    let victim = (0..self.threads)
                        .map(|k| (start + k) % self.threads)
                        .find(|&v| v != w && !self.deques[v].is_empty())?;
                    let (lo, hi, splits) = self.deques[victim].pop_front()?;
                    (lo, hi, (splits / 2).max(self.threads))
                }
            };
            while hi - lo > 1 && splits > 0 {
                splits /= 2;
                let mid = lo + (hi - lo) / 2;
                self.deques[w].push_back((mid, hi, splits));
                hi = mid;
            }
            self.running[w] = (lo, hi);
        }
    }
}

/// Runs `dealer`'s items on `machine`, thread w on core w: whichever
/// thread is free first asks for its next item. A thread with nothing now
/// asks again when the next busy thread finishes (work may appear by then);
/// the run ends when no thread has anything.
fn run_dealt(costs: &[f64], machine: &Machine, dealer: &mut dyn Dealer) -> Vec<Span> {
    let threads = machine.cores();
    let mut free_at = vec![0.0f64; threads];
    let mut idle = vec![false; threads];
    let mut spans = Vec::with_capacity(costs.len());
    // The thread free first (the lowest number on a tie).
    while let Some(w) = (0..threads)
        .filter(|&w| !idle[w])
        .min_by(|&a, &b| free_at[a].total_cmp(&free_at[b]).then(a.cmp(&b)))
    {
        let now = free_at[w];
        match dealer.next(w) {
            Some(item) => {
                let end = now + costs[item] / machine.speeds[w];
                spans.push((w as u32, now, end));
                free_at[w] = end;
                // Threads that found nothing look again now.
                for (v, idle) in idle.iter_mut().enumerate() {
                    if *idle {
                        *idle = false;
                        free_at[v] = free_at[v].max(now);
                    }
                }
            }
            None => idle[w] = true,
        }
    }
    spans
}

/// Runs the items one at a time, each on `lane(i)` at `speed(i)`.
fn run_serial(
    costs: &[f64],
    lane: impl Fn(usize) -> u32,
    speed: impl Fn(usize) -> f64,
) -> Vec<Span> {
    let mut now = 0.0;
    costs
        .iter()
        .enumerate()
        .map(|(i, cost)| {
            let start = now;
            now += cost / speed(i);
            (lane(i), start, now)
        })
        .collect()
}

/// Each thread's items, threads with items first: an idle thread holds no
/// core, so the OS gives the busy ones the fast cores first.
fn lists(mut lists: Vec<VecDeque<usize>>) -> Lists {
    lists.sort_by_key(|l| l.is_empty());
    Lists(lists)
}

fn blocks(m: usize, bounds: impl Fn(usize) -> (usize, usize)) -> Lists {
    lists(
        (0..m)
            .map(|t| (bounds(t).0..bounds(t).1).collect())
            .collect(),
    )
}

/// One simulated run of `strategy`.
fn simulate(strategy: Strategy, kernel: &Kernel, machine: &Machine, seed: u64) -> Vec<Span> {
    let (costs, m) = (&kernel.costs, machine.cores());
    let n = costs.len();
    let fastest = |_: usize| machine.speeds[0].max(machine.speeds[m - 1]);
    match strategy {
        Strategy::WorkStealing => run_dealt(costs, machine, &mut Stealing::new(n, m, seed)),
        Strategy::SharedQueue => run_dealt(costs, machine, &mut Queue { next: 0, n }),
        Strategy::RoundRobin => run_dealt(
            costs,
            machine,
            &mut lists((0..m).map(|t| (t..n).step_by(m).collect()).collect()),
        ),
        Strategy::Blocks => run_dealt(
            costs,
            machine,
            &mut blocks(m, |t| (t * n / m, (t + 1) * n / m)),
        ),
        Strategy::NinetyTen => {
            // Thread 0 takes the first items up to 90% of the work, the
            // others share the rest in blocks.
            let total: f64 = costs.iter().sum();
            let mut sum = 0.0;
            let big = costs
                .iter()
                .position(|c| {
                    sum += c;
                    sum >= 0.9 * total
                })
                .map_or(n, |i| i + 1);
            let rest = m.saturating_sub(1).max(1);
            let bounds = |t: usize| {
                if m == 1 {
                    (0, n)
                } else if t == 0 {
                    (0, big)
                } else {
                    let k = t - 1;
                    (big + k * (n - big) / rest, big + (k + 1) * (n - big) / rest)
                }
            };
            run_dealt(costs, machine, &mut blocks(m, bounds))
        }
        Strategy::OneWorker => run_serial(costs, |_| 0, |_| machine.speeds[0]),
        // Each item on a new thread, which the OS puts on a free fast core.
        Strategy::JoinAtOnce => run_serial(costs, |i| i as u32, fastest),
        // Thread i % m takes item i when the lock lets it.
        Strategy::Lock => run_serial(costs, |i| (i % m) as u32, |i| machine.speeds[i % m]),
    }
}

/// The wall time of a run, in nanoseconds.
fn wall(spans: &[Span]) -> f64 {
    spans.iter().map(|s| s.2).fold(0.0, f64::max)
}

/// The CPU time a run used: each item's time on its core.
fn cpu(spans: &[Span]) -> f64 {
    spans.iter().map(|s| s.2 - s.1).sum()
}

fn nanos(ns: f64) -> Duration {
    Duration::from_nanos(ns.round() as u64)
}

/// What the in-flight witness would have seen of `spans`.
fn stats_of(spans: &[Span]) -> measured::witness::WitnessStats {
    let mut recorded = RecordedItems::new();
    for &(lane, start, end) in spans {
        recorded.push(lane, nanos(start), nanos(end));
    }
    recorded.stats()
}

/// The judge's verdict on `strategy`, simulated on `machine` for `kernel`.
fn verdict(strategy: Strategy, kernel: &Kernel, machine: &Machine) -> Report {
    let m = machine.cores();
    let n = kernel.costs.len();
    let sequential: f64 =
        kernel.costs.iter().sum::<f64>() / machine.speeds.iter().copied().fold(0.0, f64::max);
    // The checker's own parallel version deals the items round robin.
    let reference_spans = simulate(Strategy::RoundRobin, kernel, machine, 1);
    let reference = wall(&reference_spans);
    let reference_stats = stats_of(&reference_spans);
    let mut done = vec![WorkDone {
        required: n,
        ran: n,
        cpu: None,
    }];
    let mut rounds = Vec::new();
    let mut fastest = f64::INFINITY;
    for round in 0..ROUNDS {
        let spans = simulate(strategy, kernel, machine, 0x9e37_79b9 + round);
        rounds.push(stats_of(&spans));
        done.push(WorkDone {
            required: n,
            ran: spans.len(),
            cpu: Some((nanos(cpu(&spans)), nanos(sequential))),
        });
        fastest = fastest.min(wall(&spans));
    }
    let measured = Measured {
        done,
        rounds,
        reference_rounds: vec![reference_stats; ROUNDS as usize],
        sample: SpeedSample {
            sequential: nanos(sequential),
            reference: nanos(reference),
            candidate: nanos(fastest),
            capped: false,
        },
    };
    let exercise = CpuExercise {
        name: "simulated",
        one_at_a_time: "one at a time",
        average_fraction: AVERAGE_FRACTION,
    };
    judge_measured(
        Report::new("simulated"),
        &exercise,
        &measured,
        m,
        n,
        m,
        "item",
    )
}

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Inconclusive | Verdict::NotJudged => "n/j",
        _ => "FAIL",
    }
}

#[test]
fn every_right_strategy_passes_and_every_wrong_one_fails_on_every_machine() {
    let kernels = [
        Kernel::squares(),
        Kernel::scripts(),
        Kernel::mandelbrot(440, "Mandelbrot, 440 rows"),
        Kernel::mandelbrot(256, "Mandelbrot, 256 rows"),
    ];
    let machines: [fn(usize) -> Machine; 3] = [Machine::equal, Machine::mixed, Machine::one_shared];
    let mut misgraded = Vec::new();
    for kernel in &kernels {
        for make in machines {
            println!("\n{} on {}", kernel.name, make(2).name);
            print!("{:<14}", "cores");
            for m in CORES {
                print!("{m:>6}");
            }
            println!();
            for strategy in STRATEGIES {
                print!("{:<14}", strategy.name());
                for m in CORES {
                    let machine = make(m);
                    let report = verdict(strategy, kernel, &machine);
                    let v = report.verdict();
                    let right = strategy.right_for(kernel);
                    // On one core nothing runs side by side: a wrong
                    // strategy may be "not judged", never earn points.
                    let ok = if right {
                        v.is_done()
                    } else {
                        !v.earns_points()
                    };
                    print!(
                        "{:>6}",
                        if ok {
                            mark(v).to_owned()
                        } else {
                            format!("{}!", mark(v))
                        }
                    );
                    if !ok {
                        let why: Vec<String> = report
                            .evidence
                            .iter()
                            .filter(|e| e.status != verdict::Status::Pass)
                            .map(|e| format!("{}: {}", e.name, e.summary))
                            .collect();
                        misgraded.push(format!(
                            "{} ({}) on {} cores, {} ({}): {:?}: {}",
                            strategy.name(),
                            if right { "right" } else { "wrong" },
                            m,
                            machine.name,
                            kernel.name,
                            v,
                            why.join("; ")
                        ));
                    }
                }
                println!();
            }
        }
    }
    assert!(misgraded.is_empty(), "misgraded:\n{}", misgraded.join("\n"));
}

#[test]
fn the_simulated_stealing_spreads_items_unevenly_as_rayon_does() {
    // The real 2-core runs here showed one thread with up to 68% of the
    // Mandelbrot rows under rayon: the simulation must show that kind of
    // share (by items), or it is not simulating rayon.
    let kernel = Kernel::mandelbrot(440, "Mandelbrot");
    let spans = simulate(Strategy::WorkStealing, &kernel, &Machine::equal(2), 7);
    let on_first = spans.iter().filter(|s| s.0 == 0).count() as f64 / spans.len() as f64;
    assert!(
        !(0.45..=0.55).contains(&on_first),
        "thread 0 ran {:.0}% of the rows",
        on_first * 100.0
    );
    // And every item once.
    assert_eq!(spans.len(), kernel.costs.len());
}
