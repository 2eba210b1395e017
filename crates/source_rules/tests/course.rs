//! The rules against the course itself: every source-rule fixture kept
//! beside a solution is found, on its evidence and with its diagnosis, and
//! no solution or exercise crate is (each read with every rule, the lock
//! rule included, whichever exercises it applies to).

use source_rules::{Family, Rules, scan_crate};
use std::path::{Path, PathBuf};

/// The course root: this crate is `crates/source_rules`.
fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

const EVERY_RULE: Rules = Rules {
    memory_ordering: true,
};

/// Every crate folder `<kind>/<topic>/<exercise>`.
fn crates(kind: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for topic in std::fs::read_dir(course().join(kind)).unwrap() {
        let topic = topic.unwrap().path();
        if !topic.is_dir() {
            continue;
        }
        for exercise in std::fs::read_dir(&topic).unwrap() {
            let exercise = exercise.unwrap().path();
            if exercise.join("Cargo.toml").is_file() {
                found.push(exercise);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn no_solution_and_no_exercise_is_flagged() {
    let mut flagged = Vec::new();
    let mut read = 0;
    for dir in crates("solutions").into_iter().chain(crates("exercises")) {
        read += 1;
        flagged.extend(scan_crate(&dir, EVERY_RULE));
    }
    assert!(read >= 40, "only {read} crates found");
    assert!(flagged.is_empty(), "{flagged:#?}");
}
