//! Renders one check's [`Outcome`] for the terminal: the verdict line, the
//! evidence, the chart, the diagnosis and notes, or what went wrong instead.

use crate::limits::bytes_in_words;
use crate::outcome::{Limit, Outcome, OutcomeKind};
use crate::report::chart;
use crate::style::{Paint, Style};
use std::io::{self, Write};
use std::path::Path;
use verdict::{Panicked, Report, Status, Verdict};

/// Width of `label name ...` before the verdict word.
const HEAD_WIDTH: usize = 23;

/// The verdict in words, and its colour.
pub fn verdict_word(kind: OutcomeKind) -> (&'static str, Paint) {
    match kind {
        OutcomeKind::Pass => ("PASS", Paint::Green),
        OutcomeKind::Inconclusive => ("PASS (speed not measured)", Paint::Green),
        OutcomeKind::NotJudged => ("NOT JUDGED (busy machine)", Paint::Yellow),
        OutcomeKind::Fail => ("FAIL", Paint::Red),
        OutcomeKind::NotStarted => ("NOT STARTED", Paint::Yellow),
        OutcomeKind::CompileError => ("COMPILE ERROR", Paint::Red),
        OutcomeKind::Crashed => ("CRASHED", Paint::Red),
        OutcomeKind::TimedOut => ("TIMED OUT", Paint::Red),
        OutcomeKind::Stopped => ("STOPPED", Paint::Red),
        OutcomeKind::NotTrusted => ("NOT TRUSTED", Paint::Red),
    }
}

/// What a check that ran into `limit` did, in a few words: `printed more
/// than 16 MiB`.
pub fn over_the_limit(limit: &Limit) -> String {
    match *limit {
        Limit::Output { bytes } => format!("printed more than {}", bytes_in_words(bytes)),
        Limit::Memory { bytes } => format!(
            "asked for more than {} of memory in one process",
            bytes_in_words(bytes)
        ),
        Limit::MemoryTogether { bytes, seen } => format!(
            "held {} of memory in its processes together (the limit is {})",
            bytes_in_words(seen),
            bytes_in_words(bytes)
        ),
        Limit::Processes { limit, seen } => {
            format!("had {seen} processes at once (the limit is {limit})")
        }
        Limit::Threads { limit, seen } => {
            format!("had {seen} threads at once (the limit is {limit})")
        }
        Limit::FileSize { bytes } => {
            format!("wrote a file larger than {}", bytes_in_words(bytes))
        }
    }
}

/// The likely cause of running into `limit`.
pub fn limit_cause(limit: &Limit) -> &'static str {
    match limit {
        Limit::Output { .. } => {
            "A print inside a loop that never ends, or inside the work of every item? Print less, or only once at the end."
        }
        Limit::Memory { .. } | Limit::MemoryTogether { .. } => {
            "Something grows without end: a collection pushed to in a loop that never stops, or a queue (an unbounded channel) filled faster than it is drained. Bound it, or drain it as you go."
        }
        Limit::Processes { .. } => {
            "Processes started without end: a process per task, all started before any is waited for, or workers that start workers (a worker started without its `--worker` argument runs the checks again, and starts its own). Start as many workers as asked, once, in the parent."
        }
        Limit::Threads { .. } => {
            "Threads started without end: a thread per item on a long list, or threads that start threads. Use a fixed number of workers (a pool, or rayon) and give each many items."
        }
        Limit::FileSize { .. } => {
            "No exercise writes files of its own: something writes without end. Keep results in memory and return them."
        }
    }
}

/// `03/01 download ........ PASS`.
pub fn verdict_line(style: &Style, label: &str, name: &str, kind: OutcomeKind) -> String {
    let head = if label.is_empty() {
        name.to_owned()
    } else {
        format!("{label} {name}")
    };
    let dots = HEAD_WIDTH.saturating_sub(head.chars().count() + 1).max(3);
    let (word, paint) = verdict_word(kind);
    format!(
        "{} {} {}",
        style.paint(Paint::Bold, &head),
        ".".repeat(dots),
        style.paint(paint, word)
    )
}

