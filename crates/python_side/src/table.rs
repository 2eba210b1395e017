//! The tables `checker python` prints: the interpreters found, then per
//! workload each row's Python figure per interpreter beside Rust's, the
//! machine's ceiling or the ideal, and the verdict line. Plain text,
//! written into a `String` so that tests can snapshot it.

use std::fmt::Write;

use crate::results::{InterpreterEntry, Workload};

/// A time in seconds for people: `85 µs`, `8.3 ms`, `412 ms`, `1.62 s`.
pub fn seconds(s: f64) -> String {
    if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1e-2 {
        format!("{:.1} ms", s * 1e3)
    } else if s < 1.0 {
        format!("{:.0} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

/// Whether `error` says there was no program behind the name: the shell's
/// "command not found" status, which a version manager's shim (pyenv has
/// one for every version it knows of) gives for a version not installed.
fn nothing_behind(error: &str) -> bool {
    error.starts_with("exited with status 127")
}

/// The interpreters found, one a line, with their state; the names with
/// nothing behind them (status 127) together on one line.
pub fn interpreters(found: &[InterpreterEntry]) -> String {
    let mut out = String::from("Python on PATH:\n");
    let (absent, found): (Vec<&InterpreterEntry>, Vec<&InterpreterEntry>) = found
        .iter()
        .partition(|i| i.error.as_deref().is_some_and(nothing_behind));
    let width = found.iter().map(|i| i.label.len()).max().unwrap_or(0);
    let path_width = found.iter().map(|i| i.path.len()).max().unwrap_or(0);
    for i in found {
        let state = match (&i.error, i.gil_enabled, i.free_threaded_build) {
            (Some(error), _, _) => format!("not usable: {}", first_line(error)),
            (None, Some(false), _) => "free-threaded: no GIL".into(),
            (None, _, true) => "free-threaded build, GIL turned on".into(),
            (None, _, false) => "GIL on".into(),
        };
        let _ = writeln!(
            out,
            "  {:<width$}  {:<path_width$}  {state}",
            i.label, i.path
        );
    }
    if !absent.is_empty() {
        let names: Vec<&str> = absent.iter().map(|i| i.label.as_str()).collect();
        let _ = writeln!(
            out,
            "  also on PATH with no interpreter behind {} (\"command not found\", as a version manager's shim for a version not installed): {}",
            if names.len() == 1 { "it" } else { "them" },
            names.join(", ")
        );
    }
    out
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// One workload's table. `order` gives the interpreter columns' order.
pub fn workload(w: &Workload, order: &[InterpreterEntry]) -> String {
    let columns: Vec<&str> = order
        .iter()
        .map(|i| i.label.as_str())
        .filter(|label| w.rows.iter().any(|r| r.python.contains_key(*label)))
        .collect();
    let headers: Vec<String> = columns
        .iter()
        .map(|c| format!("Python {c}"))
        .chain(["Rust".to_owned()])
        .collect();
    let cells: Vec<Vec<String>> = w
        .rows
        .iter()
        .map(|r| {
            columns
                .iter()
                .map(|c| r.python.get(*c).copied().flatten())
                .chain([r.rust])
                .map(|v| v.map_or_else(|| "-".to_owned(), seconds))
                .collect()
        })
        .collect();
    let label_width = w
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = headers
        .iter()
        .enumerate()
        .map(|(k, h)| {
            cells
                .iter()
                .map(|row| row[k].chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();

    let mut out = String::new();
    let _ = writeln!(out, "{}  {}", w.chapter, w.title);
    let _ = writeln!(out, "    {}", w.about);
    let _ = write!(out, "    {:label_width$}", "");
    for (h, width) in headers.iter().zip(&widths) {
        let _ = write!(out, "  {h:>width$}");
    }
    out.push('\n');
    for (r, row) in w.rows.iter().zip(&cells) {
        let _ = write!(out, "    {:<label_width$}", r.label);
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(out, "  {cell:>width$}");
        }
        out.push('\n');
    }
    if let Some(ceiling) = w.ceiling {
        let _ = writeln!(
            out,
            "    ceiling: a perfectly parallel Rust kernel ran {ceiling:.2}x as fast on the same threads, in this run"
        );
    }
    if let Some(ideal) = w.ideal {
        let _ = writeln!(
            out,
            "    ideal: {} (every request in flight at once)",
            seconds(ideal)
        );
    }
    for (label, error) in &w.errors {
        let _ = writeln!(
            out,
            "    Python {label}: {}",
            error.replace('\n', "\n      ")
        );
    }
    let labels: Vec<&str> = order.iter().map(|i| i.label.as_str()).collect();
    if w.verdicts.len() > 1 {
        for label in labels {
            if let Some(sentence) = w.verdicts.get(label) {
                let _ = writeln!(out, "  → Python {label}: {sentence}");
            }
        }
    } else {
        let _ = writeln!(out, "  → {}", w.verdict_line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_at_a_glance() {
        assert_eq!(seconds(0.000_085), "85 µs");
        assert_eq!(seconds(0.008_31), "8.3 ms");
        assert_eq!(seconds(0.412), "412 ms");
        assert_eq!(seconds(1.623), "1.62 s");
    }
}
