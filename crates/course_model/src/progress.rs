//! The learner's progress in `.checker/progress.json`: the current exercise,
//! and per exercise its status, hints shown and last result. Written
//! atomically; an unreadable file is kept aside and progress starts afresh.

use crate::Course;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The version of the progress format.
pub const FORMAT_VERSION: u32 = 1;

/// The progress file's name, in the checker's state folder.
pub const PROGRESS_FILE: &str = "progress.json";

/// The progress file of the course at `root`.
pub fn progress_path(root: &Path) -> PathBuf {
    crate::state::state_dir(root).join(PROGRESS_FILE)
}

/// How a check run ended, in one word: what the progress file and the
/// checker's JSON output record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// The report passed.
    Pass,
    /// The report passed but speed could not be measured.
    Inconclusive,
    /// Nothing failed, but the machine could not show part of the work
    /// (see `verdict::Verdict::NotJudged`): done for now, no points.
    NotJudged,
    /// The report failed.
    Fail,
    /// The report says the learner's code still has its `todo!()`.
    NotStarted,
    /// The crate did not compile.
    CompileError,
    /// The check crashed.
    Crashed,
    /// The check hung.
    TimedOut,
    /// The check went past a limit on output, memory or processes.
    Stopped,
    /// The report was not sealed by this run's check harness.
    NotTrusted,
}

impl OutcomeKind {
    /// Whether this lets the learner go on (inconclusive speed counts, and
    /// so does work this machine could not judge).
    pub fn is_done(self) -> bool {
        matches!(
            self,
            OutcomeKind::Pass | OutcomeKind::Inconclusive | OutcomeKind::NotJudged
        )
    }

    /// Whether this earns the exercise's points: passed, speed aside.
    pub fn earns_points(self) -> bool {
        matches!(self, OutcomeKind::Pass | OutcomeKind::Inconclusive)
    }
}

/// Where an exercise stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Never run, or still an untouched `todo!()`.
    #[default]
    NotStarted,
    /// Run, not passed yet.
    Attempted,
    /// Passed once: done stays done.
    Done,
}

impl Status {
    /// `done`, `attempted`, `not started`.
    pub fn word(self) -> &'static str {
        match self {
            Status::NotStarted => "not started",
            Status::Attempted => "attempted",
            Status::Done => "done",
        }
    }
}

/// One exercise's progress.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExerciseProgress {
    /// Where it stands.
    pub status: Status,
    /// How many hints were revealed.
    #[serde(default)]
    pub hints_shown: usize,
    /// The result of the last run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_verdict: Option<OutcomeKind>,
    /// When it last ran, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run: Option<String>,
}

/// The whole progress file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// The exercise the learner is on.
    #[serde(default)]
    pub current: Option<String>,
    /// Per exercise name.
    #[serde(default)]
    pub exercises: BTreeMap<String, ExerciseProgress>,
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            format_version: FORMAT_VERSION,
            current: None,
            exercises: BTreeMap::new(),
        }
    }
}

/// The progress file was unreadable and was set aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// The file, relative to the course root when it is inside it.
    pub file: PathBuf,
    /// Why it could not be read.
    pub reason: String,
    /// Where the old file was kept, relative to the course root.
    pub kept_at: Option<PathBuf>,
}

impl fmt::Display for Recovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "progress file {} was unreadable ({})",
            self.file.display(),
            self.reason
        )?;
        match &self.kept_at {
            Some(path) => write!(f, "; kept a copy at {} and started afresh", path.display()),
            None => write!(f, "; started afresh"),
        }
    }
}

/// The progress file could not be written.
#[derive(Debug)]
pub struct SaveError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not save progress to {}: {}",
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for SaveError {}

