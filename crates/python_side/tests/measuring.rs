//! Every Python program under this machine's `python3`, with a time limit,
//! checked for the shape of its figures, never a fixed number: threads on a
//! GIL build no faster than 1.3x one thread; processes faster when the
//! same run's ceiling shows spare cores; asyncio within 1.5x of the ideal;
//! the blocking call visible. Skipped, saying so, without `python3`.
//!
//! The tests take turns (one lock), so that one's processes do not slow
//! another's threads.

use std::sync::Mutex;

use python_side::chapters::{self, Chapter, GIL_BOUND, Settings};
use python_side::discover::{self, Interpreter};
use python_side::results::Workload;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The first `python3` on PATH, if it runs.
fn python3() -> Option<Interpreter> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = discover::candidates(&path)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == "python3"))?;
    let interpreter = discover::probe(&found, discover::PROBE_LIMIT);
    if let Some(error) = &interpreter.error {
        println!(
            "SKIPPED: python3 at {} does not run: {error}",
            found.display()
        );
        return None;
    }
    Some(interpreter)
}

fn measure(chapter: Chapter, settings: &Settings) -> Option<(Interpreter, Vec<Workload>)> {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some(python) = python3() else {
        eprintln!("SKIPPED: no python3 on PATH");
        return None;
    };
    let workloads = chapters::measure(chapter, std::slice::from_ref(&python), settings);
    for w in &workloads {
        assert!(w.errors.is_empty(), "{}: {:?}", w.name, w.errors);
        println!("{}: {}", w.name, w.verdict_line);
    }
    Some((python, workloads))
}

/// Row `row`'s Python and Rust seconds.
fn figures(w: &Workload, python: &Interpreter, row: usize) -> (f64, Option<f64>) {
    let r = &w.rows[row];
    let seconds = r.python[&python.label].unwrap_or_else(|| panic!("{}: no figure", r.label));
    assert!(seconds > 0.0, "{}", r.label);
    (seconds, r.rust)
}

#[test]
fn cpu_threads_wait_for_the_gil_and_processes_do_not() {
    // More rounds than the command's 3: a burst of other work must not
    // make one thread look slow in every round.
    let settings = Settings {
        rounds: 5,
        ..Settings::default()
    };
    let Some((python, workloads)) = measure(Chapter::Gil, &settings) else {
        return;
    };
    let w = &workloads[0];
    let (one, rust_one) = figures(w, &python, 0);
    let (threads, rust_threads) = figures(w, &python, 1);
    let (processes, _) = figures(w, &python, 2);
    assert!(rust_one.is_some() && rust_threads.is_some());
    let ceiling = w.ceiling.expect("a ceiling measured in the same run");
    if python.gil_enabled == Some(false) {
        println!("python3 has no GIL: the threads bound is not judged");
    } else {
        assert!(
            one / threads <= GIL_BOUND,
            "threads ran {:.2}x one thread with the GIL on",
            one / threads
        );
    }
    if ceiling >= 1.5 {
        assert!(
            processes < one,
            "processes {processes:.3} s, one thread {one:.3} s, ceiling {ceiling:.2}x"
        );
    } else {
        println!("processes not judged: the ceiling was {ceiling:.2}x (below 1.5x)");
    }
}

#[test]
fn io_threads_wait_together() {
    let Some((python, workloads)) = measure(Chapter::Threads, &Settings::default()) else {
        return;
    };
    let w = &workloads[0];
    let (one, _) = figures(w, &python, 0);
    let (threads, rust) = figures(w, &python, 1);
    assert!(rust.is_some());
    assert!(
        threads * 2.0 < one,
        "threads {threads:.3} s, one at a time {one:.3} s"
    );
}

#[test]
fn asyncio_waits_on_one_thread_and_a_blocking_call_stops_it() {
    let settings = Settings::default();
    let Some((python, workloads)) = measure(Chapter::Async, &settings) else {
        return;
    };
    let w = &workloads[0];
    let ideal = w.ideal.expect("an ideal");
    let latency = settings.latency.as_secs_f64();
    let (awaited, rust) = figures(w, &python, 0);
    let (blocked, _) = figures(w, &python, 1);
    let (threaded, _) = figures(w, &python, 2);
    assert!(rust.is_some());
    assert!(
        awaited <= 1.5 * ideal,
        "asyncio {awaited:.3} s, ideal {ideal:.3} s"
    );
    assert!(
        blocked >= awaited + 0.5 * latency,
        "one blocking call: {blocked:.3} s, all awaited {awaited:.3} s"
    );
    assert!(
        threaded < blocked,
        "on a thread {threaded:.3} s, blocked {blocked:.3} s"
    );
}

#[test]
fn spawn_costs_more_than_fork_and_chunks_beat_single_items() {
    let Some((python, workloads)) = measure(Chapter::Processes, &Settings::default()) else {
        return;
    };
    let starts = &workloads[0];
    let method = |name: &str| {
        let row = starts.rows.iter().find(|r| r.label == name).unwrap();
        row.python[&python.label]
    };
    let spawn = method("spawn").expect("spawn is everywhere");
    if let Some(fork) = method("fork") {
        assert!(spawn > fork, "spawn {spawn:.4} s, fork {fork:.4} s");
    }
    let pool = &workloads[1];
    let (single, _) = figures(pool, &python, 0);
    let (chunked, _) = figures(pool, &python, 1);
    assert!(
        chunked < single,
        "default {chunked:.4} s, chunksize 1 {single:.4} s"
    );
}