/// Writes the outcome of the check of `name`, labelled `label`.
pub fn write_outcome(
    out: &mut dyn Write,
    style: &Style,
    root: &Path,
    label: &str,
    name: &str,
    outcome: &Outcome,
) -> io::Result<()> {
    writeln!(out, "{}", verdict_line(style, label, name, outcome.kind()))?;
    match outcome {
        Outcome::Report(report) => write_report(out, style, root, report),
        Outcome::CompileError { rendered } => {
            writeln!(out, "  Your code does not compile yet. The compiler says:")?;
            writeln!(out)?;
            write!(out, "{rendered}")?;
            if !rendered.ends_with('\n') {
                writeln!(out)?;
            }
            Ok(())
        }
        Outcome::Crashed {
            status,
            panic,
            output_tail,
        } => {
            writeln!(
                out,
                "  The check stopped ({status}) before it wrote a result."
            )?;
            if let Some(panic) = panic {
                match &panic.location {
                    Some(at) => writeln!(out, "  It panicked at {}:", location(style, root, at))?,
                    None => writeln!(out, "  It panicked:")?,
                }
                for line in panic.message.lines() {
                    writeln!(out, "    {line}")?;
                }
            }
            if !output_tail.is_empty() {
                writeln!(out, "  The last lines it printed:")?;
                for line in output_tail.lines() {
                    writeln!(out, "  | {line}")?;
                }
            }
            Ok(())
        }
        Outcome::TimedOut { secs } => {
            writeln!(
                out,
                "  no result in {secs} s: a deadlock, or a blocking call inside async?"
            )?;
            writeln!(out, "  The checker stopped it and everything it started.")
        }
        Outcome::NotTrusted { why } => {
            writeln!(out, "  The checker cannot trust this result: {why}.")?;
            writeln!(
                out,
                "  Only the check itself can report, through a channel the checker opens for each run; nothing in an exercise should write reports or change the checks."
            )
        }
        Outcome::Stopped { limit, output_head } => {
            writeln!(
                out,
                "  Your code {}, so the checker stopped it and everything it started.",
                over_the_limit(limit)
            )?;
            writeln!(out)?;
            writeln!(
                out,
                "  {}{}",
                style.paint(Paint::Bold, "Likely cause: "),
                limit_cause(limit)
            )?;
            if !output_head.is_empty() {
                writeln!(out)?;
                writeln!(out, "  The first lines it printed:")?;
                for line in output_head.lines() {
                    writeln!(out, "  | {line}")?;
                }
            }
            Ok(())
        }
    }
}

/// Writes a report's body: evidence, chart, diagnosis and notes.
pub fn write_report(
    out: &mut dyn Write,
    style: &Style,
    root: &Path,
    report: &Report,
) -> io::Result<()> {
    if let Some(panicked) = &report.panicked {
        write_panicked(out, style, root, panicked)?;
        if panicked.is_todo() {
            // Nothing was measured yet: the evidence would only repeat it.
            return Ok(());
        }
    }
    let width = report
        .evidence
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(0);
    for evidence in &report.evidence {
        let (mark, paint) = match evidence.status {
            Status::Pass => ("✓", Paint::Green),
            Status::Fail => ("✗", Paint::Red),
            Status::Inconclusive => ("?", Paint::Yellow),
            Status::Skipped => ("-", Paint::Dim),
        };
        writeln!(
            out,
            "  {} {:<width$}  {}",
            style.paint(paint, mark),
            evidence.name,
            evidence.summary
        )?;
    }
    if let Some(chart) = &report.chart {
        writeln!(out)?;
        chart::write_chart(out, style, chart)?;
    }
    if let Some(diagnosis) = &report.diagnosis {
        writeln!(out)?;
        let lead = if report.verdict() == Verdict::Fail {
            "Likely cause: "
        } else {
            ""
        };
        writeln!(out, "  {}{diagnosis}", style.paint(Paint::Bold, lead))?;
    }
    if !report.notes.is_empty() {
        writeln!(out)?;
        for note in &report.notes {
            writeln!(out, "  {} {note}", style.paint(Paint::Dim, "note:"))?;
        }
    }
    Ok(())
}

fn write_panicked(
    out: &mut dyn Write,
    style: &Style,
    root: &Path,
    panicked: &Panicked,
) -> io::Result<()> {
    let at = panicked
        .location
        .as_deref()
        .map(|l| location(style, root, l));
    if panicked.is_todo() {
        match at {
            Some(at) => writeln!(
                out,
                "  You haven't started this one yet: the `todo!()` at {at} is waiting for your code."
            ),
            None => writeln!(
                out,
                "  You haven't started this one yet: a `todo!()` is waiting for your code."
            ),
        }
    } else {
        let thread = panicked
            .thread
            .as_deref()
            .map(|t| format!(" in thread '{t}'"))
            .unwrap_or_default();
        match at {
            Some(at) => writeln!(out, "  Your code panicked{thread} at {at}:")?,
            None => writeln!(out, "  Your code panicked{thread}:")?,
        }
        for line in panicked.message.lines() {
            writeln!(out, "    {line}")?;
        }
        Ok(())
    }
}

