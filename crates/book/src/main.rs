//! `cargo run -p book [-- build | serve | test]`: the course's book, built
//! with mdBook's library crates and the course's preprocessors in this
//! process, served on localhost, and tested (offline, links, sources
//! against the course, and a real browser when Chromium is installed).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use book::browser::{self, Tools};
use book::{build, expectations, problems, sources};
use clap::{Parser, Subcommand};
use course_model::snapshot::Snapshot;

/// Builds, serves and tests the course's book.
#[derive(Debug, Parser)]
#[command(name = "book")]
struct Cli {
    /// What to do (default: build).
    #[command(subcommand)]
    command: Option<Command>,
    /// Where to write the HTML (default: book/ in the course folder).
    #[arg(long, global = true, value_name = "DIR")]
    out: Option<PathBuf>,
    /// The course whose book this is (default: the one this program was
    /// built from). `checker watch --book` names its own.
    #[arg(long, global = true, value_name = "DIR")]
    course: Option<PathBuf>,
}

/// The course given with `--course`, else the one this program was built
/// from.
static COURSE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

fn course_root() -> PathBuf {
    COURSE.get().cloned().unwrap_or_else(book::course_root)
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the book and check it: nothing loaded from outside, every link
    /// lands, every exercise has its page.
    Build,
    /// Build, serve on localhost, and rebuild when a page changes.
    Serve {
        /// The port to listen on.
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Build and check, then load every page in headless Chromium (skipped,
    /// with a message, when Chromium and chromedriver are not installed).
    Test,
    /// Pages and words per chapter, from the sources (builds nothing).
    Stats,
    /// Measure the book's figures on this machine (run it quiet, with
    /// `--release`) and print them; with `--write`, replace
    /// src/figures.toml and the spawn-costs chart with them.
    Figures {
        /// Write src/figures.toml and src/09_choosing/spawn_costs.svg.
        #[arg(long)]
        write: bool,
    },
}

fn main() -> ExitCode {
    // The process whose start the figures measure: it exits at once.
    match std::env::args().nth(1).as_deref() {
        Some(book::measure::EXIT_AT_ONCE) => return ExitCode::SUCCESS,
        Some(book::measure::THREAD_PROBE) => {
            book::measure::thread_probe();
            return ExitCode::SUCCESS;
        }
        Some(book::measure::ONE_TASK) => {
            book::measure::one_task();
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_target(false)
        .without_time()
        .init();
    let cli = Cli::parse();
    if let Some(course) = &cli.course {
        match course.canonicalize() {
            Ok(course) => {
                let _ = COURSE.set(course);
            }
            Err(e) => {
                eprintln!("error: the course {}: {e}", course.display());
                return ExitCode::from(2);
            }
        }
    }
    let result = match cli.command.unwrap_or(Command::Build) {
        Command::Build => build_and_check(cli.out.as_deref()).map(|(_, ok)| ok),
        Command::Serve { port } => serve(cli.out.as_deref(), port).map(|()| true),
        Command::Test => test(cli.out.as_deref()),
        Command::Stats => stats().map(|()| true),
        Command::Figures { write } => figures(write).map(|()| true),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Builds, checks, prints what it found; `Ok((dir, no problems))`.
fn build_and_check(out: Option<&Path>) -> Result<(PathBuf, bool)> {
    let root = course_root();
    let mut found = sources::problems(&root)?;
    let built = build(&root, out)?;
    found.extend(problems(&built.dir)?);
    let counts = sources::word_counts(&root)?;
    let (pages, words) = counts
        .values()
        .fold((0, 0), |(p, w), (pp, ww)| (p + pp, w + ww));
    println!(
        "built {pages} pages ({words} words) in {:.1} s: {}",
        built.took.as_secs_f64(),
        built.dir.join("index.html").display()
    );
    for problem in &found {
        println!("  ✗ {problem}");
    }
    if found.is_empty() {
        println!("  ✓ offline, every link lands, every exercise has its page");
    }
    Ok((built.dir, found.is_empty()))
}

/// A table of pages and words per chapter folder.
fn stats() -> Result<()> {
    let counts = sources::word_counts(&course_root())?;
    println!("{:<16} {:>5} {:>7}", "chapter", "pages", "words");
    for (chapter, (pages, words)) in &counts {
        println!("{chapter:<16} {pages:>5} {words:>7}");
    }
    let (pages, words) = counts
        .values()
        .fold((0, 0), |(p, w), (pp, ww)| (p + pp, w + ww));
    println!("{:<16} {pages:>5} {words:>7}", "all");
    Ok(())
}

/// Measures the figures, prints them, and writes them with `write`.
fn figures(write: bool) -> Result<()> {
    if cfg!(debug_assertions) {
        eprintln!("warning: a debug build: measure with `cargo run --release -p book -- figures`");
    }
    let (figures, bars) = book::measure::measure(&mut |step| eprintln!("measuring {step}"))?;
    println!("{}", figures.machine.summary());
    for (name, figure) in &figures.figures {
        println!("{name:<22} {:<16} {}", figure.value, figure.what);
    }
    if write {
        let src = course_root().join("src");
        std::fs::write(src.join(book::figures::FILE), figures.to_toml()?)?;
        let chart = src.join("09_choosing/spawn_costs.svg");
        std::fs::write(&chart, book::measure::chart_svg(&bars, &figures.machine))?;
        println!("wrote src/{} and {}", book::figures::FILE, chart.display());
    }
    Ok(())
}

fn test(out: Option<&Path>) -> Result<bool> {
    let (dir, ok) = build_and_check(out)?;
    let Some(tools) = Tools::find() else {
        println!(
            "  - browser test skipped: no chromium and chromedriver on PATH (Debian: apt-get install chromium chromium-driver)"
        );
        return Ok(ok);
    };
    let expect = expectations(&course_root(), &dir)?;
    let seen = browser::check(&tools, &expect)?;
    let found = seen.problems();
    println!("{}", seen.summary(&expect));
    for problem in &found {
        println!("  ✗ {problem}");
    }
    Ok(ok && found.is_empty())
}

/// What `serve` watches, relative to the course root.
const WATCHED: [&str; 3] = ["src", "theme", "book.toml"];

fn serve(out: Option<&Path>, port: u16) -> Result<()> {
    let (dir, _) = build_and_check(out)?;
    let root = course_root();
    let dir = Arc::new(dir);

    // Rebuild on every change to the pages, book.toml or the theme.
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_mini::new_debouncer(Duration::from_millis(300), tx)?;
    for watched in WATCHED {
        let path = root.join(watched);
        if path.exists() {
            debouncer
                .watcher()
                .watch(&path, notify::RecursiveMode::Recursive)
                .with_context(|| format!("watching {}", path.display()))?;
        }
    }
    let out = out.map(Path::to_owned);
    std::thread::spawn(move || {
        // The watcher also reports files being read, which the build itself
        // does: rebuild only when a file's size or time of change moved.
        let watched = WATCHED.map(|w| root.join(w));
        let snapshot = || Snapshot::of(watched.iter().map(PathBuf::as_path));
        let mut seen = snapshot();
        for event in rx {
            if event.is_err() {
                continue;
            }
            let now = snapshot();
            if now == seen {
                continue;
            }
            seen = now;
            println!("a page changed: rebuilding");
            if let Err(e) = build_and_check(out.as_deref()) {
                eprintln!("error: {e:#}");
            }
        }
    });

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let course = course_root();
    runtime.block_on(async move {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!("listening on {addr} (is another server using it? try --port)")
        })?;
        println!(
            "serving the book at http://{addr}/ with your own progress on each exercise's page (Ctrl-C stops; reload the page after an edit)"
        );
        book::live::serve(course, dir, listener).await
    })
}
