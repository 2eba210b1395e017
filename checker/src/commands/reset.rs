//! `reset <name>`: puts an exercise's `src/` back as git has it. Every file
//! that would change is first copied to `.checker/backups/<name>-<stamp>/`.

use crate::app::{App, Grade};
use crate::timestamp::UtcTime;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a reset could not be done. Nothing was overwritten.
#[derive(Debug)]
pub enum ResetError {
    /// git could not be started.
    NoGit(std::io::Error),
    /// The course is not inside a git checkout.
    NotACheckout {
        /// The course root.
        root: PathBuf,
    },
    /// The revision does not exist.
    UnknownRevision {
        /// The revision asked for.
        rev: String,
    },
    /// git has no files under the exercise's `src/` at that revision.
    NotInGit {
        /// The folder, relative to the course root.
        dir: PathBuf,
        /// The revision.
        rev: String,
    },
    /// git failed in another way.
    Git {
        /// The command.
        args: String,
        /// Its standard error.
        stderr: String,
    },
    /// A file could not be written.
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl fmt::Display for ResetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResetError::NoGit(err) => write!(f, "reset needs git, which could not be run: {err}"),
            ResetError::NotACheckout { root } => write!(
                f,
                "{} is not a git checkout, so reset has nothing to restore from (clone the course with git to use it)",
                root.display()
            ),
            ResetError::UnknownRevision { rev } => {
                write!(f, "git knows no revision `{rev}`")
            }
            ResetError::NotInGit { dir, rev } => write!(
                f,
                "git has no files under {} at {rev}: was the exercise committed?",
                dir.display()
            ),
            ResetError::Git { args, stderr } => write!(f, "`git {args}` failed: {}", stderr.trim()),
            ResetError::Write { path, source } => {
                write!(f, "could not write {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for ResetError {}

fn git(dir: &Path, args: &[&str]) -> Result<Result<Vec<u8>, String>, ResetError> {
    let output = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(ResetError::NoGit)?;
    Ok(if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    })
}

fn git_ok(dir: &Path, args: &[&str]) -> Result<Vec<u8>, ResetError> {
    git(dir, args)?.map_err(|stderr| ResetError::Git {
        args: args.join(" "),
        stderr,
    })
}

/// `reset <name> [--from <rev>]`.
pub fn reset(app: &App, out: &mut dyn Write, name: &str, rev: &str) -> anyhow::Result<Grade> {
    let exercise = &app.course.exercises[app.index_of(name)?];
    let root = &app.course.root;
    let top = match git(root, &["rev-parse", "--show-toplevel"])? {
        Ok(stdout) => PathBuf::from(String::from_utf8_lossy(&stdout).trim()),
        Err(_) => return Err(ResetError::NotACheckout { root: root.clone() }.into()),
    };
    let top = top.canonicalize().unwrap_or(top);
    let commit = format!("{rev}^{{commit}}");
    if git(&top, &["rev-parse", "--verify", "--quiet", &commit])?.is_err() {
        return Err(ResetError::UnknownRevision {
            rev: rev.to_owned(),
        }
        .into());
    }
    let src = exercise.exercise_dir().join("src");
    let in_repo = root.strip_prefix(&top).unwrap_or(Path::new("")).join(&src);
    let listed = git_ok(
        &top,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            rev,
            "--",
            &in_repo.to_string_lossy(),
        ],
    )?;
    let files: Vec<String> = listed
        .split(|&b| b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| String::from_utf8_lossy(name).into_owned())
        .collect();
    if files.is_empty() {
        return Err(ResetError::NotInGit {
            dir: src,
            rev: rev.to_owned(),
        }
        .into());
    }

    // Work out every change before touching anything.
    let mut changes = Vec::new();
    for file in &files {
        let original = git_ok(&top, &["cat-file", "blob", &format!("{rev}:{file}")])?;
        let path = top.join(file);
        let current = std::fs::read(&path).ok();
        if current.as_deref() != Some(original.as_slice()) {
            let relative = path.strip_prefix(root).unwrap_or(&path).to_owned();
            changes.push((relative, current, original));
        }
    }
    if changes.is_empty() {
        writeln!(
            out,
            "{} already matches {rev}: nothing to reset.",
            src.display()
        )?;
        return Ok(Grade::Passed);
    }

    // Never lose the learner's work: back up first, overwrite after.
    let backup_dir = crate::state::shown(
        root,
        &crate::state::state_dir(root).join("backups").join(format!(
            "{}-{}",
            exercise.name,
            UtcTime::now().compact()
        )),
    );
    let write = |path: &Path, bytes: &[u8]| -> Result<(), ResetError> {
        let error = |source| ResetError::Write {
            path: path.to_owned(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(error)?;
        }
        std::fs::write(path, bytes).map_err(error)
    };
    let mut backed_up = 0;
    for (relative, current, _) in &changes {
        if let Some(current) = current {
            write(&root.join(&backup_dir).join(relative), current)?;
            backed_up += 1;
        }
    }
    if backed_up > 0 {
        let shown = app.style.path(root, &backup_dir);
        writeln!(
            out,
            "Kept your version of {backed_up} changed file(s) in {shown}/"
        )?;
    }
    for (relative, _, original) in &changes {
        write(&root.join(relative), original)?;
        writeln!(
            out,
            "  restored {} from {rev}",
            app.style.path(root, relative)
        )?;
    }
    Ok(Grade::Passed)
}
