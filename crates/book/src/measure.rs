//! Measures the figures of [`crate::figures`] on this machine: what it costs
//! to start a unit of concurrency and wait for it (a tokio task, a thread,
//! a process; an asyncio task, a Python thread, a `multiprocessing` worker
//! by each start method), and to hand the CPU from one to another (a round
//! trip between two tasks, two threads, two processes). Run it on a quiet
//! machine, with optimisation: `cargo run --release -p book -- figures`.
//!
//! Each cost is measured in batches (an average over many repetitions);
//! a figure is the range of the middle batches, so one busy moment does
//! not make it.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::figures::{Figure, Figures, Machine};

/// The argument that makes the book's binary exit at once: the process
/// whose start is measured.
pub const EXIT_AT_ONCE: &str = "--exit-at-once";
/// The argument that makes the book's binary a worker for one task: it
/// reads a line and answers with it, reversed, then exits.
pub const ONE_TASK: &str = "--one-task";

/// The argument that makes the book's binary measure threads alone and
/// print the batches as JSON: run under `taskset -c 0`, it gives their
/// costs on one CPU.
pub const THREAD_PROBE: &str = "--thread-probe";

/// Thread start-ups and round trips, as seconds per batch, as JSON.
pub fn thread_probe() {
    let (spawn, trip) = (thread_spawns(), thread_trips());
    let secs = |v: Vec<Duration>| v.iter().map(Duration::as_secs_f64).collect::<Vec<_>>();
    println!(
        "{}",
        serde_json::json!({ "spawn": secs(spawn), "trip": secs(trip) })
    );
}

fn thread_spawns() -> Vec<Duration> {
    batches(500, || std::thread::spawn(|| {}).join().expect("joined"))
}

fn thread_trips() -> Vec<Duration> {
    let (to_b, from_a) = sync_channel::<u32>(0);
    let (to_a, from_b) = sync_channel::<u32>(0);
    let echo = std::thread::spawn(move || {
        for token in from_a {
            if to_a.send(token + 1).is_err() {
                break;
            }
        }
    });
    let trips = batches(20_000, || {
        to_b.send(1).expect("echoed");
        from_b.recv().expect("echoed");
    });
    drop(to_b);
    echo.join().expect("joined");
    trips
}

#[derive(Debug, Deserialize)]
struct Probe {
    spawn: Vec<f64>,
    trip: Vec<f64>,
}

/// What a [`ONE_TASK`] worker does: one line in, one line out.
pub fn one_task() {
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    let answer: String = line.trim_end().chars().rev().collect();
    println!("{answer}");
}

/// Batches per cost.
const BATCHES: usize = 9;

/// The average cost of `op` over `n` repetitions, `BATCHES` times.
fn batches(n: u32, mut op: impl FnMut()) -> Vec<Duration> {
    // One unmeasured batch first: caches, lazy set-up, the allocator.
    for _ in 0..n {
        op();
    }
    (0..BATCHES)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..n {
                op();
            }
            started.elapsed() / n
        })
        .collect()
}

/// The middle of `times`: without the fastest and the slowest, unless
/// there are fewer than five.
fn middle(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let cut = usize::from(times.len() >= 5);
    (times[cut], times[times.len() - 1 - cut])
}

/// `d` as the pages print it: two significant figures at most.
pub fn show(d: Duration) -> String {
    let (value, unit) = unit_of(d);
    format!("{} {unit}", digits(value))
}

fn unit_of(d: Duration) -> (f64, &'static str) {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        (us, "µs")
    } else if us < 1e6 {
        (us / 1e3, "ms")
    } else {
        (us / 1e6, "s")
    }
}

/// One decimal below 10 of the unit, none above.
fn digits(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    }
}

/// A range in the unit of its top: `30 to 57 µs`, `1.0 to 1.4 ms`, or
/// `about 2.0 ms` when both ends print alike.
pub fn show_range((low, high): (Duration, Duration)) -> String {
    let (top, unit) = unit_of(high);
    let scale = top / high.as_secs_f64().max(1e-12);
    let (a, b) = (digits(low.as_secs_f64() * scale), digits(top));
    if a == b {
        format!("about {b} {unit}")
    } else {
        format!("{a} to {b} {unit}")
    }
}

