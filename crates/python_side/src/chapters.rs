//! The lessons where Python's behaviour is the point, one workload each:
//! its Python program under every interpreter, then the same work in Rust,
//! into a [`Workload`] with a verdict line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use measured::server::{LatencyServer, ServerConfig};
use serde::Deserialize;

use crate::discover::Interpreter;
use crate::limited;
use crate::results::{Row, Workload, now_rfc3339};
use crate::rust_side::{self, First};

/// Threads under the GIL run no faster than this many times one thread.
pub const GIL_BOUND: f64 = 1.3;

/// Below this ceiling the machine had no spare core to show a speedup.
pub const MIN_CEILING: f64 = measured::grade::MIN_CEILING;

/// A chapter with Python programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chapter {
    /// 02: CPU-bound work on threads and processes (the GIL).
    Gil,
    /// 03: I/O on threads.
    Threads,
    /// 05: process start methods, `Pool.map`'s chunksize.
    Processes,
    /// 06: asyncio, and one blocking call inside it.
    Async,
}

/// A chapter the course has no Python programs for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownChapter(pub String);

impl fmt::Display for UnknownChapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "no Python programs for chapter `{}`; the chapters are:",
            self.0
        )?;
        for chapter in Chapter::ALL {
            writeln!(f, "  {}  {}", chapter.number(), chapter.topic())?;
        }
        write!(f, "or none, for all of them")
    }
}

impl std::error::Error for UnknownChapter {}

impl Chapter {
    /// Every chapter, in order.
    pub const ALL: [Chapter; 4] = [
        Chapter::Gil,
        Chapter::Threads,
        Chapter::Processes,
        Chapter::Async,
    ];

    /// Its number, as the book's folders spell it.
    pub fn number(self) -> &'static str {
        match self {
            Chapter::Gil => "02",
            Chapter::Threads => "03",
            Chapter::Processes => "05",
            Chapter::Async => "06",
        }
    }

    /// What its programs show.
    pub fn topic(self) -> &'static str {
        match self {
            Chapter::Gil => "the GIL: CPU-bound work on threads and on processes",
            Chapter::Threads => "I/O on threads: waiting releases the GIL",
            Chapter::Processes => "process start methods, and Pool.map's chunksize",
            Chapter::Async => "asyncio on one thread, and one blocking call inside it",
        }
    }

    /// `02`, `2` or a folder name such as `02_gil`.
    pub fn parse(text: &str) -> Result<Chapter, UnknownChapter> {
        let number = text.split('_').next().unwrap_or("");
        Chapter::ALL
            .into_iter()
            .find(|c| c.number() == number || c.number().trim_start_matches('0') == number)
            .ok_or_else(|| UnknownChapter(text.to_owned()))
    }
}

/// How big each workload is, how often it is measured, how long a program
/// may take.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Threads and processes in every parallel row, and the ceiling's.
    pub workers: usize,
    /// Each figure is the fastest of this many runs.
    pub rounds: usize,
    /// Chapter 02: numbers whose squares are summed.
    pub numbers: u64,
    /// Chapter 02: the chunks they are cut into.
    pub chunks: usize,
    /// Chapters 03 and 06: pages fetched.
    pub pages: usize,
    /// Chapters 03 and 06: how long the server takes per page.
    pub latency: Duration,
    /// Chapter 05: processes started per start method.
    pub starts: usize,
    /// Chapter 05: items `Pool.map` squares.
    pub pool_items: u64,
    /// The most one program may run under one interpreter.
    pub limit: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            workers: 2,
            rounds: 3,
            numbers: 4_000_000,
            chunks: 8,
            pages: 10,
            latency: Duration::from_millis(100),
            starts: 5,
            pool_items: 4_000,
            limit: Duration::from_secs(60),
        }
    }
}

/// The folder of the course's Python programs.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("python")
}

