//! `grade`: points per exercise, for a teacher or a CI job. Verifies the
//! integrity manifest, runs every exercise's check (or every solution's),
//! weighs the outcomes by `course.toml`'s points and writes the grade as a
//! table, GitHub Classroom JSON or JUnit XML; appends a Markdown table to
//! the GitHub Actions job summary when there is one. A tree that could not
//! be graded still gets its outputs, saying why, so that a CI job reports
//! zero points with the reason rather than nothing.

use crate::app::{App, Grade};
use crate::cli::GradeFormat;
use crate::course::Course;
use crate::gradebook::{Gradebook, NotGraded};
use crate::integrity;
use crate::interrupt;
use crate::report::live::Live;
use crate::report::{classroom, grade_view, junit};
use crate::runner::{CheckTarget, Runner};
use crate::style::{Paint, Style};
use crate::submission;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The job summary file GitHub Actions names in this variable.
pub const STEP_SUMMARY_ENV: &str = "GITHUB_STEP_SUMMARY";

/// Where `grade` writes, besides standard output.
#[derive(Debug)]
pub struct GradeOptions {
    /// Grade the reference solutions instead of the learner's exercises.
    pub solutions: bool,
    /// Grade this submission in a clean copy of the course instead.
    pub submission: Option<PathBuf>,
    /// The format of standard output and `output`.
    pub format: GradeFormat,
    /// A file to write the same output to.
    pub output: Option<PathBuf>,
    /// A file to write JUnit XML to, whatever `format` is.
    pub junit: Option<PathBuf>,
    /// A folder to write one Classroom result per exercise to.
    pub classroom_runners: Option<PathBuf>,
}

/// `grade [--solutions] [--format text|json|junit] [--output FILE] [--junit FILE]`.
pub fn grade(app: &mut App, out: &mut dyn Write, options: &GradeOptions) -> anyhow::Result<Grade> {
    // The solutions are the course's own: the manifest guards what a
    // learner hands in. `checker manifest` checks it on its own.
    // A submission is graded in a clean copy: its protected files are
    // never used, only listed when they differ.
    let tampered = if options.solutions || options.submission.is_some() {
        None
    } else {
        integrity::verify(&app.course).err()
    };
    let (book, failure) = match tampered {
        Some(why) => {
            eprintln!("error: {why}");
            let not_graded = NotGraded {
                cause: "integrity",
                headline: why.headline(),
                details: why.to_string(),
            };
            let book = Gradebook::not_graded(&app.course, options.solutions, not_graded);
            (book, None)
        }
        None => match run(app, out, options) {
            Ok(book) => (book, None),
            Err(err) => {
                let not_graded = NotGraded {
                    cause: "checker",
                    headline: format!("the checks could not be run: {err}"),
                    details: format!("{err:#}"),
                };
                let book = Gradebook::not_graded(&app.course, options.solutions, not_graded);
                (book, Some(err))
            }
        },
    };

    let rendered = render(&book, options.format, &app.style)?;
    out.write_all(&rendered)?;
    if let Some(path) = &options.output {
        let plain = render(&book, options.format, &Style::default())?;
        write_file(path, &plain)?;
    }
    if let Some(path) = &options.junit {
        write_file(path, &render(&book, GradeFormat::Junit, &Style::default())?)?;
    }
    if let Some(dir) = &options.classroom_runners {
        write_runners(dir, &book, &app.course)?;
    }
    if let Some(path) = std::env::var_os(STEP_SUMMARY_ENV).filter(|p| !p.is_empty()) {
        let mut markdown = Vec::new();
        grade_view::write_markdown(&mut markdown, &book)?;
        append_file(Path::new(&path), &markdown)?;
    }

    if let Some(err) = failure {
        // Its exit status: environment error, or interrupted.
        return Err(err);
    }
    Ok(if book.not_graded.is_some() {
        Grade::Refused
    } else if book.not_judged() > 0 {
        // The grade is incomplete through the machine's fault: grade again.
        Grade::Unavailable
    } else if book.full_marks() {
        Grade::Passed
    } else {
        Grade::NotPassed
    })
}

