//! The results file: the last measurements, for the book to show.
//!
//! Written to `<state dir>/python.json`, where the state dir is the
//! checker's (`CHECKER_STATE_DIR` (`verdict::STATE_DIR_ENV`) when set, relative to the course
//! root, else `<course root>/.checker`: [`state_dir`]).
//! A run of some chapters replaces those chapters' workloads and keeps the
//! others'. The schema, every time in seconds:
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "measured_at": "2025-03-01T14:05:09Z",
//!   "machine": { "cpus": 2, "os": "linux", "arch": "x86_64", "workers": 2 },
//!   "interpreters": [
//!     { "label": "3.14.0t", "path": "/usr/bin/python3.14t", "version": "3.14.0",
//!       "gil_enabled": false, "free_threaded_build": true },
//!     { "label": "python3.12", "path": "/home/me/.pyenv/shims/python3.12",
//!       "version": null, "gil_enabled": null, "free_threaded_build": false,
//!       "error": "exited with status 127: pyenv: python3.12: command not found" }
//!   ],
//!   "workloads": [
//!     { "chapter": "02", "name": "cpu", "title": "CPU-bound work ...",
//!       "about": "the sum of squares of 4,000,000 numbers ...",
//!       "measured_at": "2025-03-01T14:05:09Z",
//!       "rows": [ { "label": "one at a time",
//!                   "python": { "3.14.0t": 0.61 }, "rust": 0.004 } ],
//!       "ceiling": 1.93, "ideal": null,
//!       "errors": { "3.13.1": "timed out after 60 s" },
//!       "verdict_line": "threads ran 1.9x: no GIL in this build; ...",
//!       "verdicts": { "3.14.0t": "threads ran 1.9x: no GIL in this build; ..." } }
//!   ]
//! }
//! ```
//!
//! - `interpreters`: every one found on PATH, usable or not (`error`); a
//!   row's `python` keys are their `label`s, `null` where that interpreter
//!   gave no figure (its reason in the workload's `errors`).
//! - `rust`: the same workload in Rust, measured in the same run; `null`
//!   where a row has no Rust counterpart.
//! - `ceiling`: for CPU work, how much faster the checker's perfectly
//!   parallel kernel ran on `machine.workers` threads than on one, in this
//!   run: the most any parallel row could show. `null` for the rest.
//! - `ideal`: for I/O work, the analytic ideal of the fastest row
//!   (every request in flight at once: one latency). `null` for the rest.
//! - `verdict_line`: one line saying what the numbers show: the sentence
//!   of `verdicts` when one interpreter ran, else `3.13.1: ...; 3.14.0t: ...`.
//!   When no interpreter gave figures, it says so (or why the workload
//!   could not run, such as a server that could not start).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::discover::Interpreter;

/// The version of this format; a reader seeing another should ignore the file.
pub const FORMAT_VERSION: u32 = 1;

/// The file's name in the state dir.
pub const FILE_NAME: &str = "python.json";

/// The whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// When the last run ended, RFC 3339 in UTC.
    pub measured_at: String,
    /// The machine it ran on.
    pub machine: Machine,
    /// Every interpreter found on PATH.
    pub interpreters: Vec<InterpreterEntry>,
    /// What was measured, in chapter order.
    pub workloads: Vec<Workload>,
}

/// The machine the figures come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// Cores the OS offers this process.
    pub cpus: usize,
    /// `linux`, `macos`.
    pub os: String,
    /// `x86_64`, `aarch64`.
    pub arch: String,
    /// The threads and processes each parallel row used.
    pub workers: usize,
}

/// One interpreter, as the file records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterpreterEntry {
    /// The key of its figures in every row.
    pub label: String,
    /// Where it was found on PATH.
    pub path: String,
    /// Its version, when it could say.
    pub version: Option<String>,
    /// Whether the GIL was on, when it could say.
    pub gil_enabled: Option<bool>,
    /// Whether it is a free-threaded build.
    pub free_threaded_build: bool,
    /// Why it could not be used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl From<&Interpreter> for InterpreterEntry {
    fn from(i: &Interpreter) -> Self {
        InterpreterEntry {
            label: i.label.clone(),
            path: i.path.display().to_string(),
            version: i.version.clone(),
            gil_enabled: i.gil_enabled,
            free_threaded_build: i.free_threaded_build,
            error: i.error.clone(),
        }
    }
}

