//! `python_side [<chapter>]`: what `checker python` runs. Finds the Python
//! interpreters on PATH, measures each chapter's workloads under each and
//! in Rust, prints the tables and writes the results for the book.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use python_side::chapters::{self, Chapter};
use python_side::results::{self, InterpreterEntry, Machine, Results};
use python_side::{discover, table};

/// Exit status of a wrong command line (the checker's `USAGE`).
const USAGE: u8 = 2;
/// Exit status when the results could not be written (the checker's
/// `ENVIRONMENT_ERROR`).
const ENVIRONMENT_ERROR: u8 = 4;

/// Python beside Rust on this machine: the GIL, threads, asyncio and
/// processes, measured under every Python on PATH.
#[derive(Debug, Parser)]
#[command(name = "python_side")]
struct Args {
    /// One chapter: 02 (the GIL), 03 (I/O on threads), 05 (processes),
    /// 06 (asyncio). Default: all of them.
    chapter: Option<String>,
    /// Where to write the results. Default: python.json in the checker's
    /// state folder.
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let chosen = match &args.chapter {
        None => Chapter::ALL.to_vec(),
        Some(text) => match Chapter::parse(text) {
            Ok(chapter) => vec![chapter],
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(USAGE);
            }
        },
    };
    let started = Instant::now();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = discover::discover(&path, discover::PROBE_LIMIT);
    let entries: Vec<InterpreterEntry> = found.iter().map(Into::into).collect();
    let mut out = std::io::stdout().lock();
    if found.is_empty() {
        let _ = writeln!(out, "{}", no_python());
        return ExitCode::SUCCESS;
    }
    let _ = write!(out, "{}", table::interpreters(&entries));
    if !found.iter().any(discover::Interpreter::usable) {
        let _ = writeln!(
            out,
            "None of them could run a program. {}",
            install_advice()
        );
        return ExitCode::SUCCESS;
    }
    let settings = chapters::Settings::default();
    let mut workloads = Vec::new();
    for chapter in chosen {
        let _ = writeln!(
            out,
            "\nmeasuring chapter {}: {} ...",
            chapter.number(),
            chapter.topic()
        );
        let _ = out.flush();
        for w in chapters::measure(chapter, &found, &settings) {
            let _ = write!(out, "\n{}", table::workload(&w, &entries));
            let _ = out.flush();
            workloads.push(w);
        }
    }
    let results = Results {
        format_version: results::FORMAT_VERSION,
        measured_at: results::now_rfc3339(),
        machine: Machine {
            cpus: measured::measure::parallelism(),
            os: std::env::consts::OS.into(),
            arch: std::env::consts::ARCH.into(),
            workers: settings.workers,
        },
        interpreters: entries,
        workloads,
    };
    let file = args.results.unwrap_or_else(default_results_file);
    let results = results.merged_over(Results::read(&file));
    if let Err(e) = results.write(&file) {
        eprintln!("error: could not write {}: {e}", file.display());
        return ExitCode::from(ENVIRONMENT_ERROR);
    }
    let root = course_root();
    let _ = writeln!(
        out,
        "\nMeasured in {:.1} s. Written to {}, for the book's pages.",
        started.elapsed().as_secs_f64(),
        file.strip_prefix(&root).unwrap_or(&file).display()
    );
    ExitCode::SUCCESS
}

/// `python.json` in the state folder of the course this crate is in.
fn default_results_file() -> PathBuf {
    results::state_dir(&course_root()).join(results::FILE_NAME)
}

/// The course this crate is part of.
fn course_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

fn install_advice() -> &'static str {
    "Install Python 3 (python.org, your package manager, or `uv python install 3.14t` for a free-threaded build) to see its figures beside Rust's. Nothing else in the course needs it."
}

fn no_python() -> String {
    format!(
        "No Python found on PATH (looked for python3, python3.N and python3.Nt). {}",
        install_advice()
    )
}
