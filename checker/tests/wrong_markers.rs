//! Every wrong-but-tempting fixture (`solutions/NN_topic/NN_name/wrong/`)
//! marks its mistake in place: each Rust file has at least one line with a
//! `// Wrong:` comment, so a reader sees what is wrong without diffing it
//! against the solution (issue 16).

use std::fs;
use std::path::{Path, PathBuf};

/// The marker a wrong Rust file must hold on at least one line.
const MARKER: &str = "// Wrong:";

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the checker lives in the course's workspace")
        .to_path_buf()
}

/// Every file under `dir`, however deep, in a stable order.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The Rust files in `solutions/*/*/wrong/` under `solutions`.
fn wrong_rust_files(solutions: &Path) -> Vec<PathBuf> {
    let mut wrong = Vec::new();
    for chapter in subdirs(solutions) {
        for exercise in subdirs(&chapter) {
            let dir = exercise.join("wrong");
            if dir.is_dir() {
                wrong.extend(
                    files_under(&dir)
                        .into_iter()
                        .filter(|f| f.extension().is_some_and(|e| e == "rs")),
                );
            }
        }
    }
    wrong
}

/// The folders directly in `dir`, sorted.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The wrong Rust files under `solutions` with no `// Wrong:` line, shown
/// relative to `solutions`' parent.
fn unmarked(solutions: &Path) -> Vec<String> {
    let root = solutions.parent().unwrap_or(solutions);
    wrong_rust_files(solutions)
        .into_iter()
        .filter(|file| {
            let text =
                fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            !text.lines().any(|line| line.contains(MARKER))
        })
        .map(|file| {
            file.strip_prefix(root)
                .unwrap_or(&file)
                .display()
                .to_string()
        })
        .collect()
}

#[test]
fn every_wrong_fixture_marks_its_mistake() {
    let solutions = course_root().join("solutions");
    let count = wrong_rust_files(&solutions).len();
    assert!(
        count >= 100,
        "only {count} wrong fixtures found: wrong folder?"
    );
    let missing = unmarked(&solutions);
    assert!(
        missing.is_empty(),
        "{} wrong fixture(s) have no `{MARKER} <what is wrong and why it is tempting>` \
         comment above the changed lines:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn a_fixture_without_a_marker_is_named() {
    let course = tempfile::tempdir().unwrap();
    let wrong = course.path().join("solutions/01_topic/01_name/wrong");
    fs::create_dir_all(&wrong).unwrap();
    fs::write(
        wrong.join("marked.rs"),
        "//! Wrong: a header alone is not the mark.\n\
         // Wrong: the mistake, and why it tempts\n\
         fn f() {}\n",
    )
    .unwrap();
    fs::write(
        wrong.join("header_only.rs"),
        "//! Wrong: a header alone is not the mark.\nfn f() {}\n",
    )
    .unwrap();
    fs::write(wrong.join("notes.txt"), "not Rust: not read\n").unwrap();
    assert_eq!(
        unmarked(&course.path().join("solutions")),
        ["solutions/01_topic/01_name/wrong/header_only.rs"]
    );
}
