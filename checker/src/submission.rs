//! `grade --submission DIR`: a student's work graded inside a clean copy
//! of this course.
//!
//! Only the files a learner is meant to edit are taken from the
//! submission: in each exercise's crate, the folders `course.toml` names
//! in `[course] editable` (`["src"]`). Everything else, build scripts,
//! cargo configuration, toolchain files, the lock file, the checks, stale
//! build outputs, comes from the course the checker was built from, so
//! nothing else the submission holds is ever built, read or run. The files
//! outside the editable set that differ from the course's are listed in
//! the grade, and never used.
//!
//! The copy lives in `target/submission/tree` of the course and is updated
//! in place (a file is rewritten only when its bytes differ), and built in
//! `target/submission/target`, so that cargo rebuilds only what changed
//! from one graded submission to the next.

use crate::course::Course;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Folders never copied or compared: build outputs, version control, the
/// checker's own state.
const SKIPPED: &[&str] = &["target", ".git", ".checker", "node_modules"];

/// The largest editable file taken (a source file is kilobytes).
const MAX_FILE: u64 = 1024 * 1024;

/// The most files of one kind listed by name; the rest are counted.
pub const LISTED: usize = 50;

/// What was taken from a submission, and what was not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Submission {
    /// The submission's folder, as given.
    pub dir: PathBuf,
    /// Editable files taken from it.
    pub taken: usize,
    /// Files outside the editable set that differ from the course's, or
    /// that the course does not have: listed, not used.
    pub changed: Vec<String>,
    /// Files of the course outside the editable set that the submission
    /// does not have (not used either: the course's are).
    pub missing: usize,
    /// Editable entries not taken, and why (a link, a file too large).
    pub refused: Vec<String>,
}

/// Why a submission could not be prepared.
#[derive(Debug)]
pub enum SubmissionError {
    /// The folder does not exist or is not a folder.
    NotAFolder(PathBuf),
    /// Reading the submission or the course, or writing the copy, failed.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
}