/// One bar of the spawn-costs chart: a range of costs.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// What started: `Rust: OS thread`.
    pub label: String,
    /// Python's bars are drawn in another colour.
    pub python: bool,
    /// The range.
    pub low: Duration,
    /// The range's top.
    pub high: Duration,
}

/// The figures, measured now, and the spawn-costs chart's bars.
pub fn measure(progress: &mut dyn FnMut(&str)) -> Result<(Figures, Vec<Bar>)> {
    let mut figures = BTreeMap::new();
    let mut bars = Vec::new();
    let mut bar = |label: &str, python: bool, (low, high): (Duration, Duration)| {
        bars.push(Bar {
            label: label.to_owned(),
            python,
            low,
            high,
        });
    };
    let mut put = |name: &str, value: String, what: &str| {
        figures.insert(
            name.to_owned(),
            Figure {
                value,
                what: what.to_owned(),
            },
        );
    };

    progress("tokio task: spawn and await");
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    let task = runtime.block_on(async {
        let mut times = Vec::new();
        for round in 0..=BATCHES {
            let started = Instant::now();
            for _ in 0..10_000 {
                let _ = tokio::spawn(async {}).await;
            }
            if round > 0 {
                times.push(started.elapsed() / 10_000);
            }
        }
        times
    });
    bar("Rust: tokio task", false, middle(task.clone()));
    put(
        "task_spawn",
        show_range(middle(task)),
        "tokio::spawn of an empty task, then awaiting it, on a current-thread runtime: the middle 7 of 9 batches of 10,000",
    );

    progress("thread: spawn and join");
    let thread = thread_spawns();
    let (low, high) = middle(thread.clone());
    bar("Rust: OS thread", false, (low, high));
    put(
        "thread_spawn",
        show_range((low, high)),
        "std::thread::spawn of an empty closure, then join: the middle 7 of 9 batches of 500",
    );
    let mut sorted = thread;
    sorted.sort();
    put(
        "thread_spawn_median",
        show(sorted[BATCHES / 2]),
        "the same, the median batch",
    );

    progress("process: start and wait");
    let exe = std::env::current_exe()?;
    let process = batches(40, || {
        let status = Command::new(&exe)
            .arg(EXIT_AT_ONCE)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the process starts");
        assert!(status.success());
    });
    bar("Rust: process", false, middle(process.clone()));
    put(
        "process_spawn",
        show_range(middle(process)),
        "std::process::Command: start a Rust program that exits at once, then wait for it: the middle 7 of 9 batches of 40",
    );

    progress("process: start, one task over its pipes, wait");
    let process_task = batches(40, || {
        let mut child = Command::new(&exe)
            .arg(ONE_TASK)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the worker starts");
        let mut to = child.stdin.take().expect("piped");
        to.write_all(b"12345\n").expect("the worker reads");
        drop(to);
        let mut answer = String::new();
        child
            .stdout
            .take()
            .expect("piped")
            .read_to_string(&mut answer)
            .expect("the worker answers");
        assert_eq!(answer, "54321\n");
        assert!(child.wait().expect("waited").success());
    });
    put(
        "process_task",
        show_range(middle(process_task)),
        "start a Rust worker process, send it one line of work through its stdin, read its answer from its stdout, wait for it: the middle 7 of 9 batches of 40",
    );

    progress("task switch: round trips between two tasks");
    let task_trip = runtime.block_on(async {
        let (to_b, mut from_a) = tokio::sync::mpsc::channel::<u32>(1);
        let (to_a, mut from_b) = tokio::sync::mpsc::channel::<u32>(1);
        let echo = tokio::spawn(async move {
            while let Some(token) = from_a.recv().await {
                if to_a.send(token + 1).await.is_err() {
                    break;
                }
            }
        });
        let mut times = Vec::new();
        for round in 0..=BATCHES {
            let started = Instant::now();
            for i in 0..20_000 {
                to_b.send(i).await.expect("echoed");
                from_b.recv().await.expect("echoed");
            }
            if round > 0 {
                times.push(started.elapsed() / 20_000);
            }
        }
        drop(to_b);
        let _ = echo.await;
        times
    });
    put(
        "task_round_trip",
        show_range(middle(task_trip)),
        "a token sent to another tokio task and back through two channels of one slot, on a current-thread runtime: the middle 7 of 9 batches of 20,000",
    );

    progress("thread switch: round trips between two threads");
    let thread_trip = thread_trips();
    put(
        "thread_round_trip",
        show_range(middle(thread_trip)),
        "a token sent to another thread and back through two rendezvous channels (std::sync::mpsc::sync_channel(0)): the middle 7 of 9 batches of 20,000",
    );

    progress("threads again, the process held to one CPU (taskset -c 0)");
    let probe = Command::new("taskset")
        .args(["-c", "0"])
        .arg(&exe)
        .arg(THREAD_PROBE)
        .stderr(Stdio::inherit())
        .output()
        .context("running `taskset -c 0` (util-linux)")?;
    if !probe.status.success() {
        bail!("the one-CPU thread probe failed: {}", probe.status);
    }
    let probe: Probe = serde_json::from_slice(&probe.stdout)?;
    let times = |v: &[f64]| {
        v.iter()
            .map(|&s| Duration::from_secs_f64(s))
            .collect::<Vec<_>>()
    };
    put(
        "thread_spawn_one_cpu",
        show_range(middle(times(&probe.spawn))),
        "std::thread::spawn of an empty closure, then join, in a process held to one CPU (taskset -c 0): the middle 7 of 9 batches of 500",
    );
    put(
        "thread_round_trip_one_cpu",
        show_range(middle(times(&probe.trip))),
        "the thread round trip, in a process held to one CPU (taskset -c 0): the middle 7 of 9 batches of 20,000",
    );

    progress("process switch: round trips between two processes");
    let mut cat = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting `cat`, the other process of the round trips")?;
    let mut to_cat = cat.stdin.take().expect("piped");
    let mut from_cat = cat.stdout.take().expect("piped");
    let process_trip = batches(20_000, || {
        let mut byte = [7u8];
        to_cat.write_all(&byte).expect("cat reads");
        from_cat.read_exact(&mut byte).expect("cat writes");
    });
    drop(to_cat);
    let _ = cat.wait();
    put(
        "process_round_trip",
        show_range(middle(process_trip)),
        "a byte written to `cat` through a pipe and read back through another: the middle 7 of 9 batches of 20,000",
    );

    let python = python_figures(progress);
    let python_version = match &python {
        Ok(p) => {
            bar("Python: asyncio task", true, middle(p.task.clone()));
            bar("Python: thread", true, middle(p.thread.clone()));
            bar("Python: worker, fork", true, middle(p.fork.clone()));
            bar(
                "Python: worker, forkserver",
                true,
                middle(p.forkserver.clone()),
            );
            bar("Python: worker, spawn", true, middle(p.spawn.clone()));
            put(
                "py_thread_spawn",
                show_range(middle(p.thread.clone())),
                "threading.Thread(target=f).start() then join(), f empty: the middle 7 of 9 batches of 500",
            );
            put(
                "py_task_spawn",
                show_range(middle(p.task.clone())),
                "asyncio.create_task of an empty coroutine, then await it: the middle 7 of 9 batches of 10,000",
            );
            for (method, times, n) in [
                ("fork", &p.fork, 40),
                ("forkserver", &p.forkserver, 40),
                ("spawn", &p.spawn, 5),
            ] {
                put(
                    &format!("py_{method}_worker"),
                    show_range(middle(times.clone())),
                    &format!(
                        "multiprocessing, start method {method}: start a Process running an empty function, then join it: the middle batches of {n}"
                    ),
                );
            }
            put(
                "py_forkserver_first",
                show(p.forkserver_first),
                "multiprocessing, start method forkserver: the first Process of a program, which also starts the server",
            );
            format!("CPython {}", p.version)
        }
        Err(e) => bail!("the Python figures need python3: {e:#}"),
    };

    bars.sort_by_key(|b| b.low);
    let figures = Figures {
        machine: Machine {
            cpu: cpu_model(),
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            kernel: kernel(),
            rustc: rustc(),
            python: python_version,
            measured: today(),
        },
        figures,
    };
    Ok((figures, bars))
}

