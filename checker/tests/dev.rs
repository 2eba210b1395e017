//! `dev new` and `dev check`, the course authors' commands, on a copy of
//! the real course: a new exercise lands in every place the course needs
//! one, `dev check` then names what is left to write, and the real course
//! as committed passes `dev check --no-runs`.

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use assert_cmd::Command;

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the checker lives in the course's workspace")
        .to_path_buf()
}

/// A copy of the course's committed files, or `None` outside a git checkout.
fn copy_of_the_course() -> Option<tempfile::TempDir> {
    let copy = tempfile::tempdir().unwrap();
    course_model::copy::copy_tracked(&course_root(), copy.path())
        .unwrap()
        .then_some(copy)
}

fn checker(course: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("checker")
        .unwrap()
        .arg("--course")
        .arg(course)
        .args(args)
        .env("NO_COLOR", "1")
        .env("CHECKER_STATE_DIR", course.join(".checker-test"))
        .output()
        .unwrap()
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_course_as_committed_is_whole() {
    let output = checker(&course_root(), &["dev", "check", "--no-runs"]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("The course is whole"), "{said}");
}

#[test]
fn dev_new_writes_every_place_and_dev_check_names_what_is_left() {
    let Some(copy) = copy_of_the_course() else {
        eprintln!("SKIPPED: the course is not a git checkout, so its files cannot be listed");
        return;
    };
    let root = copy.path();
    let output = checker(
        root,
        &[
            "dev",
            "new",
            "10_shared_memory/01_demo_sum",
            "--title",
            "Add it up",
        ],
    );
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    let dir = "10_shared_memory/01_demo_sum";
    for file in [
        format!("exercises/{dir}/Cargo.toml"),
        format!("exercises/{dir}/check.rs"),
        format!("exercises/{dir}/src/lib.rs"),
        format!("solutions/{dir}/Cargo.toml"),
        format!("solutions/{dir}/check.rs"),
        format!("solutions/{dir}/src/lib.rs"),
        format!("solutions/{dir}/wrong/first_mistake.rs"),
        "crates/checks/src/demo_sum.rs".into(),
        format!("src/{dir}.md"),
        "src/10_shared_memory/index.md".into(),
    ] {
        assert!(said.contains(&format!("created {file}")), "{file}:\n{said}");
        assert!(root.join(&file).is_file(), "{file}");
    }
    for file in [
        "course.toml",
        "src/SUMMARY.md",
        "crates/checks/src/lib.rs",
        "crates/checks/tests/wrong_answers.rs",
        "Cargo.lock",
        "integrity.toml",
    ] {
        assert!(said.contains(&format!("changed {file}")), "{file}:\n{said}");
    }
    // The course model reads the new entry; the lock file names the crates.
    let course = course_model::Course::load(root).unwrap();
    let (_, demo) = course.exercise("demo_sum").expect("the new exercise");
    assert_eq!(demo.title, "Add it up");
    assert_eq!(demo.label(), "10/01");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    assert!(lock.contains("name = \"demo_sum_solution\""), "{lock}");
    let lib = std::fs::read_to_string(root.join("crates/checks/src/lib.rs")).unwrap();
    assert!(
        lib.contains("pub mod deadlines;\npub mod demo_sum;\npub mod dont_block;"),
        "{lib}"
    );

    // Written as `cargo fmt` writes it.
    let rust: Vec<PathBuf> = [
        format!("exercises/{dir}/src/lib.rs"),
        format!("exercises/{dir}/check.rs"),
        format!("solutions/{dir}/src/lib.rs"),
        format!("solutions/{dir}/check.rs"),
        format!("solutions/{dir}/wrong/first_mistake.rs"),
        "crates/checks/src/demo_sum.rs".into(),
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    match Std::new("rustfmt")
        .args(["--check", "--edition", "2024"])
        .args(&rust)
        .output()
    {
        Ok(fmt) => assert!(fmt.status.success(), "{}", text(&fmt)),
        Err(_) => eprintln!("SKIPPED: rustfmt is not installed, the format was not checked"),
    }

    // What is left, by file and line: the placeholders and two more wrong
    // versions; the manifest is current.
    let check = checker(root, &["dev", "check", "--no-runs"]);
    let said = text(&check);
    assert!(!check.status.success(), "{said}");
    for left in [
        "demo_sum: 1 wrong version in solutions/10_shared_memory/01_demo_sum/wrong, 3 wanted",
        "course.toml:",
        "crates/checks/src/demo_sum.rs:",
        "src/10_shared_memory/01_demo_sum.md:3: the lesson",
        "src/10_shared_memory/index.md:3:",
        "crates/checks/tests/wrong_answers.rs:",
        "solutions/10_shared_memory/01_demo_sum/wrong/first_mistake.rs:",
        "✓ integrity.toml is current",
        "✓ every exercise has its files",
    ] {
        assert!(said.contains(left), "{left:?} missing:\n{said}");
    }
    assert!(said.contains("to do"), "{said}");

    // Asked twice, it writes nothing and says why.
    let before = std::fs::read_to_string(root.join("course.toml")).unwrap();
    let again = checker(root, &["dev", "new", "10_shared_memory/02_demo_sum"]);
    assert!(!again.status.success());
    assert!(
        text(&again).contains("already has an exercise named `demo_sum`"),
        "{}",
        text(&again)
    );
    let bad = checker(root, &["dev", "new", "shared/demo"]);
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("must start with a number"),
        "{}",
        text(&bad)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("course.toml")).unwrap(),
        before
    );
    assert!(!root.join("exercises/10_shared_memory/02_demo_sum").exists());
}

#[test]
fn a_typo_in_course_toml_is_an_error_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        "format_version = 1\n[course]\ntitle = \"T\"\ntimeout_secs = 5\n\n[[exercise]]\nname = \"a\"\ndir = \"01_x/01_a\"\ntitle = \"A\"\npoints = 1\nhint = [\"one\"]\n",
    )
    .unwrap();
    let output = checker(dir.path(), &["list"]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("unknown field `hint`"),
        "{}",
        text(&output)
    );
}
