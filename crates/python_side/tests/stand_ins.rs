//! Discovery, GIL detection and the workloads' verdicts with stand-in
//! interpreters: shell scripts on a PATH made for the test that answer the
//! probe and the programs as a 3.14t (free-threaded), a 3.13 (with the
//! GIL), a broken and a hanging interpreter would. No timing is asserted:
//! the stand-ins print fixed figures.

use std::path::{Path, PathBuf};
use std::time::Duration;

use python_side::chapters::{self, Chapter, Settings};
use python_side::discover;

/// A probe answer and a chapter 02 answer, as one interpreter gives them.
struct StandIn {
    name: &'static str,
    probe: &'static str,
    cpu: &'static str,
}

const FREE_THREADED: StandIn = StandIn {
    name: "python3.14t",
    probe: r#"{"version": "3.14.0", "gil": false, "free_threaded_build": true, "executable": "/opt/python/3.14t/bin/python3.14t"}"#,
    // Threads nearly twice as fast as one: no GIL.
    cpu: r#"echo '{"seconds": {"sequential": 1.0, "threads": 0.52, "processes": 0.55}, "answers": [285]}'"#,
};

const WITH_GIL: StandIn = StandIn {
    name: "python3.13",
    probe: r#"{"version": "3.13.1", "gil": true, "free_threaded_build": false, "executable": "/opt/python/3.13/bin/python3.13"}"#,
    cpu: r#"echo '{"seconds": {"sequential": 1.0, "threads": 1.02, "processes": 0.55}, "answers": [285]}'"#,
};

/// Writes an executable script `name` into `dir`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn stand_in(dir: &Path, s: &StandIn) -> PathBuf {
    script(
        dir,
        s.name,
        &format!(
            "case \"$1\" in\n  -c) echo '{}' ;;\n  *02_gil_cpu.py) {} ;;\n  *) echo \"no canned answer for $1\" >&2; exit 1 ;;\nesac",
            s.probe, s.cpu
        ),
    )
}

/// Chapter 02 at a size whose answer is known (0 + 1 + ... + 81 = 285).
fn tiny() -> Settings {
    Settings {
        numbers: 10,
        chunks: 2,
        rounds: 1,
        limit: Duration::from_secs(20),
        ..Settings::default()
    }
}

fn path_of(dirs: &[&Path]) -> std::ffi::OsString {
    std::env::join_paths(dirs).unwrap()
}

#[test]
fn every_python3_name_is_found_once_in_path_order() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    stand_in(a.path(), &WITH_GIL);
    stand_in(a.path(), &FREE_THREADED);
    // `python3` is `python3.13` by another name: found once.
    std::os::unix::fs::symlink(a.path().join("python3.13"), a.path().join("python3")).unwrap();
    script(a.path(), "python3-config", "exit 0");
    script(a.path(), "python3.6m", "exit 0");
    std::fs::write(a.path().join("python3.12"), "not executable").unwrap();
    script(
        b.path(),
        "python3",
        "echo 'Fatal Python error: init_fs_encoding' >&2; exit 1",
    );

    let found = discover::candidates(&path_of(&[a.path(), b.path()]));
    let expected = [
        a.path().join("python3"),
        a.path().join("python3.14t"),
        b.path().join("python3"),
    ];
    assert_eq!(found, expected);
}

#[test]
fn a_free_threaded_build_says_so_and_a_broken_one_says_why() {
    let dir = tempfile::tempdir().unwrap();
    stand_in(dir.path(), &FREE_THREADED);
    stand_in(dir.path(), &WITH_GIL);
    let other = tempfile::tempdir().unwrap();
    script(
        other.path(),
        "python3",
        "echo 'Fatal Python error: init_fs_encoding' >&2; exit 1",
    );

    let found = discover::discover(&path_of(&[dir.path(), other.path()]), discover::PROBE_LIMIT);
    let seen: Vec<(&str, Option<bool>, bool)> = found
        .iter()
        .map(|i| (i.label.as_str(), i.gil_enabled, i.free_threaded_build))
        .collect();
    assert_eq!(
        seen,
        [
            ("3.13.1", Some(true), false),
            ("3.14.0t", Some(false), true),
            ("python3", None, false),
        ]
    );
    assert!(found[0].usable() && found[1].usable() && !found[2].usable());
    assert_eq!(
        found[2].error.as_deref(),
        Some("exited with status 1: Fatal Python error: init_fs_encoding")
    );
}

