//! `doctor`: what this machine can show right now. Builds and runs the
//! `machine_report` binary of the `checks` package and renders its report.

use crate::app::{App, Grade};
use crate::build::BuildTarget;
use crate::outcome::Outcome;
use crate::report::course_view;
use crate::report::live::Live;
use crate::report::outcome_view;
use crate::runner::CheckTarget;
use crate::style::Paint;
use std::io::Write;
use std::path::PathBuf;

/// The package holding the machine report.
pub const MACHINE_PACKAGE: &str = "checks";
/// The binary that measures the machine and writes a report.
pub const MACHINE_BIN: &str = "machine_report";

/// `doctor`.
pub fn doctor(app: &mut App, out: &mut dyn Write) -> anyhow::Result<Grade> {
    let style = app.style;
    let root = app.course.root.clone();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    writeln!(out, "{}", style.paint(Paint::Bold, "checker doctor"))?;
    writeln!(out, "  course    {}", root.display())?;
    writeln!(
        out,
        "  progress  {}",
        course_view::summary_line(&app.course, &app.progress)
    )?;
    writeln!(
        out,
        "  cores     {cores} (what the checker's threads can use: p)"
    )?;
    writeln!(out)?;
    out.flush()?;

    let crate_dir = PathBuf::from("crates").join(MACHINE_PACKAGE);
    let target = CheckTarget {
        exercise: "machine".into(),
        build: BuildTarget {
            package: MACHINE_PACKAGE.into(),
            bin: MACHINE_BIN.into(),
            manifest: root.join(&crate_dir).join("Cargo.toml"),
        },
        crate_dir,
        timeout: std::time::Duration::from_secs(app.course.info.timeout_secs),
    };
    let live = Live::spinner();
    let run = app
        .runner(style.color)
        .run(&[target], &mut |event| live.on_event(&event));
    live.finish();
    let summary = run?;
    let outcome = &summary.results[0].outcome;
    if let Outcome::CompileError { rendered } = outcome {
        writeln!(
            out,
            "machine report: not available. It comes from binary `{MACHINE_BIN}` of package `{MACHINE_PACKAGE}`, which did not build:"
        )?;
        writeln!(out)?;
        write!(out, "{rendered}")?;
        return Ok(Grade::Unavailable);
    }
    let Outcome::Report(report) = outcome else {
        outcome_view::write_outcome(out, &style, &root, "", "machine", outcome)?;
        return Ok(Grade::Unavailable);
    };
    // The machine passes or fails nothing: say what it can show right now.
    let headline = match report.verdict() {
        verdict::Verdict::Pass => style.paint(
            Paint::Green,
            "spare cores now: speed checks can measure your speedup",
        ),
        _ => style.paint(
            Paint::Yellow,
            "busy now: speed checks will grade on structure and say so",
        ),
    };
    writeln!(out, "{} {headline}", style.paint(Paint::Bold, "machine"))?;
    outcome_view::write_report(out, &style, &root, report)?;
    Ok(Grade::Passed)
}