/// Writes `--output` and `--junit` for a grade that could not start because
/// the course itself could not be loaded, so that a CI job never reads a
/// file an earlier run (or a student) left there. Best effort: the error
/// itself is what the checker reports.
pub fn write_unloaded(options: &GradeOptions, why: &anyhow::Error) {
    let not_graded = NotGraded {
        cause: "course",
        headline: format!("the course could not be loaded: {why}"),
        details: format!("{why:#}"),
    };
    let book = Gradebook::unloaded(options.solutions, not_graded);
    if let Some(path) = &options.output
        && let Ok(bytes) = render(&book, options.format, &Style::default())
    {
        let _ = std::fs::write(path, bytes);
    }
    if let Some(path) = &options.junit
        && let Ok(bytes) = render(&book, GradeFormat::Junit, &Style::default())
    {
        let _ = std::fs::write(path, bytes);
    }
    if let Some(dir) = &options.classroom_runners {
        let _ = std::fs::remove_dir_all(dir);
        let _ = std::fs::create_dir_all(dir);
    }
}

/// Builds and runs every check, with a progress bar on a terminal: of the
/// course as it is, or of a submission in a clean copy of it.
fn run(app: &mut App, out: &mut dyn Write, options: &GradeOptions) -> anyhow::Result<Gradebook> {
    let (course, taken) = match &options.submission {
        Some(dir) => {
            let (tree, taken) = submission::prepare(&app.course, dir)?;
            (Course::find(&tree, Some(&tree))?, Some(taken))
        }
        None => (app.course.clone(), None),
    };
    let targets: Vec<CheckTarget> = course
        .exercises
        .iter()
        .map(|e| CheckTarget::for_exercise(&course, e, options.solutions))
        .collect();
    if options.format == GradeFormat::Text {
        let what = if options.solutions {
            "solutions"
        } else {
            "exercises"
        };
        let heading = format!("Grading {} {what}", targets.len());
        writeln!(out, "{}", app.style.paint(Paint::Bold, &heading))?;
        writeln!(out)?;
        out.flush()?;
    }
    let live = Live::bar(targets.len());
    let color = options.format == GradeFormat::Text && app.style.color;
    let target_dir = taken.as_ref().map(|_| submission::target_dir(&app.course));
    let runner = Runner {
        cargo: &app.cargo,
        root: &course.root,
        color,
        locked: taken.is_some(),
        target_dir: target_dir.as_deref(),
        interrupted: &interrupt::requested,
    };
    let run = runner.run(&targets, &mut |event| live.on_event(&event));
    live.finish();
    let summary = run?;
    let mut book = Gradebook::graded(&course, options.solutions, &summary.results);
    book.submission = taken;
    Ok(book)
}

/// The grade in `format`.
fn render(book: &Gradebook, format: GradeFormat, style: &Style) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    match format {
        GradeFormat::Text => grade_view::write_table(&mut bytes, style, book)?,
        GradeFormat::Json => classroom::write_json(&mut bytes, book)?,
        GradeFormat::Junit => junit::write_junit(&mut bytes, book)?,
    }
    Ok(bytes)
}

/// Writes `dir/<exercise>.json` for every exercise and `dir/runners.txt`
/// naming them, comma-separated, after removing what an earlier run left.
fn write_runners(dir: &Path, book: &Gradebook, course: &Course) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("could not empty {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    let runners = classroom::runners(book, course);
    for (name, result) in &runners {
        let mut bytes = serde_json::to_vec_pretty(result)?;
        bytes.push(b'\n');
        write_file(&dir.join(format!("{name}.json")), &bytes)?;
    }
    let names: Vec<&str> = runners.iter().map(|(name, _)| name.as_str()).collect();
    write_file(&dir.join("runners.txt"), names.join(",").as_bytes())
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("could not write {}", path.display()))
}

fn append_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("could not open the job summary {}", path.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("could not write the job summary {}", path.display()))
}