/// What every program prints: its seconds by row, and what lets the Rust
/// side check that it did the work.
#[derive(Debug, Default, Deserialize)]
pub struct ProgramOutput {
    /// Seconds, by the program's own row names.
    pub seconds: BTreeMap<String, f64>,
    /// Chapter 02: the sums it got (one, if every run agreed).
    #[serde(default)]
    pub answers: Vec<u64>,
    /// Chapters 03 and 06: the pages it read.
    #[serde(default)]
    pub pages: Vec<String>,
    /// Chapter 05: `Pool.map`'s sums.
    #[serde(default)]
    pub totals: Vec<u64>,
    /// Chapter 05: the default start method.
    #[serde(default)]
    pub default: Option<String>,
}

/// One interpreter's run of one program.
struct Ran<'a> {
    interpreter: &'a Interpreter,
    output: Result<ProgramOutput, String>,
}

impl Ran<'_> {
    fn seconds(&self, key: &str) -> Option<f64> {
        self.output.as_ref().ok()?.seconds.get(key).copied()
    }
}

/// Runs `program` under every usable interpreter, one after another, and
/// checks each output with `check`.
fn run_each<'a>(
    interpreters: &'a [Interpreter],
    program: &str,
    params: &serde_json::Value,
    limit: Duration,
    check: impl Fn(&ProgramOutput) -> Result<(), String>,
) -> Vec<Ran<'a>> {
    let path = programs_dir().join(program);
    let (path, params) = (path.to_string_lossy(), params.to_string());
    interpreters
        .iter()
        .filter(|i| i.usable())
        .map(|interpreter| {
            let output = limited::run_json::<ProgramOutput>(
                &interpreter.path,
                &[path.as_ref(), &params],
                limit,
            )
            .map_err(|e| e.to_string())
            .and_then(|out| check(&out).map(|()| out));
            Ran {
                interpreter,
                output,
            }
        })
        .collect()
}

/// A row: each interpreter's `key` seconds, and Rust's.
fn row(label: String, ran: &[Ran], key: &str, rust: Option<f64>) -> Row {
    Row {
        label,
        python: ran
            .iter()
            .map(|r| (r.interpreter.label.clone(), r.seconds(key)))
            .collect(),
        rust,
    }
}

fn errors(ran: &[Ran]) -> BTreeMap<String, String> {
    ran.iter()
        .filter_map(|r| {
            Some((
                r.interpreter.label.clone(),
                r.output.as_ref().err()?.clone(),
            ))
        })
        .collect()
}

/// Each interpreter's sentence, by label, and the one line they make: the
/// bare sentence when one interpreter ran, else `label: sentence; ...`.
fn verdicts(
    ran: &[Ran],
    sentence: impl Fn(&Ran) -> Option<String>,
) -> (BTreeMap<String, String>, String) {
    let parts: Vec<(String, String)> = ran
        .iter()
        .filter_map(|r| Some((r.interpreter.label.clone(), sentence(r)?)))
        .collect();
    let line = match parts.as_slice() {
        [] => "no interpreter gave figures".into(),
        [(_, only)] if ran.len() == 1 => only.clone(),
        _ => parts
            .iter()
            .map(|(label, s)| format!("{label}: {s}"))
            .collect::<Vec<_>>()
            .join("; "),
    };
    (parts.into_iter().collect(), line)
}

fn workload(chapter: Chapter, name: &str, title: &str, about: String) -> Workload {
    Workload {
        chapter: chapter.number().into(),
        name: name.into(),
        title: title.into(),
        about,
        measured_at: String::new(),
        rows: Vec::new(),
        ceiling: None,
        ideal: None,
        errors: BTreeMap::new(),
        verdict_line: String::new(),
        verdicts: BTreeMap::new(),
    }
}

/// Measures `chapter`'s workloads.
pub fn measure(chapter: Chapter, interpreters: &[Interpreter], s: &Settings) -> Vec<Workload> {
    let mut measured = match chapter {
        Chapter::Gil => vec![cpu(interpreters, s)],
        Chapter::Threads => vec![io_threads(interpreters, s)],
        Chapter::Processes => vec![
            start_methods(interpreters, s),
            pool_chunksize(interpreters, s),
        ],
        Chapter::Async => vec![asyncio(interpreters, s)],
    };
    for w in &mut measured {
        w.measured_at = now_rfc3339();
    }
    measured
}