impl Progress {
    /// Reads the progress of the course at `root`, keeping only exercises the
    /// course still has. A missing file is a fresh start; an unreadable one
    /// is renamed to `progress.json.corrupt-<stamp>` and reported.
    pub fn load(course: &Course, stamp: &str) -> (Progress, Option<Recovered>) {
        let path = progress_path(&course.root);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return (Progress::default(), None);
            }
            Err(err) => {
                return (
                    Progress::default(),
                    Some(set_aside(&course.root, &path, stamp, err.to_string())),
                );
            }
        };
        let parsed = serde_json::from_str::<Progress>(&text)
            .map_err(|err| err.to_string())
            .and_then(|progress| {
                if progress.format_version == FORMAT_VERSION {
                    Ok(progress)
                } else {
                    Err(format!(
                        "format_version {}, expected {FORMAT_VERSION}",
                        progress.format_version
                    ))
                }
            });
        match parsed {
            Ok(mut progress) => {
                progress
                    .exercises
                    .retain(|name, _| course.exercise(name).is_some());
                if progress
                    .current
                    .as_deref()
                    .is_some_and(|name| course.exercise(name).is_none())
                {
                    progress.current = None;
                }
                (progress, None)
            }
            Err(reason) => (
                Progress::default(),
                Some(set_aside(&course.root, &path, stamp, reason)),
            ),
        }
    }

    /// Writes the file atomically: a temporary file in the same folder,
    /// flushed to disk, then renamed over the old one.
    pub fn save(&self, root: &Path) -> Result<(), SaveError> {
        let path = progress_path(root);
        let error = |source| SaveError {
            path: path.clone(),
            source,
        };
        let dir = path.parent().expect("the progress file is in a folder");
        std::fs::create_dir_all(dir).map_err(error)?;
        let temp = dir.join(format!("progress.json.tmp-{}", std::process::id()));
        let mut json = serde_json::to_string_pretty(self).expect("progress always serialises");
        json.push('\n');
        let written = (|| {
            let mut file = std::fs::File::create(&temp)?;
            file.write_all(json.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&temp, &path)?;
            // Make the rename itself durable.
            std::fs::File::open(dir)?.sync_all()
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written.map_err(error)
    }

    /// The progress of `name` (default when never seen).
    pub fn of(&self, name: &str) -> ExerciseProgress {
        self.exercises.get(name).cloned().unwrap_or_default()
    }

    /// The status of `name`.
    pub fn status(&self, name: &str) -> Status {
        self.exercises
            .get(name)
            .map(|e| e.status)
            .unwrap_or_default()
    }

    /// Records a run of `name` that ended as `kind` at `when`.
    pub fn record(&mut self, name: &str, kind: OutcomeKind, when: String) {
        let entry = self.exercises.entry(name.to_owned()).or_default();
        entry.last_verdict = Some(kind);
        entry.last_run = Some(when);
        entry.status = match (entry.status, kind) {
            (Status::Done, _) => Status::Done,
            (_, kind) if kind.is_done() => Status::Done,
            (status, OutcomeKind::NotStarted) => status,
            _ => Status::Attempted,
        };
    }

    /// Reveals one more hint of `name`, up to `available`; returns how many
    /// are shown now.
    pub fn reveal_hint(&mut self, name: &str, available: usize) -> usize {
        let entry = self.exercises.entry(name.to_owned()).or_default();
        entry.hints_shown = (entry.hints_shown + 1).min(available);
        entry.hints_shown
    }

    /// Exercises done, and the points they bring.
    pub fn score(&self, course: &Course) -> (usize, u32) {
        course
            .exercises
            .iter()
            .filter(|e| self.status(&e.name) == Status::Done)
            .fold((0, 0), |(n, points), e| (n + 1, points + e.points))
    }

    /// The index of the current exercise: the recorded one, else the first
    /// not done, else the first.
    pub fn current_index(&self, course: &Course) -> usize {
        self.current
            .as_deref()
            .and_then(|name| course.exercise(name))
            .map(|(i, _)| i)
            .or_else(|| {
                course
                    .exercises
                    .iter()
                    .position(|e| self.status(&e.name) != Status::Done)
            })
            .unwrap_or(0)
    }
}

impl Progress {
    /// The first exercise after `from` (wrapping around) that is not done.
    pub fn next_not_done(&self, course: &Course, from: usize) -> Option<usize> {
        let count = course.exercises.len();
        (1..=count)
            .map(|step| (from + step) % count)
            .find(|&i| self.status(&course.exercises[i].name) != Status::Done)
    }
}

/// Renames an unreadable progress file out of the way.
fn set_aside(root: &Path, path: &Path, stamp: &str, reason: String) -> Recovered {
    let aside = path.with_file_name(format!("{PROGRESS_FILE}.corrupt-{stamp}"));
    let kept_at = std::fs::rename(path, &aside)
        .ok()
        .map(|()| crate::state::shown(root, &aside));
    Recovered {
        file: crate::state::shown(root, path),
        reason,
        kept_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course(root: &Path) -> Course {
        let text = r#"
format_version = 1
[course]
title = "T"
timeout_secs = 5
[[exercise]]
name = "one"
dir = "01_a/01_one"
title = "One"
points = 10
[[exercise]]
name = "two"
dir = "01_a/02_two"
title = "Two"
points = 5
"#;
        Course::parse(root.to_owned(), text).unwrap()
    }

    #[test]
    fn saves_and_loads_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let course = course(dir.path());
        let mut progress = Progress {
            current: Some("two".into()),
            ..Progress::default()
        };
        progress.record("one", OutcomeKind::Pass, "2024-01-01T00:00:00Z".into());
        progress.save(dir.path()).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join(".checker"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(files, ["progress.json"], "no temporary file is left");
        let (loaded, recovered) = Progress::load(&course, "stamp");
        assert_eq!(recovered, None);
        assert_eq!(loaded, progress);
        assert_eq!(loaded.score(&course), (1, 10));
        assert_eq!(loaded.current_index(&course), 1);
    }

    #[test]
    fn a_corrupt_file_is_kept_aside_and_progress_starts_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let course = course(dir.path());
        std::fs::create_dir_all(dir.path().join(".checker")).unwrap();
        std::fs::write(progress_path(dir.path()), "{ not json").unwrap();
        let (progress, recovered) = Progress::load(&course, "20240101T000000Z");
        assert_eq!(progress, Progress::default());
        let recovered = recovered.unwrap();
        assert_eq!(
            recovered.kept_at.as_deref(),
            Some(Path::new(".checker/progress.json.corrupt-20240101T000000Z"))
        );
        assert!(recovered.to_string().starts_with(
            "progress file .checker/progress.json was unreadable (key must be a string"
        ));
        let kept = dir
            .path()
            .join(".checker/progress.json.corrupt-20240101T000000Z");
        assert_eq!(std::fs::read_to_string(kept).unwrap(), "{ not json");
        assert!(!progress_path(dir.path()).exists());
    }

    #[test]
    fn another_version_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let course = course(dir.path());
        std::fs::create_dir_all(dir.path().join(".checker")).unwrap();
        std::fs::write(progress_path(dir.path()), r#"{"format_version": 9}"#).unwrap();
        let (_, recovered) = Progress::load(&course, "s");
        assert!(recovered.unwrap().reason.contains("format_version 9"));
    }

    #[test]
    fn exercises_gone_from_the_course_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let course = course(dir.path());
        let mut progress = Progress {
            current: Some("gone".into()),
            ..Progress::default()
        };
        progress.record("gone", OutcomeKind::Pass, "t".into());
        progress.record("two", OutcomeKind::Fail, "t".into());
        progress.save(dir.path()).unwrap();
        let (loaded, _) = Progress::load(&course, "s");
        assert_eq!(loaded.current, None);
        assert_eq!(loaded.exercises.keys().collect::<Vec<_>>(), ["two"]);
        assert_eq!(loaded.status("two"), Status::Attempted);
        assert_eq!(loaded.current_index(&course), 0);
        assert_eq!(loaded.next_not_done(&course, 1), Some(0));
        assert_eq!(loaded.next_not_done(&course, 0), Some(1));
    }

    #[test]
    fn done_stays_done_and_todo_is_not_an_attempt() {
        let mut progress = Progress::default();
        progress.record("one", OutcomeKind::NotStarted, "t".into());
        assert_eq!(progress.status("one"), Status::NotStarted);
        progress.record("one", OutcomeKind::Inconclusive, "t".into());
        progress.record("one", OutcomeKind::CompileError, "t".into());
        assert_eq!(progress.status("one"), Status::Done);
        assert_eq!(
            progress.of("one").last_verdict,
            Some(OutcomeKind::CompileError)
        );
        assert_eq!(progress.reveal_hint("one", 2), 1);
        assert_eq!(progress.reveal_hint("one", 2), 2);
        assert_eq!(progress.reveal_hint("one", 2), 2);
    }
}
