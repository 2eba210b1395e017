//! Renders the result of `verify`: a summary table with a one-line reason
//! per exercise, or a JSON array for scripts.

use crate::course::Exercise;
use crate::outcome::{Outcome, OutcomeKind};
use crate::report::outcome_view::{limit_cause, over_the_limit, verdict_word};
use crate::style::{Paint, Style};
use serde::Serialize;
use std::io::{self, Write};
use verdict::{Report, Status};

/// One row of the JSON output.
#[derive(Debug, Serialize)]
pub struct JsonRow<'a> {
    /// The exercise's name.
    pub exercise: &'a str,
    /// The outcome in one word.
    pub verdict: OutcomeKind,
    /// The check's report, when it wrote one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<&'a Report>,
    /// What went wrong instead, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The reason for a verdict, in one line (empty for a plain pass).
pub fn reason(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Report(report) => {
            if let Some(panicked) = &report.panicked {
                let at = panicked.location.as_deref().unwrap_or("your code");
                return if panicked.is_todo() {
                    format!("todo!() at {at}")
                } else {
                    format!("panicked at {at}: {}", first_line(&panicked.message))
                };
            }
            let failing = report.evidence.iter().find(|e| e.status == Status::Fail);
            let unsure = report
                .evidence
                .iter()
                .find(|e| e.status == Status::Inconclusive);
            if let Some(diagnosis) = report.diagnosis.as_deref().filter(|_| failing.is_some()) {
                first_line(diagnosis).to_owned()
            } else if let Some(evidence) = failing.or(unsure) {
                format!("{}: {}", evidence.name, first_line(&evidence.summary))
            } else if report.evidence.is_empty() {
                "the check gathered no evidence".to_owned()
            } else {
                String::new()
            }
        }
        Outcome::CompileError { rendered } => {
            let plain = strip_ansi(rendered);
            plain
                .lines()
                .find(|l| l.starts_with("error"))
                .or_else(|| plain.lines().next())
                .unwrap_or("")
                .to_owned()
        }
        Outcome::Crashed { status, panic, .. } => match panic {
            Some(panic) => format!("panicked: {}", first_line(&panic.message)),
            None => format!("stopped with {status}"),
        },
        Outcome::TimedOut { secs } => format!("no result in {secs} s"),
        Outcome::Stopped { limit, .. } => over_the_limit(limit),
        Outcome::NotTrusted { why } => format!("not trusted: {why}"),
    }
}

/// The full error text for JSON, for outcomes without a report.
pub fn error_text(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Report(_) => None,
        Outcome::CompileError { rendered } => Some(strip_ansi(rendered)),
        Outcome::Crashed {
            status,
            panic,
            output_tail,
        } => {
            let mut text = format!("the check stopped ({status}) before it wrote a result");
            if let Some(panic) = panic {
                text.push_str(&format!(
                    "\npanicked at {}:\n{}",
                    panic.location.as_deref().unwrap_or("?"),
                    panic.message
                ));
            }
            if !output_tail.is_empty() {
                text.push_str(&format!("\nlast output:\n{output_tail}"));
            }
            Some(text)
        }
        Outcome::TimedOut { secs } => Some(format!(
            "no result in {secs} s: a deadlock, or a blocking call inside async?"
        )),
        Outcome::NotTrusted { why } => Some(format!(
            "not trusted: {why}; only the check itself reports, through the checker's sealed channel"
        )),
        Outcome::Stopped { limit, output_head } => {
            let mut text = format!(
                "stopped: it {}. {}",
                over_the_limit(limit),
                limit_cause(limit)
            );
            if !output_head.is_empty() {
                text.push_str(&format!("\nfirst output:\n{output_head}"));
            }
            Some(text)
        }
    }
}

/// The summary table and a count of passes.
pub fn write_table(
    out: &mut dyn Write,
    style: &Style,
    rows: &[(&Exercise, &Outcome)],
) -> io::Result<()> {
    let name_width = rows.iter().map(|(e, _)| e.name.len()).max().unwrap_or(0);
    let word_width = rows
        .iter()
        .map(|(_, o)| verdict_word(o.kind()).0.len())
        .max()
        .unwrap_or(0);
    for (exercise, outcome) in rows {
        let (word, paint) = verdict_word(outcome.kind());
        let padded = format!("{word:<word_width$}");
        let line = format!(
            "{} {:<name_width$}  {}  {}",
            exercise.label(),
            exercise.name,
            style.paint(paint, &padded),
            reason(outcome)
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    let count = |kind: OutcomeKind| rows.iter().filter(|(_, o)| o.kind() == kind).count();
    let passed = rows.iter().filter(|(_, o)| o.kind().is_done()).count();
    let unsure = count(OutcomeKind::Inconclusive);
    let not_judged = count(OutcomeKind::NotJudged);
    writeln!(out)?;
    let mut total = format!("{passed}/{} passed", rows.len());
    let mut asides = Vec::new();
    if unsure > 0 {
        asides.push(format!("{unsure} with speed not measured"));
    }
    if not_judged > 0 {
        asides.push(format!("{not_judged} not judged on this busy machine"));
    }
    if !asides.is_empty() {
        total.push_str(&format!(" ({})", asides.join(", ")));
    }
    let paint = if passed == rows.len() {
        Paint::Green
    } else {
        Paint::Red
    };
    writeln!(out, "{}", style.paint(paint, &total))
}

/// The JSON array for `verify --format json`.
pub fn write_json(out: &mut dyn Write, rows: &[(&Exercise, &Outcome)]) -> io::Result<()> {
    let rows: Vec<JsonRow<'_>> = rows
        .iter()
        .map(|(exercise, outcome)| JsonRow {
            exercise: &exercise.name,
            verdict: outcome.kind(),
            report: match outcome {
                Outcome::Report(report) => Some(report),
                _ => None,
            },
            error: error_text(outcome),
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Removes ANSI escape sequences (colour from `rendered` diagnostics).
pub fn strip_ansi(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::Evidence;

    #[test]
    fn reasons_fit_on_one_line() {
        let failing = Report::new("x")
            .with(Evidence::fail("concurrent", "1 in flight"))
            .diagnose("joining right after spawning?\nmore");
        assert_eq!(
            reason(&Outcome::Report(failing)),
            "joining right after spawning?"
        );
        let unsure = Report::new("x").with(Evidence::inconclusive("speed", "machine busy"));
        assert_eq!(reason(&Outcome::Report(unsure)), "speed: machine busy");
        let compile = Outcome::CompileError {
            rendered: "\x1b[1m\x1b[91merror[E0308]\x1b[0m: mismatched types\n --> src/lib.rs"
                .into(),
        };
        assert_eq!(reason(&compile), "error[E0308]: mismatched types");
        assert_eq!(reason(&Outcome::TimedOut { secs: 3 }), "no result in 3 s");
    }
}