/// What chapter 02's figures show for one interpreter: `[one thread,
/// threads, processes]` seconds.
pub fn cpu_sentence(gil: Option<bool>, seconds: [f64; 3], ceiling: Option<f64>) -> String {
    let [one, threads, processes] = seconds;
    let (threads, processes) = (one / threads, one / processes);
    let busy = ceiling.is_some_and(|c| c < MIN_CEILING);
    let threads = if gil == Some(false) {
        if threads >= GIL_BOUND {
            format!("threads ran {threads:.1}x: no GIL in this build")
        } else if busy {
            format!("threads ran {threads:.2}x: no GIL in this build, but no spare core just now")
        } else {
            format!("threads ran {threads:.2}x with no GIL: something else held them back")
        }
    } else if threads < GIL_BOUND {
        format!("threads ran {threads:.2}x the speed of one: the GIL")
    } else {
        format!("threads ran {threads:.2}x the speed of one, with the GIL on")
    };
    match ceiling {
        Some(c) => format!("{threads}; processes {processes:.2}x, where the machine gave {c:.2}x"),
        None => format!("{threads}; processes {processes:.2}x"),
    }
}

fn cpu(interpreters: &[Interpreter], s: &Settings) -> Workload {
    let mut w = workload(
        Chapter::Gil,
        "cpu",
        "CPU-bound work on threads and on processes",
        format!(
            "the sum of squares of {} numbers in {} chunks; {} threads or processes",
            thousands(s.numbers),
            s.chunks,
            s.workers
        ),
    );
    let expected =
        references::squares::sequential(&measured::squares::SumOfSquares::new(s.numbers, s.chunks));
    let params = serde_json::json!({
        "n": s.numbers, "chunks": s.chunks, "workers": s.workers, "rounds": s.rounds,
    });
    let ran = run_each(interpreters, "02_gil_cpu.py", &params, s.limit, |out| {
        if out.answers == [expected] {
            Ok(())
        } else {
            Err(format!("answered {:?}; the sum is {expected}", out.answers))
        }
    });
    let ceiling = references::ceiling::measure_ceiling(s.workers).ceiling();
    let (_, [one, many]) = rust_side::sum_of_squares(s.numbers, s.chunks, s.workers, s.rounds);
    let workers = s.workers;
    w.rows = vec![
        row("one thread".into(), &ran, "sequential", Some(one)),
        row(format!("{workers} threads"), &ran, "threads", Some(many)),
        row(format!("{workers} processes"), &ran, "processes", None),
    ];
    w.ceiling = Some(ceiling);
    (w.verdicts, w.verdict_line) = verdicts(&ran, |r| {
        let seconds = [
            r.seconds("sequential")?,
            r.seconds("threads")?,
            r.seconds("processes")?,
        ];
        Some(cpu_sentence(
            r.interpreter.gil_enabled,
            seconds,
            Some(ceiling),
        ))
    });
    w.errors = errors(&ran);
    w
}

/// The pages a server of [`measured::server::PlainPages`] answers.
fn expected_pages(count: usize) -> Vec<String> {
    (0..count).map(|n| format!("page {n}\n")).collect()
}

fn check_pages(count: usize) -> impl Fn(&ProgramOutput) -> Result<(), String> {
    move |out| {
        if out.pages == expected_pages(count) {
            Ok(())
        } else {
            Err(format!(
                "read {} pages, not the {count} served",
                out.pages.len()
            ))
        }
    }
}

/// A latency server on loopback, and the URLs of its first `pages` pages.
fn start_server(latency: Duration, pages: usize) -> Result<(LatencyServer, Vec<String>), String> {
    let server = LatencyServer::start(ServerConfig::with_latency(latency))
        .map_err(|e| format!("could not start the latency server: {e}"))?;
    let urls = (0..pages).map(|n| server.page_url(n)).collect();
    Ok((server, urls))
}

