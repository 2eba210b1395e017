//! Renders the course and the learner's place in it: the progress summary
//! with a row per exercise, and the `list` table.

use crate::course::Course;
use crate::progress::{Progress, Status};
use crate::style::{Paint, Style};
use std::io::{self, Write};

/// `Concurrency, Measured: 2/5 done, 25/65 points`.
pub fn summary_line(course: &Course, progress: &Progress) -> String {
    let (done, points) = progress.score(course);
    format!(
        "{}: {done}/{} done, {points}/{} points",
        course.info.title,
        course.exercises.len(),
        course.total_points()
    )
}

fn mark(style: &Style, status: Status) -> String {
    match status {
        Status::Done => style.paint(Paint::Green, "✓"),
        Status::Attempted => style.paint(Paint::Yellow, "•"),
        Status::NotStarted => style.paint(Paint::Dim, "·"),
    }
}

fn name_width(course: &Course) -> usize {
    course
        .exercises
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(0)
}

/// The summary line, then a row per exercise with a mark; `>` marks the
/// current one.
pub fn write_progress(
    out: &mut dyn Write,
    style: &Style,
    course: &Course,
    progress: &Progress,
    current: usize,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        style.paint(Paint::Bold, &summary_line(course, progress))
    )?;
    let width = name_width(course);
    for (i, exercise) in course.exercises.iter().enumerate() {
        let pointer = if i == current { ">" } else { " " };
        writeln!(
            out,
            "{pointer} {} {} {:<width$}  {}",
            mark(style, progress.status(&exercise.name)),
            exercise.label(),
            exercise.name,
            exercise.title
        )?;
    }
    Ok(())
}

/// Every exercise with label, name, title and status; `>` marks the current.
pub fn write_list(
    out: &mut dyn Write,
    style: &Style,
    course: &Course,
    progress: &Progress,
    current: usize,
) -> io::Result<()> {
    let width = name_width(course);
    let title_width = course
        .exercises
        .iter()
        .map(|e| e.title.chars().count())
        .max()
        .unwrap_or(0);
    for (i, exercise) in course.exercises.iter().enumerate() {
        let pointer = if i == current { ">" } else { " " };
        let status = progress.status(&exercise.name);
        let word = match status {
            Status::Done => style.paint(Paint::Green, status.word()),
            Status::Attempted => style.paint(Paint::Yellow, status.word()),
            Status::NotStarted => style.paint(Paint::Dim, status.word()),
        };
        writeln!(
            out,
            "{pointer} {} {:<width$}  {:<title_width$}  {word}",
            exercise.label(),
            exercise.name,
            exercise.title,
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{}", summary_line(course, progress))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::OutcomeKind;
    use std::path::PathBuf;

    fn course() -> Course {
        let text = r#"
format_version = 1
[course]
title = "Course"
timeout_secs = 5
[[exercise]]
name = "heartbeat"
dir = "01_why/01_heartbeat"
title = "Keep the heartbeat ticking"
points = 10
[[exercise]]
name = "download"
dir = "03_threads/01_download"
title = "Download pages"
points = 15
"#;
        Course::parse(PathBuf::from("/c"), text).unwrap()
    }

    #[test]
    fn progress_rows_mark_status_and_current() {
        let course = course();
        let mut progress = Progress::default();
        progress.record("heartbeat", OutcomeKind::Pass, "t".into());
        let mut out = Vec::new();
        write_progress(&mut out, &Style::plain(), &course, &progress, 1).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Course: 1/2 done, 10/25 points\n  ✓ 01/01 heartbeat  Keep the heartbeat ticking\n> · 03/01 download   Download pages\n"
        );
    }

    #[test]
    fn the_list_names_each_status() {
        let course = course();
        let mut progress = Progress::default();
        progress.record("download", OutcomeKind::Fail, "t".into());
        let mut out = Vec::new();
        write_list(&mut out, &Style::plain(), &course, &progress, 1).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "  01/01 heartbeat  Keep the heartbeat ticking  not started\n> 03/01 download   Download pages              attempted\n\nCourse: 0/2 done, 0/25 points\n"
        );
    }
}