impl fmt::Display for SubmissionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubmissionError::NotAFolder(dir) => {
                write!(f, "the submission {} is not a folder", dir.display())
            }
            SubmissionError::Io { path, source } => {
                write!(f, "could not copy {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for SubmissionError {}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SubmissionError + '_ {
    move |source| SubmissionError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Where the graded copy of `course` lives.
pub fn tree_dir(course: &Course) -> PathBuf {
    course.root.join("target").join("submission").join("tree")
}

/// Where the graded copy is built: a target folder of its own. (Not the
/// course's: cargo copies each binary to `target/debug/<name>`, so a
/// submission's `check_heartbeat` there would stand in for the course's
/// own, and the next grade of either would run the other's code.)
pub fn target_dir(course: &Course) -> PathBuf {
    course.root.join("target").join("submission").join("target")
}

/// The editable folders of `course`, relative to its root:
/// `exercises/<dir>/<editable>` for every exercise.
pub fn editable_dirs(course: &Course) -> Vec<String> {
    course
        .exercises
        .iter()
        .flat_map(|exercise| {
            course
                .info
                .editable
                .iter()
                .map(move |folder| format!("exercises/{}/{folder}", exercise.dir))
        })
        .collect()
}

/// Whether `relative` (with `/` separators) lies in one of `editable`.
pub fn is_editable(relative: &str, editable: &[String]) -> bool {
    editable.iter().any(|dir| {
        relative.len() > dir.len()
            && relative.starts_with(dir.as_str())
            && relative.as_bytes()[dir.len()] == b'/'
    })
}

/// Every regular file under `root` (relative, `/`-separated) with its
/// metadata taken without following links; symbolic links are returned
/// apart. Skips [`SKIPPED`] folders.
fn files(root: &Path) -> Result<(BTreeMap<String, PathBuf>, Vec<String>), SubmissionError> {
    let mut found = BTreeMap::new();
    let mut links = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(dir) = pending.pop() {
        let full = root.join(&dir);
        for entry in std::fs::read_dir(&full).map_err(io(&full))? {
            let entry = entry.map_err(io(&full))?;
            let name = entry.file_name();
            let relative = dir.join(&name);
            if SKIPPED.iter().any(|s| name == *s) {
                continue;
            }
            let kind = entry.file_type().map_err(io(&entry.path()))?;
            let slashed = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if kind.is_symlink() {
                links.push(slashed);
            } else if kind.is_dir() {
                pending.push(relative);
            } else if kind.is_file() {
                found.insert(slashed, entry.path());
            }
        }
    }
    Ok((found, links))
}

/// Makes `tree_dir(course)` hold the course with the submission's editable
/// files, and says what was taken and what was not.
pub fn prepare(
    course: &Course,
    submission: &Path,
) -> Result<(PathBuf, Submission), SubmissionError> {
    if !submission.is_dir() {
        return Err(SubmissionError::NotAFolder(submission.to_owned()));
    }
    let editable = editable_dirs(course);
    let (course_files, _) = files(&course.root)?;
    let (submitted, links) = files(submission)?;
    let mut report = Submission {
        dir: submission.to_owned(),
        ..Submission::default()
    };
    // The tree wanted: the course's files outside the editable set, and
    // the submission's inside it.
    let mut wanted: BTreeMap<String, PathBuf> = course_files
        .iter()
        .filter(|(relative, _)| !is_editable(relative, &editable))
        .map(|(r, p)| (r.clone(), p.clone()))
        .collect();
    for (relative, path) in &submitted {
        if is_editable(relative, &editable) {
            let size = std::fs::symlink_metadata(path).map_err(io(path))?.len();
            if size > MAX_FILE {
                report.refused.push(format!(
                    "{relative} ({size} bytes: larger than a source file can be)"
                ));
                continue;
            }
            wanted.insert(relative.clone(), path.clone());
            report.taken += 1;
        } else {
            let same = match course_files.get(relative) {
                Some(ours) => same_bytes(ours, path),
                None => false,
            };
            if !same {
                report.changed.push(relative.clone());
            }
        }
    }
    for link in links {
        if is_editable(&link, &editable) {
            report.refused.push(format!("{link} (a symbolic link)"));
        } else if !course_files.contains_key(&link) {
            report.changed.push(link);
        }
    }
    report.missing = course_files
        .keys()
        .filter(|r| !is_editable(r, &editable) && !submitted.contains_key(*r))
        .count();
    let tree = tree_dir(course);
    sync(&tree, &wanted)?;
    Ok((tree, report))
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    match (std::fs::read(a), std::fs::read(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Makes `tree` hold exactly `wanted` (relative path to source file):
/// writes a file only when its bytes differ, and removes every other file.
fn sync(tree: &Path, wanted: &BTreeMap<String, PathBuf>) -> Result<(), SubmissionError> {
    std::fs::create_dir_all(tree).map_err(io(tree))?;
    let (present, links) = files(tree)?;
    for stale in present
        .keys()
        .filter(|r| !wanted.contains_key(*r))
        .chain(links.iter())
    {
        let path = tree.join(stale);
        std::fs::remove_file(&path).map_err(io(&path))?;
    }
    for (relative, source) in wanted {
        let target = tree.join(relative);
        let bytes = std::fs::read(source).map_err(io(source))?;
        if std::fs::read(&target).is_ok_and(|old| old == bytes) {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&target, bytes).map_err(io(&target))?;
    }
    remove_empty_dirs(tree);
    Ok(())
}

/// Removes the empty folders under `dir` (left by removed files).
fn remove_empty_dirs(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir())
            && !SKIPPED.iter().any(|s| entry.file_name() == *s)
        {
            remove_empty_dirs(&entry.path());
            let _ = std::fs::remove_dir(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_an_editable_folder_are_editable() {
        let editable = vec!["exercises/03_threads/01_download/src".to_owned()];
        assert!(is_editable(
            "exercises/03_threads/01_download/src/lib.rs",
            &editable
        ));
        assert!(is_editable(
            "exercises/03_threads/01_download/src/a/b.rs",
            &editable
        ));
        assert!(!is_editable(
            "exercises/03_threads/01_download/src",
            &editable
        ));
        assert!(!is_editable(
            "exercises/03_threads/01_download/srcx/lib.rs",
            &editable
        ));
        assert!(!is_editable(
            "exercises/03_threads/01_download/build.rs",
            &editable
        ));
        assert!(!is_editable(
            "exercises/03_threads/01_download/Cargo.toml",
            &editable
        ));
    }
}
