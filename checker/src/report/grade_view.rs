//! Renders a [`Gradebook`] for people: the points table `grade` prints, and
//! the Markdown table it appends to a GitHub Actions job summary.

use crate::gradebook::{Gradebook, GradedExercise};
use crate::outcome::OutcomeKind;
use crate::report::outcome_view::verdict_word;
use crate::report::verify_view::reason;
use crate::style::{Paint, Style};
use std::io::{self, Write};

/// What a verdict and its reason say about the points, in one line.
pub fn explanation(exercise: &GradedExercise) -> String {
    let why = reason(&exercise.outcome);
    match exercise.kind() {
        OutcomeKind::Inconclusive => format!("no points taken: {why}"),
        OutcomeKind::NotJudged => {
            format!("not judged on this machine, grade again on a quieter one: {why}")
        }
        _ => why,
    }
}

/// The table: one line per exercise with its verdict, points and reason,
/// then the total.
pub fn write_table(out: &mut dyn Write, style: &Style, book: &Gradebook) -> io::Result<()> {
    if let Some(why) = &book.not_graded {
        writeln!(
            out,
            "{} {}",
            style.paint(Paint::Red, "NOT GRADED"),
            why.headline
        )?;
        writeln!(out)?;
        return writeln!(out, "0/{} points", book.max_points);
    }
    let rows = &book.exercises;
    let head = |e: &GradedExercise| format!("{} {}", e.label, e.name);
    let fraction = |e: &GradedExercise| format!("{}/{}", e.points, e.max_points);
    let head_width = rows.iter().map(|e| head(e).len()).max().unwrap_or(0);
    let word_width = rows
        .iter()
        .map(|e| verdict_word(e.kind()).0.len())
        .max()
        .unwrap_or(0);
    let points_width = rows.iter().map(|e| fraction(e).len()).max().unwrap_or(0);
    for exercise in rows {
        let (word, paint) = verdict_word(exercise.kind());
        let line = format!(
            "{:<head_width$}  {}  {:>points_width$}  {}",
            head(exercise),
            style.paint(paint, &format!("{word:<word_width$}")),
            fraction(exercise),
            explanation(exercise)
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)?;
    let total = format!(
        "{}/{} points: {} of {} exercises passed",
        book.points(),
        book.max_points,
        book.passed(),
        rows.len()
    );
    let paint = if book.full_marks() {
        Paint::Green
    } else {
        Paint::Red
    };
    writeln!(out, "{}", style.paint(paint, &total))?;
    if let Some(note) = speed_note(book) {
        writeln!(out, "{note}")?;
    }
    for line in book.submission_lines() {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The note under the total when some speed could not be measured.
fn speed_note(book: &Gradebook) -> Option<String> {
    match book.speed_not_measured() {
        0 => None,
        n => {
            let exercises = if n == 1 { "exercise" } else { "exercises" };
            Some(format!(
                "{n} {exercises} passed with speed not measured: the machine had no spare cores, so they were graded on correctness and structure and lost no points."
            ))
        }
    }
}

/// The Markdown for `$GITHUB_STEP_SUMMARY`: a heading with the total and a
/// table with each exercise's verdict, points, measured speedup and the
/// checker's own version's speedup in the same run (blank where the check
/// measured no speedup), a legend for the two, and the one-line reason.
pub fn write_markdown(out: &mut dyn Write, book: &Gradebook) -> io::Result<()> {
    let whose = if book.solutions {
        " (reference solutions)"
    } else {
        ""
    };
    if let Some(why) = &book.not_graded {
        writeln!(out, "### {}{whose}: not graded", cell(&book.course))?;
        writeln!(out)?;
        writeln!(out, "{}", cell(&why.headline))?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "### {}{whose}: {}/{} points",
        cell(&book.course),
        book.points(),
        book.max_points
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "| exercise | verdict | points | speedup | checker's own | reason |"
    )?;
    writeln!(out, "|---|---|---:|---:|---:|---|")?;
    for exercise in &book.exercises {
        let (speedup, ceiling) = match exercise.speedup() {
            Some(s) => (format!("{:.2}x", s.measured), format!("{:.2}x", s.ceiling)),
            None => (String::new(), String::new()),
        };
        writeln!(
            out,
            "| {} {} | {} | {}/{} | {speedup} | {ceiling} | {} |",
            exercise.label,
            cell(&exercise.name),
            verdict_word(exercise.kind()).0,
            exercise.points,
            exercise.max_points,
            cell(&explanation(exercise))
        )?;
    }
    writeln!(out)?;
    if book.exercises.iter().any(|e| e.speedup().is_some()) {
        writeln!(
            out,
            "*speedup*: how many times faster than one at a time your version ran (05/02: than a process per task); *checker's own*: the same for the checker's own version, measured in the same run on the same machine (for I/O, the ideal). Above it, yours beat the checker's."
        )?;
        writeln!(out)?;
    }
    writeln!(
        out,
        "{} of {} exercises passed.",
        book.passed(),
        book.exercises.len()
    )?;
    if let Some(note) = speed_note(book) {
        writeln!(out, "{note}")?;
    }
    for line in book.submission_lines() {
        writeln!(out)?;
        writeln!(out, "{}", line.replace('|', "\\|"))?;
    }
    writeln!(out)
}

/// Text safe inside a Markdown table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or("")
        .replace('|', "\\|")
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_one_line_without_bare_bars() {
        assert_eq!(cell("a | b\nsecond line"), "a \\| b");
    }
}