#[test]
fn two_names_for_one_program_are_measured_once() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // Two scripts (a version manager's shims, say) that run one program.
    stand_in(a.path(), &WITH_GIL);
    stand_in(b.path(), &WITH_GIL);
    let found = discover::discover(&path_of(&[a.path(), b.path()]), discover::PROBE_LIMIT);
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn no_python_on_path_finds_nothing() {
    let empty = tempfile::tempdir().unwrap();
    assert!(discover::discover(&path_of(&[empty.path()]), discover::PROBE_LIMIT).is_empty());
}

#[test]
fn threads_on_a_free_threaded_build_are_called_no_gil() {
    let dir = tempfile::tempdir().unwrap();
    stand_in(dir.path(), &WITH_GIL);
    stand_in(dir.path(), &FREE_THREADED);
    let found = discover::discover(&path_of(&[dir.path()]), discover::PROBE_LIMIT);

    let w = chapters::measure(Chapter::Gil, &found, &tiny()).remove(0);
    assert!(w.errors.is_empty(), "{:?}", w.errors);
    let threads = &w.rows[1];
    assert_eq!(threads.python["3.14.0t"], Some(0.52));
    assert_eq!(threads.python["3.13.1"], Some(1.02));
    assert!(threads.rust.is_some() && w.ceiling.is_some());
    assert!(
        w.verdicts["3.14.0t"]
            .starts_with("threads ran 1.9x: no GIL in this build; processes 1.82x"),
        "{}",
        w.verdicts["3.14.0t"]
    );
    assert!(
        w.verdicts["3.13.1"].starts_with("threads ran 0.98x the speed of one: the GIL;"),
        "{}",
        w.verdicts["3.13.1"]
    );
    assert!(w.verdict_line.starts_with("3.13.1: threads ran 0.98x"));
    assert!(
        w.verdict_line
            .contains("; 3.14.0t: threads ran 1.9x: no GIL")
    );
}

#[test]
fn a_failing_interpreter_gives_its_error_and_the_others_are_still_measured() {
    let dir = tempfile::tempdir().unwrap();
    stand_in(dir.path(), &FREE_THREADED);
    stand_in(
        dir.path(),
        &StandIn {
            name: "python3.12",
            probe: r#"{"version": "3.12.8", "gil": true, "free_threaded_build": false, "executable": "/opt/python/3.12/bin/python3.12"}"#,
            cpu: "sleep 30",
        },
    );
    stand_in(
        dir.path(),
        &StandIn {
            name: "python3.11",
            probe: r#"{"version": "3.11.9", "gil": true, "free_threaded_build": false, "executable": "/opt/python/3.11/bin/python3.11"}"#,
            cpu: r#"echo '{"seconds": {"sequential": 1.0, "threads": 1.0, "processes": 0.5}, "answers": [286]}'"#,
        },
    );
    let found = discover::discover(&path_of(&[dir.path()]), discover::PROBE_LIMIT);
    let settings = Settings {
        limit: Duration::from_secs(1),
        ..tiny()
    };
    let started = std::time::Instant::now();
    let w = chapters::measure(Chapter::Gil, &found, &settings).remove(0);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(w.errors["3.12.8"], "timed out after 1 s");
    assert_eq!(w.errors["3.11.9"], "answered [286]; the sum is 285");
    assert_eq!(w.rows[0].python["3.12.8"], None);
    assert_eq!(w.rows[0].python["3.14.0t"], Some(1.0));
    assert_eq!(
        w.verdict_line,
        format!("3.14.0t: {}", w.verdicts["3.14.0t"]),
        "only the interpreter that gave figures has a verdict"
    );
}