/// The spawn-costs chart: a bar per unit on a logarithmic axis from
/// 0.1 µs to 1 s, solid to the low end of its range and paler to the top.
pub fn chart_svg(bars: &[Bar], machine: &Machine) -> String {
    const WIDTH: f64 = 760.0;
    const LEFT: f64 = 250.0;
    const RIGHT: f64 = 735.0;
    const TOP: f64 = 44.0;
    const ROW: f64 = 34.0;
    let decades = 7.0; // 0.1 µs to 1 s
    let x = |d: Duration| {
        let us = (d.as_secs_f64() * 1e6).max(0.1);
        LEFT + (us.log10() + 1.0).clamp(0.0, decades) / decades * (RIGHT - LEFT)
    };
    let bottom = TOP + ROW * bars.len() as f64 + 6.0;
    let height = bottom + 60.0;
    let described: Vec<String> = bars
        .iter()
        .map(|b| format!("{} {}", b.label, show_range((b.low, b.high))))
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"13\">\n\
         <title>Bar chart on a logarithmic axis of what it costs to start one unit of concurrency and wait for it to end: {}. Measured on {}.</title>\n\
         <rect width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>\n\
         <text x=\"{}\" y=\"24\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#222\">Start one, wait for it to end: the cost of each unit of concurrency (log scale)</text>\n",
        described.join("; "),
        machine.summary(),
        WIDTH / 2.0
    );
    let ticks = [
        "0.1 µs", "1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms", "1 s",
    ];
    for (i, tick) in ticks.iter().enumerate() {
        let at = LEFT + i as f64 / decades * (RIGHT - LEFT);
        svg.push_str(&format!(
            "<line x1=\"{at:.1}\" y1=\"{TOP}\" x2=\"{at:.1}\" y2=\"{bottom:.1}\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>\n\
             <text x=\"{at:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">{tick}</text>\n",
            bottom + 16.0
        ));
    }
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + 6.0 + ROW * i as f64;
        let colour = if b.python { "#f28e2b" } else { "#4e79a7" };
        let (low, high) = (x(b.low), x(b.high).max(x(b.low) + 1.0));
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#222\">{}</text>\n\
             <rect x=\"{LEFT}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"22\" fill=\"{colour}\"/>\n\
             <rect x=\"{low:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"22\" fill=\"{colour}\" fill-opacity=\"0.45\"/>\n\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#333\">{}</text>\n",
            LEFT - 10.0,
            y + 16.0,
            b.label,
            low - LEFT,
            high - low,
            high + 6.0,
            y + 16.0,
            show_range((b.low, b.high)),
        ));
    }
    svg.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#444\">solid: the fastest batches; pale: up to the slowest of the middle ones. Python bars: {}</text>\n</svg>\n",
        WIDTH / 2.0,
        bottom + 40.0,
        machine.python
    ));
    svg
}