/// `exercises/x/src/lib.rs:3:5`, the file part linked when it exists.
fn location(style: &Style, root: &Path, location: &str) -> String {
    let mut file = location;
    let mut suffix = "";
    // Strip up to two `:number` parts (line and column).
    for _ in 0..2 {
        if let Some((head, tail)) = file.rsplit_once(':')
            && !tail.is_empty()
            && tail.chars().all(|c| c.is_ascii_digit())
        {
            suffix = &location[head.len()..];
            file = head;
        }
    }
    let path = Path::new(file);
    if path.is_relative() && root.join(path).is_file() {
        format!("{}{suffix}", style.path(root, path))
    } else {
        location.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::{Bar, Chart, Evidence};

    fn render(outcome: &Outcome) -> String {
        let mut out = Vec::new();
        write_outcome(
            &mut out,
            &Style::plain(),
            Path::new("/nowhere"),
            "03/01",
            "download",
            outcome,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_report_shows_verdict_evidence_chart_and_cause() {
        let mut report = Report::new("download")
            .with(Evidence::pass("correct", "32/32 pages, in order"))
            .with(Evidence::fail(
                "concurrent",
                "1 request in flight at most (need 8)",
            ))
            .with(Evidence::skipped("speed", "not measured"))
            .diagnose("1 request in flight: are you joining each thread right after spawning it?")
            .note("p = 2");
        report.chart = Some(Chart {
            title: "wall time".into(),
            unit: "ms".into(),
            bars: vec![Bar {
                label: "yours".into(),
                value: 640.0,
            }],
        });
        let expected = format!(
            "03/01 download ........ FAIL
  ✓ correct     32/32 pages, in order
  ✗ concurrent  1 request in flight at most (need 8)
  - speed       not measured

  wall time
    yours  {} 640 ms

  Likely cause: 1 request in flight: are you joining each thread right after spawning it?

  note: p = 2
",
            "█".repeat(30)
        );
        assert_eq!(render(&Outcome::Report(report)), expected);
    }

    #[test]
    fn inconclusive_passes_and_todo_is_not_started() {
        let report = Report::new("x")
            .with(Evidence::pass("correct", "ok"))
            .with(Evidence::inconclusive("speed", "machine busy"));
        assert!(
            render(&Outcome::Report(report))
                .starts_with("03/01 download ........ PASS (speed not measured)\n")
        );
        let mut todo = Report::new("x");
        todo.panicked = Some(Panicked {
            message: "not yet implemented".into(),
            location: Some("src/lib.rs:3:5".into()),
            thread: None,
        });
        assert_eq!(
            render(&Outcome::Report(todo)),
            "03/01 download ........ NOT STARTED\n  You haven't started this one yet: the `todo!()` at src/lib.rs:3:5 is waiting for your code.\n"
        );
    }

    #[test]
    fn crashes_and_hangs_say_what_happened() {
        let crash = Outcome::Crashed {
            status: "exit status 101".into(),
            panic: Some(Panicked {
                location: Some("src/lib.rs:3:5".into()),
                message: "boom".into(),
                thread: Some("main".into()),
            }),
            output_tail: "starting".into(),
        };
        assert_eq!(
            render(&crash),
            "03/01 download ........ CRASHED\n  The check stopped (exit status 101) before it wrote a result.\n  It panicked at src/lib.rs:3:5:\n    boom\n  The last lines it printed:\n  | starting\n"
        );
        assert_eq!(
            render(&Outcome::TimedOut { secs: 30 }),
            "03/01 download ........ TIMED OUT\n  no result in 30 s: a deadlock, or a blocking call inside async?\n  The checker stopped it and everything it started.\n"
        );
    }

    #[test]
    fn a_runaway_says_which_limit_stopped_it_and_why() {
        let stopped = Outcome::Stopped {
            limit: Limit::Output {
                bytes: 16 * 1024 * 1024,
            },
            output_head: "item 1\nitem 2".into(),
        };
        assert_eq!(
            render(&stopped),
            "03/01 download ........ STOPPED
  Your code printed more than 16 MiB, so the checker stopped it and everything it started.

  Likely cause: A print inside a loop that never ends, or inside the work of every item? Print less, or only once at the end.

  The first lines it printed:
  | item 1
  | item 2
"
        );
        let forks = Limit::Processes {
            limit: 256,
            seen: 301,
        };
        assert_eq!(
            over_the_limit(&forks),
            "had 301 processes at once (the limit is 256)"
        );
        let memory = Limit::Memory {
            bytes: 4 * 1024 * 1024 * 1024,
        };
        assert_eq!(
            over_the_limit(&memory),
            "asked for more than 4 GiB of memory in one process"
        );
    }

    #[test]
    fn long_names_keep_three_dots() {
        let line = verdict_line(
            &Style::plain(),
            "10/12",
            "a_really_long_exercise_name",
            OutcomeKind::Pass,
        );
        assert_eq!(line, "10/12 a_really_long_exercise_name ... PASS");
        assert_eq!(
            verdict_line(&Style::plain(), "", "machine", OutcomeKind::Fail),
            "machine ............... FAIL"
        );
    }
}
