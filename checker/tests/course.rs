//! The real course, through the real checker: every solution passes its
//! checks and earns full points, every exercise as it ships fails them for
//! the reason it is meant to (a `todo!()`, or the bug the learner is asked
//! to fix; never a compile error) and earns none, and the committed
//! integrity manifest matches the files it protects.
//!
//! An exercise the learner has already edited is skipped, with a message,
//! so that `cargo test` stays green in a learner's own clone.

use std::path::{Path, PathBuf};
use std::process::Command as Std;
use std::sync::Mutex;

use assert_cmd::Command;
use serde_json::Value;

/// The checks measure time: the two tests take turns.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the checker lives in the course's workspace")
        .to_path_buf()
}

/// Runs `checker verify <args> --format json` on the course, with progress
/// kept in a temporary folder, and returns its rows.
fn verify(args: &[&str]) -> Vec<Value> {
    let state = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("checker")
        .unwrap()
        .arg("--course")
        .arg(course_root())
        .arg("verify")
        .args(args)
        .args(["--format", "json"])
        .env("CHECKER_STATE_DIR", state.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "verify printed no JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Runs `checker grade <args> --format json` on the course and returns
/// GitHub Classroom's result object.
fn grade(args: &[&str]) -> Value {
    let state = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("checker")
        .unwrap()
        .arg("--course")
        .arg(course_root())
        .arg("grade")
        .args(args)
        .args(["--format", "json"])
        .env("CHECKER_STATE_DIR", state.path())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "grade printed no JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// The exercise folders as `course.toml` lists them, by name.
fn exercise_dirs() -> Vec<(String, String)> {
    exercises().into_iter().map(|e| (e.name, e.dir)).collect()
}

/// The exercises as `course.toml` lists them.
fn exercises() -> Vec<course_model::Exercise> {
    course_model::Course::load(&course_root())
        .unwrap()
        .exercises
}

/// Whether git says the exercise differs from the committed version (a
/// learner's work). Outside a git checkout nothing counts as edited.
fn edited(dir: &str) -> bool {
    let path = format!("exercises/{dir}");
    Std::new("git")
        .args(["diff", "--quiet", "HEAD", "--", &path])
        .current_dir(course_root())
        .status()
        .map(|s| s.code() == Some(1))
        .unwrap_or(false)
}

#[test]
fn every_solution_passes_its_checks_for_full_points() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let result = grade(&["--solutions"]);
    let tests = result["tests"].as_array().unwrap();
    assert_eq!(tests.len(), exercise_dirs().len(), "one test per exercise");
    // A pass (speed may be not measured) earns every point; on a machine
    // too busy to show the work, "not judged" earns none but is the
    // machine's error, never the solution's failure.
    let mut not_judged = 0;
    for test in tests {
        let passed = test["status"] == "pass" && test["score"] == test["max_score"];
        let machine = test["status"] == "error"
            && test["score"] == 0
            && test["message"].as_str().unwrap().contains("not judged");
        assert!(passed || machine, "the solution did not pass:\n{test:#}");
        not_judged += usize::from(machine);
    }
    let points: u64 = tests.iter().map(|t| t["score"].as_u64().unwrap()).sum();
    if not_judged == 0 {
        assert_eq!(result["max_score"], points);
        assert_eq!(result["status"], "pass");
    } else {
        eprintln!("{not_judged} solutions not judged on this busy machine");
        assert_eq!(result["status"], "error");
    }
}

#[test]
fn every_exercise_as_shipped_fails_for_the_intended_reason() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rows = verify(&[]);
    let dirs = exercise_dirs();
    assert_eq!(rows.len(), dirs.len(), "one row per exercise");
    let graded = grade(&[]);
    let tests = graded["tests"].as_array().unwrap();
    assert_eq!(
        tests.len(),
        dirs.len(),
        "the course was not graded (a stale integrity.toml?):\n{graded:#}"
    );
    for ((row, test), (name, dir)) in rows.iter().zip(tests).zip(&dirs) {
        assert_eq!(row["exercise"], name.as_str());
        if edited(dir) {
            eprintln!("skipped {name}: exercises/{dir} has been edited since the last commit");
            continue;
        }
        assert_eq!(
            test["score"], 0,
            "{name} as shipped earns nothing:\n{test:#}"
        );
        let report = &row["report"];
        assert!(
            report.is_object(),
            "{name} gave no report (a compile error or a crash?):\n{row:#}"
        );
        // An exercise that ships with a bug (`ships_with_a_bug` in
        // course.toml) fails with it; every other stops at its `todo!()`.
        let bug = exercises()
            .into_iter()
            .find(|e| &e.name == name)
            .and_then(|e| e.ships_with_a_bug);
        match bug.as_deref() {
            Some(cause) => {
                assert_eq!(row["verdict"], "fail", "{name} should fail:\n{row:#}");
                assert!(report["panicked"].is_null(), "{name} panicked:\n{row:#}");
                let diagnosis = report["diagnosis"].as_str().unwrap_or_default();
                assert!(
                    diagnosis.contains(cause),
                    "{name}'s diagnosis should mention {cause:?}:\n{row:#}"
                );
            }
            None => {
                let message = report["panicked"]["message"].as_str().unwrap_or_default();
                assert!(
                    message.starts_with("not yet implemented"),
                    "{name} should stop at a todo!():\n{row:#}"
                );
                let location = report["panicked"]["location"].as_str().unwrap_or_default();
                assert!(
                    location.starts_with(&format!("exercises/{dir}/src/")),
                    "{name}'s todo!() should be in its own src/, not at {location:?}"
                );
            }
        }
    }
}

#[test]
fn the_committed_integrity_manifest_matches_the_course() {
    let output = Command::cargo_bin("checker")
        .unwrap()
        .arg("--course")
        .arg(course_root())
        .arg("manifest")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\nAfter changing a protected file, run `cargo run -p checker -- manifest --write` and commit integrity.toml.",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The teacher's guide, as written: a template made with `strip-solutions`
/// from a clean copy of the course has no solutions, resolves with its lock
/// file as it is (`--locked`), and its integrity manifest matches, so
/// `grade` grades it. (Building it would take a cold build of everything.)
#[test]
fn a_template_without_solutions_builds_locked_and_grades() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let template = tempfile::tempdir().unwrap();
    if !course_model::copy::copy_tracked(&course_root(), template.path()).unwrap() {
        eprintln!("SKIPPED: the course is not a git checkout, so its files cannot be listed");
        return;
    }
    let stripped = Command::cargo_bin("checker")
        .unwrap()
        .arg("--course")
        .arg(template.path())
        .arg("strip-solutions")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&stripped.stdout);
    assert!(stripped.status.success(), "{said}\n{stripped:?}");
    assert!(said.contains("removed solutions/ ("), "{said}");
    assert!(!template.path().join("solutions").exists());
    assert!(!template.path().join(".github/workflows/ci.yml").exists());
    assert!(
        template
            .path()
            .join(".github/workflows/classroom.yml")
            .exists()
    );
    let locked = Std::new(env!("CARGO"))
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .current_dir(template.path())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(locked.success(), "the template's Cargo.lock is not current");
    // The manifest `strip-solutions` wrote matches: `grade` would grade it.
    let manifest = Command::cargo_bin("checker")
        .unwrap()
        .arg("--course")
        .arg(template.path())
        .arg("manifest")
        .output()
        .unwrap();
    assert!(manifest.status.success(), "{manifest:?}");
}