#[derive(Debug)]
struct PythonTimes {
    version: String,
    thread: Vec<Duration>,
    task: Vec<Duration>,
    fork: Vec<Duration>,
    forkserver: Vec<Duration>,
    forkserver_first: Duration,
    spawn: Vec<Duration>,
}

/// What both Python scripts start with: `op` timed `count` times over
/// `n` repetitions, after one unmeasured round, as seconds per repetition.
const PYTHON_BATCHES: &str = r#"
import json, time

def batches(n, op, count=9):
    op()
    out = []
    for _ in range(count):
        t = time.perf_counter()
        for _ in range(n):
            op()
        out.append((time.perf_counter() - t) / n)
    return out
"#;

/// Python's threads and tasks, timed by Python itself.
const PYTHON_UNITS: &str = r#"
import asyncio, json, platform, threading, time

def noop():
    pass

def thread():
    t = threading.Thread(target=noop)
    t.start()
    t.join()

async def tasks(n, count=9):
    async def empty():
        pass
    out = []
    for _ in range(count + 1):
        t = time.perf_counter()
        for _ in range(n):
            await asyncio.create_task(empty())
        out.append((time.perf_counter() - t) / n)
    return out[1:]

if __name__ == "__main__":
    print(json.dumps({
        "version": platform.python_version(),
        "thread": batches(500, thread),
        "task": asyncio.run(tasks(10_000)),
    }))
