//! The checker's entry point: parses the command line, runs one command and
//! turns its grade or error into the exit status.
//!
//! Layers, bottom up: `outcome` (shared types), `course`, `progress`,
//! `style`; `source_check` (reads the sources before anything is built),
//! `build` and `process` (cargo and the check binaries), `runner` (all
//! three, emitting events); `integrity` (the manifest) and `gradebook`
//! (points from outcomes); `report` (renders outcomes); `commands`.

mod app;
mod build;
mod cli;
mod commands;
mod contain;
mod exit_codes;
mod gradebook;
mod integrity;
mod interrupt;
mod keys;
mod limits;
mod outcome;
mod process;
mod relay;
mod report;
mod runner;
mod source_check;
mod style;
mod submission;

/// The course model, shared with the book and the tests.
use course_model as course;
use course_model::{progress, state, time as timestamp};

use app::{App, UnknownExercise};
use clap::Parser;
use cli::{Cli, Command};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    contain::close_to_others();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == contain::KEEPER_ARG) {
        contain::keeper_main(&args[2..]);
    }
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code_for(&err))
        }
    }
}

fn run() -> anyhow::Result<u8> {
    let cli = Cli::parse();
    interrupt::install();
    let cwd = std::env::current_dir()?;
    let mut app = match App::open(&cwd, cli.course.as_deref()) {
        Ok(app) => app,
        Err(err) => {
            let err = anyhow::Error::from(err);
            if let Some(options) = grade_options(&cli.command) {
                commands::grade::write_unloaded(&options, &err);
            }
            return Err(err);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let out: &mut dyn Write = &mut out;
    let grading = grade_options(&cli.command);
    let grade = match cli.command {
        None => commands::show::overview(&mut app, out)?,
        Some(Command::List) => commands::list::list(&app, out)?,
        Some(Command::Run { name, timeline }) => {
            commands::show::run_named(&mut app, out, &name, timeline)?
        }
        Some(Command::Next) => commands::show::next(&mut app, out)?,
        Some(Command::Hint { name }) => commands::hint::hint(&mut app, out, name.as_deref())?,
        Some(Command::Reset { name, from }) => commands::reset::reset(&app, out, &name, &from)?,
        Some(Command::Watch { timeline, book }) => {
            commands::watch::watch(&mut app, out, timeline, book)?
        }
        Some(Command::Verify { solutions, format }) => {
            commands::verify::verify(&mut app, out, solutions, format)?
        }
        Some(Command::Doctor) => commands::doctor::doctor(&mut app, out)?,
        // Its own exit status, passed through: 0 even without Python.
        Some(Command::Python { chapter }) => {
            return commands::python::python(&app, out, chapter.as_deref());
        }
        Some(Command::Grade { .. }) => {
            let options = grading.as_ref().expect("a grade command");
            commands::grade::grade(&mut app, out, options)?
        }
        Some(Command::Manifest { write }) => commands::manifest::manifest(&app, out, write)?,
        Some(Command::StripSolutions) => commands::strip::strip_solutions(&app, out)?,
        Some(Command::Dev(cli::DevCommand::New {
            dir,
            name,
            title,
            points,
        })) => {
            let ask = commands::dev::NewExercise {
                dir,
                name,
                title,
                points,
            };
            commands::dev::new(&app, out, &ask)?
        }
        Some(Command::Dev(cli::DevCommand::Check { no_runs })) => {
            commands::dev::check(&app, out, !no_runs)?
        }
    };
    out.flush()?;
    Ok(grade.exit_code())
}

/// The options of a `grade` command line.
fn grade_options(command: &Option<Command>) -> Option<commands::grade::GradeOptions> {
    match command {
        Some(Command::Grade {
            solutions,
            submission,
            format,
            output,
            junit,
            classroom_runners,
        }) => Some(commands::grade::GradeOptions {
            solutions: *solutions,
            submission: submission.clone(),
            format: *format,
            output: output.clone(),
            junit: junit.clone(),
            classroom_runners: classroom_runners.clone(),
        }),
        _ => None,
    }
}

/// Output piped into `head` that stopped reading: not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The one place where an error becomes an exit status.
fn exit_code_for(err: &anyhow::Error) -> u8 {
    if err.downcast_ref::<course::CourseError>().is_some() {
        exit_codes::COURSE_ERROR
    } else if let Some(err) = err.downcast_ref::<integrity::IntegrityError>() {
        match err {
            integrity::IntegrityError::Read { .. } => exit_codes::ENVIRONMENT_ERROR,
            _ => exit_codes::INTEGRITY_FAILED,
        }
    } else if err.downcast_ref::<UnknownExercise>().is_some() {
        exit_codes::USAGE
    } else if matches!(
        err.downcast_ref::<runner::RunnerError>(),
        Some(runner::RunnerError::Interrupted(_))
    ) {
        exit_codes::INTERRUPTED
    } else {
        exit_codes::ENVIRONMENT_ERROR
    }
}
