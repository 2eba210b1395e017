//! What running cannot show, reading can: the source rules against the real
//! course. Every source-rule fixture kept beside a solution, read as if it
//! were the learner's `src/lib.rs` with the rules `course.toml` gives its
//! exercise, fails on its evidence with its diagnosis; and no file of any
//! solution's or exercise's `src/` is flagged, with its own rules or with
//! every rule.

use source_rules::{Family, Rules, scan_crate, scan_source};
use std::path::{Path, PathBuf};

/// The fixtures the source rules, not a run, must fail: path under
/// `solutions/`, the family (so the evidence), and words its findings say.
const FIXTURES: &[(&str, Family, &str)] = &[
    (
        "04_parallelism/01_map_reduce/wrong/path_to_the_solution.rs",
        Family::OwnWork,
        "`#[path = \"../../../../solutions/04_parallelism/01_map_reduce/src/lib.rs\"]` loads solutions/04_parallelism/01_map_reduce/src/lib.rs, outside your crate's `src/`",
    ),
    (
        "04_parallelism/01_map_reduce/wrong/one_core_by_override.rs",
        Family::OwnWork,
        "`#[no_mangle]` places a symbol or code for the linker",
    ),
    (
        "03_threads/02_lost_updates/wrong/include_the_solution.rs",
        Family::OwnWork,
        "`include!` of solutions/03_threads/02_lost_updates/src/lib.rs, outside your crate's `src/`",
    ),
    (
        "03_threads/02_lost_updates/wrong/relaxed_spin_lock.rs",
        Family::MemoryOrdering,
        "`locked.compare_exchange_weak(.., Relaxed)` takes the lock with Relaxed",
    ),
    (
        "02_gil/01_build_a_gil/wrong/relaxed_flag.rs",
        Family::MemoryOrdering,
        "`held.swap(.., Relaxed)` takes the lock with Relaxed",
    ),
];

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the checker lives in the course's workspace")
        .canonicalize()
        .unwrap()
}

/// Each exercise's `dir` and the rules `course.toml` gives it.
fn exercises() -> Vec<(String, Rules)> {
    course_model::Course::load(&course_root())
        .unwrap()
        .exercises
        .into_iter()
        .map(|e| {
            let rules = Rules {
                memory_ordering: e.reads_for(course_model::SourceRule::MemoryOrdering),
            };
            (e.dir, rules)
        })
        .collect()
}

#[test]
fn the_lock_exercises_are_read_for_memory_ordering() {
    let locks: Vec<String> = exercises()
        .into_iter()
        .filter(|(_, rules)| rules.memory_ordering)
        .map(|(dir, _)| dir)
        .collect();
    assert_eq!(
        locks,
        ["02_gil/01_build_a_gil", "03_threads/02_lost_updates"]
    );
}

#[test]
fn every_source_rule_fixture_fails_on_its_evidence() {
    let root = course_root();
    let exercises = exercises();
    let mut wrong = Vec::new();
    for (path, family, words) in FIXTURES {
        let dir = path.split("/wrong/").next().unwrap();
        let rules = exercises
            .iter()
            .find(|(d, _)| d == dir)
            .unwrap_or_else(|| panic!("{path}: no exercise in {dir}"))
            .1;
        let fixture = root.join("solutions").join(path);
        let text = std::fs::read_to_string(&fixture).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let number = match family {
            Family::OwnWork => "7",
            Family::MemoryOrdering => "9",
        };
        if !first.starts_with(&format!("//! Family {number} (")) {
            wrong.push(format!(
                "{path}: first line does not name family {number}: {first}"
            ));
        }
        // Read where the learner would have written it.
        let crate_root = root.join("exercises").join(dir);
        let findings = scan_source(&text, &crate_root.join("src/lib.rs"), &crate_root, rules);
        let shown: Vec<String> = findings
            .iter()
            .map(|f| {
                format!("{} {}", f.family.evidence(), f)
                    .replace(&format!("{}/", root.display()), "")
            })
            .collect();
        if !findings.iter().any(|f| f.family == *family) {
            wrong.push(format!(
                "{path}: no `{}` finding: {shown:#?}",
                family.evidence()
            ));
        } else if !shown.iter().any(|s| s.contains(words)) {
            wrong.push(format!("{path}: no finding says {words:?}: {shown:#?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_relaxed_locks_made_seqcst_are_right() {
    let root = course_root();
    let rules = Rules {
        memory_ordering: true,
    };
    for (path, family, _) in FIXTURES {
        if *family != Family::MemoryOrdering {
            continue;
        }
        let dir = path.split("/wrong/").next().unwrap();
        let text = std::fs::read_to_string(root.join("solutions").join(path))
            .unwrap()
            .replace("Ordering::Relaxed", "Ordering::SeqCst");
        let crate_root = root.join("exercises").join(dir);
        let findings = scan_source(&text, &crate_root.join("src/lib.rs"), &crate_root, rules);
        assert!(findings.is_empty(), "{path} with SeqCst: {findings:#?}");
    }
}

#[test]
fn the_diagnoses_say_what_to_do() {
    let own = Family::OwnWork.diagnosis();
    assert!(own.contains("outside its own crate"), "{own}");
    let ordering = Family::MemoryOrdering.diagnosis();
    for words in [
        "x86",
        "TSO",
        "seems to work",
        "the compiler may move",
        "ARM machines (Apple silicon, phones, many cloud servers)",
        "`Ordering::Acquire` when taking the lock",
        "`Ordering::Release` when giving it back",
    ] {
        assert!(ordering.contains(words), "{words:?} not in: {ordering}");
    }
}

#[test]
fn no_solution_and_no_exercise_is_flagged() {
    let root = course_root();
    let every_rule = Rules {
        memory_ordering: true,
    };
    let mut flagged = Vec::new();
    let exercises = exercises();
    assert!(exercises.len() >= 20, "{} exercises", exercises.len());
    for (dir, rules) in &exercises {
        for kind in ["solutions", "exercises"] {
            let crate_root = root.join(kind).join(dir);
            assert!(crate_root.join("src").is_dir(), "{}", crate_root.display());
            flagged.extend(scan_crate(&crate_root, *rules));
            flagged.extend(scan_crate(&crate_root, every_rule));
        }
    }
    assert!(flagged.is_empty(), "{flagged:#?}");
}
