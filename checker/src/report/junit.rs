//! Renders a [`Gradebook`] as JUnit XML: one `testsuite` for the course,
//! one `testcase` per exercise (a `failure` when it earned no points), times
//! in seconds, the points as suite properties. Written by hand: the format
//! is small and the checker stays lean.

use crate::gradebook::{Gradebook, GradedExercise};
use crate::outcome::Outcome;
use crate::report::grade_view::explanation;
use crate::report::outcome_view::verdict_word;
use crate::report::verify_view::error_text;
use crate::report::xml::escape;
use std::io::{self, Write};
use std::time::Duration;
use verdict::Status;

/// Writes the XML document.
pub fn write_junit(out: &mut dyn Write, book: &Gradebook) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    let name = escape(&book.course);
    if let Some(why) = &book.not_graded {
        writeln!(
            out,
            r#"<testsuites name="{name}" tests="1" failures="0" errors="1" time="0.000">"#
        )?;
        writeln!(
            out,
            r#"  <testsuite name="{name}" tests="1" failures="0" errors="1" skipped="0" time="0.000">"#
        )?;
        write_properties(out, 0, book.max_points)?;
        writeln!(
            out,
            r#"    <testcase name="{}" classname="checker" time="0.000">"#,
            why.cause
        )?;
        writeln!(
            out,
            r#"      <error message="{}" type="{}">{}</error>"#,
            escape(&why.headline),
            why.cause,
            escape(&why.details)
        )?;
        writeln!(out, "    </testcase>")?;
        writeln!(out, "  </testsuite>")?;
        return writeln!(out, "</testsuites>");
    }
    let tests = book.exercises.len();
    let errors = book.not_judged();
    let failures = tests - book.passed() - errors;
    let total: Duration = book.exercises.iter().filter_map(|e| e.elapsed).sum();
    let time = seconds(Some(total));
    writeln!(
        out,
        r#"<testsuites name="{name}" tests="{tests}" failures="{failures}" errors="{errors}" time="{time}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="{name}" tests="{tests}" failures="{failures}" errors="{errors}" skipped="0" time="{time}">"#
    )?;
    write_properties(out, book.points(), book.max_points)?;
    for exercise in &book.exercises {
        write_testcase(out, exercise)?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

fn write_properties(out: &mut dyn Write, points: u32, max_points: u32) -> io::Result<()> {
    writeln!(out, "    <properties>")?;
    writeln!(out, r#"      <property name="points" value="{points}"/>"#)?;
    writeln!(
        out,
        r#"      <property name="max_points" value="{max_points}"/>"#
    )?;
    writeln!(out, "    </properties>")
}

fn write_testcase(out: &mut dyn Write, exercise: &GradedExercise) -> io::Result<()> {
    writeln!(
        out,
        r#"    <testcase name="{} {}" classname="{}" time="{}">"#,
        escape(&exercise.label),
        escape(&exercise.name),
        escape(&exercise.chapter),
        seconds(exercise.elapsed)
    )?;
    let (word, _) = verdict_word(exercise.kind());
    let why = explanation(exercise);
    let points = format!("{}/{} points", exercise.points, exercise.max_points);
    if exercise.kind().earns_points() {
        let line = if why.is_empty() {
            format!("{word}: {points}")
        } else {
            format!("{word}: {points}; {why}")
        };
        writeln!(out, "      <system-out>{}</system-out>", escape(&line))?;
    } else {
        let message = if why.is_empty() {
            word.to_owned()
        } else {
            format!("{word}: {why}")
        };
        let kind = serde_json::to_value(exercise.kind())
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        // Work the machine could not judge is the grading machine's error,
        // not a failure of the student's.
        let element = if exercise.kind() == crate::outcome::OutcomeKind::NotJudged {
            "error"
        } else {
            "failure"
        };
        writeln!(
            out,
            r#"      <{element} message="{}" type="{}">{}</{element}>"#,
            escape(&message),
            escape(&kind),
            escape(&format!("{points}\n{}", details(&exercise.outcome)))
        )?;
    }
    writeln!(out, "    </testcase>")
}

/// What a failure's body holds: the evidence and diagnosis, or what went
/// wrong instead of a report.
fn details(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Report(report) => {
            let mut text = String::new();
            for evidence in &report.evidence {
                let mark = match evidence.status {
                    Status::Pass => "pass",
                    Status::Fail => "FAIL",
                    Status::Inconclusive => "inconclusive",
                    Status::Skipped => "skipped",
                };
                text.push_str(&format!(
                    "{mark:<12} {}: {}\n",
                    evidence.name, evidence.summary
                ));
            }
            if let Some(panicked) = &report.panicked {
                text.push_str(&format!(
                    "panicked at {}: {}\n",
                    panicked.location.as_deref().unwrap_or("?"),
                    panicked.message
                ));
            }
            if let Some(diagnosis) = &report.diagnosis {
                text.push_str(&format!("likely cause: {diagnosis}\n"));
            }
            text
        }
        other => error_text(other).unwrap_or_default(),
    }
}

/// A duration in seconds with millisecond precision, as JUnit wants it.
fn seconds(duration: Option<Duration>) -> String {
    format!("{:.3}", duration.unwrap_or_default().as_secs_f64())
}