"#;

/// Python's worker processes, by each start method. A module of its own,
/// importing nothing more: a *spawn* or *forkserver* worker runs the main
/// module's top level again, so every import there would be timed too.
const PYTHON_WORKERS: &str = r#"
import json, multiprocessing as mp, time

def noop():
    pass

def worker(ctx):
    def start():
        p = ctx.Process(target=noop)
        p.start()
        p.join()
    return start

if __name__ == "__main__":
    out = {"fork": batches(40, worker(mp.get_context("fork")))}
    server = mp.get_context("forkserver")
    t = time.perf_counter()
    worker(server)()
    out["forkserver_first"] = time.perf_counter() - t
    out["forkserver"] = batches(40, worker(server))
    out["spawn"] = batches(5, worker(mp.get_context("spawn")), count=5)
    print(json.dumps(out))
"#;

#[derive(Debug, Deserialize)]
struct PythonUnits {
    version: String,
    thread: Vec<f64>,
    task: Vec<f64>,
}

#[derive(Debug, Deserialize)]
struct PythonWorkers {
    fork: Vec<f64>,
    forkserver: Vec<f64>,
    forkserver_first: f64,
    spawn: Vec<f64>,
}

/// Runs `script` with python3 and reads what it prints.
fn python<T: serde::de::DeserializeOwned>(script: &str) -> Result<T> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("figures.py");
    std::fs::write(&path, format!("{PYTHON_BATCHES}{script}"))?;
    let output = Command::new("python3")
        .arg(&path)
        .stderr(Stdio::inherit())
        .output()
        .context("running python3")?;
    if !output.status.success() {
        bail!("python3 failed: {}", output.status);
    }
    serde_json::from_slice(&output.stdout).context("reading python3's times")
}

fn python_figures(progress: &mut dyn FnMut(&str)) -> Result<PythonTimes> {
    progress("Python: threads and asyncio tasks");
    let units: PythonUnits = python(PYTHON_UNITS)?;
    progress("Python: multiprocessing workers by fork, forkserver and spawn");
    let workers: PythonWorkers = python(PYTHON_WORKERS)?;
    let times = |v: &[f64]| v.iter().map(|&s| Duration::from_secs_f64(s)).collect();
    Ok(PythonTimes {
        version: units.version,
        thread: times(&units.thread),
        task: times(&units.task),
        fork: times(&workers.fork),
        forkserver: times(&workers.forkserver),
        forkserver_first: Duration::from_secs_f64(workers.forkserver_first),
        spawn: times(&workers.spawn),
    })
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|l| {
                l.strip_prefix("model name")?
                    .split_once(':')
                    .map(|(_, m)| m.trim().to_owned())
            })
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_owned())
}

fn kernel() -> String {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|r| r.trim().to_owned())
        .unwrap_or_default();
    let os = match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "macOS",
        other => other,
    };
    format!("{os} {release}").trim().to_owned()
}

fn rustc() -> String {
    Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| {
            let mut words = v.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .unwrap_or_else(|| "rustc".to_owned())
}

fn today() -> String {
    Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|d| d.trim().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_with_two_figures_in_a_fitting_unit() {
        let us = Duration::from_nanos;
        assert_eq!(show(us(250)), "0.2 µs");
        assert_eq!(show(us(46_300)), "46 µs");
        assert_eq!(show(us(1_240_000)), "1.2 ms");
        assert_eq!(show(us(65_000_000)), "65 ms");
        assert_eq!(show_range((us(30_400), us(57_200))), "30 to 57 µs");
        assert_eq!(show_range((us(980_000), us(1_400_000))), "1.0 to 1.4 ms");
        assert_eq!(show_range((us(2_010_000), us(2_040_000))), "about 2.0 ms");
        assert_eq!(show_range((us(700_000), us(1_200_000))), "0.7 to 1.2 ms");
    }

    #[test]
    fn the_middle_leaves_out_one_at_each_end() {
        let ms = Duration::from_millis;
        assert_eq!(
            middle(vec![ms(9), ms(1), ms(5), ms(4), ms(3)]),
            (ms(3), ms(5))
        );
        assert_eq!(middle(vec![ms(2), ms(1)]), (ms(1), ms(2)));
    }
}
