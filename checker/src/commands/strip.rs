//! `strip-solutions`: for teachers. Makes this copy of the course the
//! template students get, without the answers: removes `solutions/`, the
//! workspace's member line for it, and the course's own CI and book
//! workflows (they test and publish with the solutions), then refreshes
//! `Cargo.lock` and `integrity.toml`, so that the workspace builds with
//! `--locked` and `grade` accepts the tree.

use crate::app::{App, Grade};
use crate::integrity::{MANIFEST_FILE, Manifest};
use anyhow::{Context, bail};
use std::io::Write;
use std::process::Command;

/// The workspace's member line for the solutions, as the course ships it.
const MEMBER_LINE: &str = "    \"solutions/*/*\",\n";

/// Workflows of the course's own development, which need the solutions.
const COURSE_WORKFLOWS: &[&str] = &[".github/workflows/ci.yml", ".github/workflows/pages.yml"];

/// `strip-solutions`.
pub fn strip_solutions(app: &App, out: &mut dyn Write) -> anyhow::Result<Grade> {
    let root = &app.course.root;
    let solutions = root.join("solutions");
    let manifest = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .with_context(|| format!("could not read {}", manifest.display()))?;
    if !solutions.exists() && !text.contains(MEMBER_LINE) {
        writeln!(out, "solutions/ is already gone: nothing to do")?;
        return Ok(Grade::Passed);
    }
    if !text.contains(MEMBER_LINE) {
        bail!(
            "{} has no member line `{}`: take the solutions out of its members by hand, then run this again",
            manifest.display(),
            MEMBER_LINE.trim().trim_end_matches(',')
        );
    }
    let crates = std::fs::read_dir(&solutions)
        .map(|chapters| {
            chapters
                .flatten()
                .filter_map(|c| std::fs::read_dir(c.path()).ok())
                .map(|dirs| dirs.flatten().count())
                .sum::<usize>()
        })
        .unwrap_or(0);
    if solutions.exists() {
        std::fs::remove_dir_all(&solutions)
            .with_context(|| format!("could not remove {}", solutions.display()))?;
    }
    std::fs::write(&manifest, text.replacen(MEMBER_LINE, "", 1))
        .with_context(|| format!("could not write {}", manifest.display()))?;
    writeln!(
        out,
        "removed solutions/ ({crates} crates) and its line in Cargo.toml's members"
    )?;
    for workflow in COURSE_WORKFLOWS {
        let path = root.join(workflow);
        if path.exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("could not remove {}", path.display()))?;
            writeln!(
                out,
                "removed {workflow} (the course's own; it needs the solutions)"
            )?;
        }
    }
    // Cargo drops the removed packages from the lock file and keeps every
    // other version as it was: nothing is resolved anew.
    let status = Command::new(&app.cargo)
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--offline"])
        .stdout(std::process::Stdio::null())
        .status()
        .context("could not run cargo to refresh Cargo.lock")?;
    if !status.success() {
        bail!(
            "cargo could not refresh Cargo.lock ({status}); the workspace is not buildable as it is"
        );
    }
    writeln!(out, "refreshed Cargo.lock")?;
    let manifest = Manifest::compute(&app.course)?;
    manifest.write(root)?;
    writeln!(
        out,
        "wrote {MANIFEST_FILE}: {} protected files",
        manifest.files.len()
    )?;
    writeln!(
        out,
        "Commit all of it (git add -A && git commit) in the template repository; keep the solutions in your own copy, where `cargo test` needs them."
    )?;
    Ok(Grade::Passed)
}
