//! The references stay out of a learner's reach: no exercise or solution
//! crate depends on this crate, and `checks`, which does, re-exports
//! nothing of it.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `Cargo.toml` two folders below `dir` (`dir/NN_topic/NN_name`).
fn crate_manifests(dir: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for topic in std::fs::read_dir(workspace().join(dir)).unwrap() {
        let topic = topic.unwrap().path();
        if !topic.is_dir() {
            continue;
        }
        for name in std::fs::read_dir(&topic).unwrap() {
            let manifest = name.unwrap().path().join("Cargo.toml");
            if manifest.is_file() {
                found.push(manifest);
            }
        }
    }
    found
}

#[test]
fn no_exercise_or_solution_crate_depends_on_the_references() {
    let manifests: Vec<PathBuf> = ["exercises", "solutions"]
        .iter()
        .flat_map(|dir| crate_manifests(dir))
        .collect();
    assert!(manifests.len() >= 44, "{} crates found", manifests.len());
    for manifest in manifests {
        let text = std::fs::read_to_string(&manifest).unwrap();
        assert!(
            !text
                .lines()
                .any(|l| l.trim_start().starts_with("references")),
            "{} depends on the references",
            manifest.display()
        );
    }
}

#[test]
fn checks_re_exports_nothing_of_the_references() {
    let dir = workspace().join("crates/checks/src");
    let mut read = 0;
    for file in std::fs::read_dir(dir).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            read += 1;
            for (n, line) in text.lines().enumerate() {
                let line = line.trim_start();
                assert!(
                    !(line.starts_with("pub use references")
                        || line.starts_with("pub extern crate references")),
                    "{}:{}: re-exports the references",
                    path.display(),
                    n + 1
                );
            }
        }
    }
    assert!(read > 20, "read {read} files");
}