fn io_threads(interpreters: &[Interpreter], s: &Settings) -> Workload {
    let pages = s.pages;
    let mut w = workload(
        Chapter::Threads,
        "io_threads",
        "I/O-bound work on threads",
        format!(
            "{pages} pages from the course's latency server, {} each",
            ms(s.latency)
        ),
    );
    let (_server, urls) = match start_server(s.latency, pages) {
        Ok(started) => started,
        Err(e) => {
            w.verdict_line = e;
            return w;
        }
    };
    let params = serde_json::json!({ "urls": urls });
    let ran = run_each(
        interpreters,
        "03_threads_io.py",
        &params,
        s.limit,
        check_pages(pages),
    );
    let rust = rust_side::fetch_sequential_and_threads(&urls).ok();
    w.rows = vec![
        row(
            "one at a time".into(),
            &ran,
            "sequential",
            rust.map(|r| r[0]),
        ),
        row(
            format!("{pages} threads"),
            &ran,
            "threads",
            rust.map(|r| r[1]),
        ),
    ];
    w.ideal = Some(s.latency.as_secs_f64());
    (w.verdicts, w.verdict_line) = verdicts(&ran, |r| {
        let speedup = r.seconds("sequential")? / r.seconds("threads")?;
        Some(format!(
            "{pages} threads fetched {speedup:.1}x as fast as one at a time (at best {pages}x): a thread waiting for the network lets the others run"
        ))
    });
    w.errors = errors(&ran);
    w
}

fn asyncio(interpreters: &[Interpreter], s: &Settings) -> Workload {
    let pages = s.pages;
    let mut w = workload(
        Chapter::Async,
        "asyncio",
        "I/O on one thread with asyncio, and one blocking call inside it",
        format!(
            "{pages} pages at once from the course's latency server, {} each, on one thread (Python: asyncio.gather; Rust: a one-thread tokio runtime); the first page fetched as the row says (asyncio.to_thread; spawn_blocking)",
            ms(s.latency)
        ),
    );
    let (_server, urls) = match start_server(s.latency, pages) {
        Ok(started) => started,
        Err(e) => {
            w.verdict_line = e;
            return w;
        }
    };
    let params = serde_json::json!({ "urls": urls, "rounds": s.rounds });
    let ran = run_each(
        interpreters,
        "06_asyncio_io.py",
        &params,
        s.limit,
        check_pages(pages),
    );
    let rust = |first| rust_side::fetch_on_one_thread(&urls, first, s.rounds).ok();
    w.rows = vec![
        row("all awaited".into(), &ran, "asyncio", rust(First::Async)),
        row(
            "one blocking call inside".into(),
            &ran,
            "one blocking call",
            rust(First::Blocking),
        ),
        row(
            "that call on a thread".into(),
            &ran,
            "blocking call on a thread",
            rust(First::OnAThread),
        ),
    ];
    let ideal = s.latency.as_secs_f64();
    w.ideal = Some(ideal);
    (w.verdicts, w.verdict_line) = verdicts(&ran, |r| {
        let [awaited, blocked, threaded] = [
            r.seconds("asyncio")?,
            r.seconds("one blocking call")?,
            r.seconds("blocking call on a thread")?,
        ]
        .map(|t| t / ideal);
        Some(format!(
            "one thread fetched all {pages} in {awaited:.2}x the ideal; one blocking call made it {blocked:.2}x, the loop standing still while it waited; on a thread, {threaded:.2}x"
        ))
    });
    w.errors = errors(&ran);
    w
}

/// The start methods, in the order the table shows them.
const START_METHODS: [&str; 3] = ["fork", "forkserver", "spawn"];

fn start_methods(interpreters: &[Interpreter], s: &Settings) -> Workload {
    let mut w = workload(
        Chapter::Processes,
        "start_methods",
        "What starting a process costs, by start method",
        format!(
            "start a process that does nothing and wait for it, the mean of {}; Rust: std::process::Command running `true`",
            s.starts
        ),
    );
    let params = serde_json::json!({ "times": s.starts });
    let ran = run_each(
        interpreters,
        "05_start_methods.py",
        &params,
        s.limit,
        |out| {
            if out.seconds.is_empty() {
                Err("measured no start method".into())
            } else {
                Ok(())
            }
        },
    );
    let rust = rust_side::process_start(s.starts);
    w.rows = START_METHODS
        .iter()
        .map(|&method| {
            let rust = (method == "spawn").then_some(rust).flatten();
            row(method.into(), &ran, method, rust)
        })
        .collect();
    (w.verdicts, w.verdict_line) = verdicts(&ran, |r| {
        let default = r.output.as_ref().ok()?.default.clone().unwrap_or_default();
        let spawn = r.seconds("spawn")?;
        Some(match r.seconds("fork") {
            Some(fork) => format!(
                "spawn took {:.0}x as long as fork: it starts a new interpreter, which imports the program again (the default here: {default})",
                spawn / fork
            ),
            None => format!(
                "spawn took {} a process: a new interpreter, which imports the program again (the default here: {default})",
                ms(Duration::from_secs_f64(spawn))
            ),
        })
    });
    w.errors = errors(&ran);
    w
}

