//! A copy of the course made of the files git tracks: what a fresh clone
//! holds, plus the working tree's edits to those files. The course's own
//! tests work on such a copy (adding an exercise with `dev new`, serving
//! the live book, stripping the solutions) so they never touch the real
//! one.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The files git tracks in the course at `root`, relative to it, leaving
/// out those deleted in the working tree. `None` where `root` is not a git
/// checkout or git cannot be run.
pub fn tracked_files(root: &Path) -> Option<Vec<PathBuf>> {
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let files = listed
        .stdout
        .split(|b| *b == 0)
        .filter(|f| !f.is_empty())
        .filter_map(|f| std::str::from_utf8(f).ok())
        .map(PathBuf::from)
        .filter(|f| root.join(f).is_file())
        .collect();
    Some(files)
}

/// Copies the tracked files of the course at `root` into `into`, keeping
/// their paths. `Ok(false)`, copying nothing, where the course is not a
/// git checkout (its files cannot be told from build output).
pub fn copy_tracked(root: &Path, into: &Path) -> io::Result<bool> {
    let Some(files) = tracked_files(root) else {
        return Ok(false);
    };
    for file in files {
        let to = into.join(&file);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(root.join(&file), &to)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(dir: &Path, args: &[&str]) -> bool {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .is_ok_and(|o| o.status.success())
    }

    #[test]
    fn only_tracked_files_are_copied_with_their_edits() {
        let course = tempfile::tempdir().unwrap();
        let root = course.path();
        if !git(root, &["init", "-q"]) {
            eprintln!("SKIPPED: git cannot be run here");
            return;
        }
        std::fs::create_dir_all(root.join("src/deep")).unwrap();
        std::fs::write(root.join("src/deep/kept.md"), "tracked").unwrap();
        std::fs::write(root.join("gone.md"), "tracked, then deleted").unwrap();
        assert!(git(root, &["add", "src", "gone.md"]));
        std::fs::write(root.join("src/deep/kept.md"), "edited").unwrap();
        std::fs::remove_file(root.join("gone.md")).unwrap();
        std::fs::write(root.join("untracked.txt"), "build output").unwrap();

        let into = tempfile::tempdir().unwrap();
        assert!(copy_tracked(root, into.path()).unwrap());
        assert_eq!(
            std::fs::read_to_string(into.path().join("src/deep/kept.md")).unwrap(),
            "edited"
        );
        assert!(!into.path().join("gone.md").exists());
        assert!(!into.path().join("untracked.txt").exists());

        let not_a_checkout = tempfile::tempdir().unwrap();
        let nothing = tempfile::tempdir().unwrap();
        // A temporary folder may sit inside some checkout; only say "not
        // copied" where git itself says there is none.
        if !git(not_a_checkout.path(), &["rev-parse", "--git-dir"]) {
            assert!(!copy_tracked(not_a_checkout.path(), nothing.path()).unwrap());
        }
    }
}
