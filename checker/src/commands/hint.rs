//! `hint`: reveals the next hint of an exercise, keeping earlier ones shown.

use crate::app::{App, Grade};
use crate::cli::INVOCATION;
use crate::style::Paint;
use std::io::Write;

/// `hint [<name>]`.
pub fn hint(app: &mut App, out: &mut dyn Write, name: Option<&str>) -> anyhow::Result<Grade> {
    let index = match name {
        Some(name) => app.index_of(name)?,
        None => app.current(),
    };
    reveal(app, out, index)?;
    Ok(Grade::Passed)
}

/// Reveals one more hint of exercise `index` and prints all shown so far.
pub fn reveal(app: &mut App, out: &mut dyn Write, index: usize) -> anyhow::Result<()> {
    let exercise = app.course.exercises[index].clone();
    let page = app.style.path(&app.course.root, &exercise.page());
    let available = exercise.hints.len();
    if available == 0 {
        writeln!(
            out,
            "{} {} has no hints: its book page is the best help. read {page}",
            exercise.label(),
            exercise.name
        )?;
        return Ok(());
    }
    let before = app.progress.of(&exercise.name).hints_shown.min(available);
    let shown = app.progress.reveal_hint(&exercise.name, available);
    app.save()?;
    writeln!(
        out,
        "{}",
        app.style.paint(
            Paint::Bold,
            &format!(
                "Hints for {} {} ({shown} of {available})",
                exercise.label(),
                exercise.name
            )
        )
    )?;
    for (i, hint) in exercise.hints[..shown].iter().enumerate() {
        writeln!(out, "  {}. {hint}", i + 1)?;
    }
    if before == available {
        writeln!(
            out,
            "That was every hint. The book page has the rest: read {page}"
        )?;
    } else if shown < available {
        writeln!(
            out,
            "({} more: `{INVOCATION} hint {}` shows the next)",
            available - shown,
            exercise.name
        )?;
    }
    Ok(())
}