/// The chunk size `Pool.map` picks: about four chunks per worker.
pub fn default_chunksize(items: u64, workers: usize) -> u64 {
    items.div_ceil(4 * workers.max(1) as u64).max(1)
}

fn pool_chunksize(interpreters: &[Interpreter], s: &Settings) -> Workload {
    let (items, workers) = (s.pool_items, s.workers);
    let chunk = default_chunksize(items, workers);
    let mut w = workload(
        Chapter::Processes,
        "pool_chunksize",
        "Pool.map with chunksize 1 against the default",
        format!(
            "square {} numbers on a Pool of {workers} (started beforehand); Rust: {workers} threads with one channel message per item, then rayon",
            thousands(items)
        ),
    );
    let expected: u64 = (0..items).map(|x| x * x).sum();
    let params = serde_json::json!({ "items": items, "workers": workers });
    let ran = run_each(
        interpreters,
        "05_pool_chunksize.py",
        &params,
        s.limit,
        |out| {
            if out.totals == [expected, expected] {
                Ok(())
            } else {
                Err(format!("summed {:?}; the sum is {expected}", out.totals))
            }
        },
    );
    let [per_item, chunked] = rust_side::per_item_and_chunked(items, workers);
    w.rows = vec![
        row("chunksize 1".into(), &ran, "chunksize 1", Some(per_item)),
        row(
            format!("default (chunks of {chunk})"),
            &ran,
            "default",
            Some(chunked),
        ),
    ];
    (w.verdicts, w.verdict_line) = verdicts(&ran, |r| {
        let times = r.seconds("chunksize 1")? / r.seconds("default")?;
        Some(format!(
            "chunksize 1 took {times:.0}x as long as the default: every item was a message to a worker and an answer back"
        ))
    });
    w.errors = errors(&ran);
    w
}

/// `4000000` as `4,000,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration as `100 ms`.
fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_parse_with_or_without_the_zero_or_the_folder() {
        assert_eq!(Chapter::parse("02"), Ok(Chapter::Gil));
        assert_eq!(Chapter::parse("6"), Ok(Chapter::Async));
        assert_eq!(Chapter::parse("05_processes"), Ok(Chapter::Processes));
        let err = Chapter::parse("99").unwrap_err().to_string();
        assert!(err.contains("chapter `99`"), "{err}");
        for n in ["02", "03", "05", "06"] {
            assert!(err.contains(n), "{err}");
        }
        assert!(Chapter::parse("").is_err());
        assert!(Chapter::parse("04").is_err());
    }

    #[test]
    fn the_cpu_sentence_names_the_gil_or_its_absence() {
        assert_eq!(
            cpu_sentence(Some(true), [1.0, 1.02, 0.55], Some(1.95)),
            "threads ran 0.98x the speed of one: the GIL; processes 1.82x, where the machine gave 1.95x"
        );
        assert_eq!(
            cpu_sentence(Some(false), [1.0, 0.52, 0.55], Some(1.95)),
            "threads ran 1.9x: no GIL in this build; processes 1.82x, where the machine gave 1.95x"
        );
        assert!(
            cpu_sentence(Some(false), [1.0, 0.98, 0.99], Some(1.02))
                .contains("no GIL in this build, but no spare core just now")
        );
    }

    #[test]
    fn pool_map_cuts_about_four_chunks_per_worker() {
        assert_eq!(default_chunksize(4000, 2), 500);
        assert_eq!(default_chunksize(4001, 2), 501);
        assert_eq!(default_chunksize(3, 2), 1);
        assert_eq!(thousands(4_000_000), "4,000,000");
        assert_eq!(thousands(999), "999");
    }
}
