//! `checker python`: a chapter it has no programs for is a usage error
//! listing the chapters, and a PATH without Python gets a clear message
//! and exit status 0. Runs in the course itself, which has `python_side`.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn checker(state: &Path) -> Command {
    let mut command = Command::cargo_bin("checker").unwrap();
    command
        .current_dir(course_root())
        .env("CHECKER_STATE_DIR", state)
        .env_remove("NO_COLOR");
    command
}

#[test]
fn an_unknown_chapter_lists_the_chapters() {
    let state = tempfile::tempdir().unwrap();
    let output = checker(state.path())
        .args(["python", "99"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("[possible values: 02, 03, 05, 06]"),
        "{stderr}"
    );
}

#[test]
fn without_python_it_says_so_and_succeeds() {
    let cargo = PathBuf::from(env!("CARGO"));
    // Built first with the usual PATH, so that the run below needs no
    // linker, only cargo and rustc.
    let built = std::process::Command::new(&cargo)
        .current_dir(course_root())
        .args([
            "build",
            "--quiet",
            "-p",
            "python_side",
            "--bin",
            "python_side",
        ])
        .status()
        .unwrap();
    assert!(built.success());

    // A PATH of cargo and rustc alone: no Python on it.
    let bin = tempfile::tempdir().unwrap();
    let rustc = cargo.with_file_name("rustc");
    let rustc = if rustc.exists() {
        rustc
    } else {
        PathBuf::from("rustc")
    };
    let rustc = which(&rustc).expect("rustc beside cargo or on PATH");
    std::os::unix::fs::symlink(&cargo, bin.path().join("cargo")).unwrap();
    std::os::unix::fs::symlink(&rustc, bin.path().join("rustc")).unwrap();

    let state = tempfile::tempdir().unwrap();
    let output = checker(state.path())
        .arg("python")
        .env("PATH", bin.path())
        .env("CARGO", bin.path().join("cargo"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout
            .starts_with("No Python found on PATH (looked for python3, python3.N and python3.Nt)."),
        "{stdout}\n{stderr}"
    );
    assert!(!state.path().join("python.json").exists());
}

/// `program` as a path: itself when it has a folder, else found on PATH.
fn which(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return Some(program.to_owned());
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}
