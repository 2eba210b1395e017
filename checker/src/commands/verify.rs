//! `verify`: builds and runs every exercise's (or solution's) check and
//! prints a summary; passes only if every one passes.

use crate::app::{App, Grade};
use crate::cli::Format;
use crate::report::live::Live;
use crate::report::verify_view;
use crate::runner::CheckTarget;
use crate::style::Paint;
use crate::timestamp::UtcTime;
use std::io::Write;

/// `verify [--solutions] [--format text|json]`.
pub fn verify(
    app: &mut App,
    out: &mut dyn Write,
    solutions: bool,
    format: Format,
) -> anyhow::Result<Grade> {
    let targets: Vec<CheckTarget> = app
        .course
        .exercises
        .iter()
        .map(|e| CheckTarget::for_exercise(&app.course, e, solutions))
        .collect();
    let text = format == Format::Text;
    if text {
        let what = if solutions { "solutions" } else { "exercises" };
        let heading = format!("Verifying {} {what}", targets.len());
        writeln!(out, "{}", app.style.paint(Paint::Bold, &heading))?;
        out.flush()?;
    }
    let live = Live::bar(targets.len());
    let color = text && app.style.color;
    let run = app
        .runner(color)
        .run(&targets, &mut |event| live.on_event(&event));
    live.finish();
    let summary = run?;

    if !solutions {
        let now = UtcTime::now().rfc3339();
        for result in &summary.results {
            app.progress
                .record(&result.exercise, result.outcome.kind(), now.clone());
        }
        app.save()?;
    }
    let rows: Vec<_> = app
        .course
        .exercises
        .iter()
        .zip(summary.results.iter().map(|r| &r.outcome))
        .collect();
    match format {
        Format::Text => {
            writeln!(out)?;
            verify_view::write_table(out, &app.style, &rows)?;
            let built = app.style.duration(summary.build_time);
            writeln!(
                out,
                "{}",
                app.style.paint(Paint::Dim, &format!("built in {built}"))
            )?;
        }
        Format::Json => verify_view::write_json(out, &rows)?,
    }
    let all = rows.iter().all(|(_, outcome)| outcome.kind().is_done());
    Ok(if all { Grade::Passed } else { Grade::NotPassed })
}