/// One workload: a lesson's program under every interpreter, and Rust.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// The chapter: `02`, `03`, `05`, `06`.
    pub chapter: String,
    /// A stable name: `cpu`, `io_threads`, `start_methods`,
    /// `pool_chunksize`, `asyncio`.
    pub name: String,
    /// What it shows, in a few words.
    pub title: String,
    /// Its size: what each row did.
    pub about: String,
    /// When it was measured, RFC 3339 in UTC.
    pub measured_at: String,
    /// The figures.
    pub rows: Vec<Row>,
    /// The machine's ceiling in this run (CPU work only).
    pub ceiling: Option<f64>,
    /// The analytic ideal of the fastest row, in seconds (I/O work only).
    pub ideal: Option<f64>,
    /// Why an interpreter has no figures here, by label.
    pub errors: BTreeMap<String, String>,
    /// What the numbers show, in one line.
    pub verdict_line: String,
    /// What the numbers show for each interpreter, by label: the
    /// sentences `verdict_line` is made of.
    #[serde(default)]
    pub verdicts: BTreeMap<String, String>,
}

/// One way of doing the work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// How it was done: `2 threads`.
    pub label: String,
    /// Seconds, by interpreter label.
    pub python: BTreeMap<String, Option<f64>>,
    /// Seconds in Rust, when Rust has this row.
    pub rust: Option<f64>,
}

impl Results {
    /// This run's results on top of `previous` (a file of the same format):
    /// its other chapters' workloads are kept, after this run's, in
    /// chapter order, and the interpreters they name too.
    pub fn merged_over(mut self, previous: Option<Results>) -> Results {
        let Some(previous) = previous.filter(|p| p.format_version == FORMAT_VERSION) else {
            return self;
        };
        let measured: Vec<String> = self.workloads.iter().map(|w| w.chapter.clone()).collect();
        let kept: Vec<Workload> = previous
            .workloads
            .into_iter()
            .filter(|w| !measured.contains(&w.chapter))
            .collect();
        for entry in previous.interpreters {
            let named = kept
                .iter()
                .any(|w| w.rows.iter().any(|r| r.python.contains_key(&entry.label)));
            if named && !self.interpreters.iter().any(|i| i.label == entry.label) {
                self.interpreters.push(entry);
            }
        }
        self.workloads.extend(kept);
        self.workloads.sort_by(|a, b| a.chapter.cmp(&b.chapter));
        self
    }

    /// Reads a results file; `None` when there is none or it is not one.
    pub fn read(path: &Path) -> Option<Results> {
        let text = std::fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Writes the file (its folder made if needed), atomically.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, json + "\n")?;
        std::fs::rename(&temporary, path)
    }
}

/// The checker's state folder for the course at `root`:
/// `CHECKER_STATE_DIR` (`verdict::STATE_DIR_ENV`) (relative to `root`) when set, else
/// `<root>/.checker`.
pub fn state_dir(root: &Path) -> PathBuf {
    course_model::state::state_dir(root)
}

/// Now, RFC 3339 in UTC: `2025-03-01T14:05:09Z`.
pub fn now_rfc3339() -> String {
    course_model::time::UtcTime::now().rfc3339()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workload(chapter: &str, label: &str) -> Workload {
        Workload {
            chapter: chapter.into(),
            name: format!("w{chapter}"),
            title: String::new(),
            about: String::new(),
            measured_at: String::new(),
            rows: vec![Row {
                label: "one".into(),
                python: BTreeMap::from([(label.to_owned(), Some(1.0))]),
                rust: None,
            }],
            ceiling: None,
            ideal: None,
            errors: BTreeMap::new(),
            verdict_line: String::new(),
            verdicts: BTreeMap::new(),
        }
    }

    fn entry(label: &str) -> InterpreterEntry {
        InterpreterEntry {
            label: label.into(),
            path: format!("/bin/{label}"),
            version: None,
            gil_enabled: Some(true),
            free_threaded_build: false,
            error: None,
        }
    }

    fn results(workloads: Vec<Workload>, interpreters: Vec<InterpreterEntry>) -> Results {
        Results {
            format_version: FORMAT_VERSION,
            measured_at: String::new(),
            machine: Machine {
                cpus: 2,
                os: "linux".into(),
                arch: "x86_64".into(),
                workers: 2,
            },
            interpreters,
            workloads,
        }
    }

    #[test]
    fn a_run_of_one_chapter_keeps_the_others() {
        let old = results(
            vec![workload("02", "old"), workload("03", "old")],
            vec![entry("old"), entry("unused")],
        );
        let new = results(vec![workload("02", "new")], vec![entry("new")]);
        let merged = new.merged_over(Some(old));
        let chapters: Vec<(&str, &str)> = merged
            .workloads
            .iter()
            .map(|w| {
                (
                    w.chapter.as_str(),
                    w.rows[0].python.keys().next().unwrap().as_str(),
                )
            })
            .collect();
        assert_eq!(chapters, [("02", "new"), ("03", "old")]);
        let labels: Vec<&str> = merged
            .interpreters
            .iter()
            .map(|i| i.label.as_str())
            .collect();
        assert_eq!(labels, ["new", "old"]);
    }

    #[test]
    fn the_file_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/python.json");
        let written = results(vec![workload("05", "x")], vec![entry("x")]);
        written.write(&path).unwrap();
        assert_eq!(Results::read(&path), Some(written));
    }
}
