//! The command line: subcommands and options, parsed by clap.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// How the learner runs the checker, quoted in advice.
pub const INVOCATION: &str = "cargo run -p checker --";

/// The chapters `python` has programs for.
pub const PYTHON_CHAPTERS: [&str; 4] = ["02", "03", "05", "06"];

/// Runs the checks of the course's exercises and shows what they measured.
/// Without a subcommand: your progress, then the current exercise's checks.
#[derive(Debug, Parser)]
#[command(name = "checker", version)]
pub struct Cli {
    /// The course folder (the one holding course.toml). Default: the first
    /// folder upward from here that has one.
    #[arg(long, global = true, value_name = "DIR")]
    pub course: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every exercise with its status.
    List,
    /// Run one exercise's checks; it becomes the current exercise.
    Run {
        /// The exercise's name, as `list` shows it.
        name: String,
        /// Also draw which thread ran which work item when: in the
        /// terminal, and as an SVG beside the report.
        #[arg(long)]
        timeline: bool,
    },
    /// Move to the next exercise not done yet, and run it.
    Next,
    /// Reveal the next hint of the current (or the named) exercise.
    Hint {
        /// The exercise's name; default: the current one.
        name: Option<String>,
    },
    /// Put an exercise's src/ back as git has it; your changed files are
    /// copied to .checker/backups first.
    Reset {
        /// The exercise's name.
        name: String,
        /// The git revision to restore from.
        #[arg(long, value_name = "REV", default_value = "HEAD")]
        from: String,
    },
    /// Run the current exercise, then again on every save.
    /// Keys: q quit, r re-run, h hint, n next (once it passes).
    Watch {
        /// Draw each run's timeline too (see `run --timeline`).
        #[arg(long)]
        timeline: bool,
        /// Also serve the book with your own verdicts on its pages
        /// (`cargo run -p book -- serve` beside the watcher; the first time
        /// compiles mdBook, a few minutes) and print its address.
        #[arg(long)]
        book: bool,
    },
    /// Run every exercise's checks (or every solution's) and summarise.
    Verify {
        /// Check the solutions instead of your exercises.
        #[arg(long)]
        solutions: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Check this machine: its cores and the speedup it can show right now.
    Doctor,
    /// Python beside Rust on this machine: runs the course's own small
    /// Python programs (the GIL, threads, asyncio, processes) under every
    /// python3, python3.N and free-threaded python3.Nt on PATH, and the
    /// same work in Rust, and prints them side by side. The first run
    /// compiles the `python_side` package (a minute or two). Without
    /// Python it says so and exits 0.
    Python {
        /// One chapter: 02 the GIL (CPU work on threads and processes),
        /// 03 I/O on threads, 05 process start methods and Pool.map's
        /// chunksize, 06 asyncio and a blocking call. Default: all.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(PYTHON_CHAPTERS))]
        chapter: Option<String>,
    },
    /// Points per exercise, for a teacher or CI (GitHub Classroom, JUnit).
    /// Refuses a tree whose checks were changed (see `manifest`).
    Grade {
        /// Grade the reference solutions instead of your exercises.
        #[arg(long, conflicts_with = "submission")]
        solutions: bool,
        /// Grade a student's repository (or any copy of the course) in a
        /// clean copy of this course: only each exercise's editable files
        /// (`course.toml`'s `editable`, `src/`) are taken from DIR; every
        /// other file comes from this course, and those that differ are
        /// listed, never used. Builds with `--locked`.
        #[arg(long, value_name = "DIR")]
        submission: Option<PathBuf>,
        /// Output format: a table, GitHub Classroom's autograding JSON, or
        /// JUnit XML.
        #[arg(long, value_enum, default_value_t = GradeFormat::Text)]
        format: GradeFormat,
        /// Also write the output to this file.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also write JUnit XML to this file, whatever the format.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
        /// Also write one GitHub Classroom result per exercise into this
        /// folder (`<exercise>.json`, and `runners.txt` listing them): a
        /// reporter runner each, so that the reporter's log and the points
        /// it sends to Classroom agree.
        #[arg(long, value_name = "DIR")]
        classroom_runners: Option<PathBuf>,
    },
    /// For teachers: make this copy of the course the template students
    /// get, without the answers. Removes solutions/ (and its line in the
    /// workspace's members) and the course's own CI and book workflows,
    /// which need it; refreshes Cargo.lock and integrity.toml. Commit the
    /// result to the template repository.
    StripSolutions,
    /// For course authors: add an exercise, and check that the course is
    /// whole.
    #[command(subcommand)]
    Dev(DevCommand),
    /// For course authors: check the files learners must not change against
    /// integrity.toml, or write it anew with --write.
    Manifest {
        /// Write integrity.toml from the files as they are now.
        #[arg(long)]
        write: bool,
    },
}

/// The course authors' subcommands.
#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Write a new exercise into every place the course needs one: its
    /// exercise and solution crates, its checks module, its book page,
    /// its course.toml entry and a first wrong version with its test row.
    /// It builds at once; `dev check` lists what is left to write.
    New {
        /// Its folder under exercises/ and solutions/: `NN_topic/NN_name`.
        dir: String,
        /// Its name (the package and the progress key); default: the
        /// folder's last part without its number.
        #[arg(long)]
        name: Option<String>,
        /// Its title; default: made from the name.
        #[arg(long)]
        title: Option<String>,
        /// The points it is worth.
        #[arg(long, default_value_t = 10)]
        points: u32,
    },
    /// The course's own gate: every exercise has its crates, checks, page,
    /// hints and marked, tested wrong versions; nothing is left as a
    /// placeholder; integrity.toml is current; then every solution passes,
    /// every exercise as shipped fails for its intended reason, every wrong
    /// version fails its tests and the book builds.
    Check {
        /// Only what can be read: run no check, test or book build.
        #[arg(long)]
        no_runs: bool,
    },
}

/// Output formats of `grade`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GradeFormat {
    /// A table for people.
    Text,
    /// GitHub Classroom's autograding result.
    Json,
    /// JUnit XML.
    Junit,
}

/// Output formats of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Text,
    /// A JSON array for scripts.
    Json,
}
