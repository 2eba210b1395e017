//! The checker's limits and pictures, through the real binary: a learner's
//! exercise that starts processes, allocates or prints without end is
//! stopped with a verdict and leaves nothing running; `run --timeline`
//! draws the report's timeline and writes its SVG beside the report.
//!
//! The exercises come from `fixture_course/extra_exercises.toml`, added to
//! each test's own copy of the course. Each runaway is bounded by itself
//! (2,000 processes, 2 GiB, 256 MiB of output), so that a checker without
//! its limits fails these tests without hurting the machine.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixture_course");

/// A private copy of the fixture course, with the extra exercises.
struct Course {
    dir: tempfile::TempDir,
    test: &'static str,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".checker" {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(&name));
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

impl Course {
    fn new(test: &'static str) -> Course {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(Path::new(FIXTURE), dir.path());
        let extra = std::fs::read_to_string(dir.path().join("extra_exercises.toml")).unwrap();
        let course = dir.path().join("course.toml");
        let mut text = std::fs::read_to_string(&course).unwrap();
        text.push('\n');
        text.push_str(&extra);
        std::fs::write(course, text).unwrap();
        Course { dir, test }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The checker in this course, its own target folder, real durations
    /// (the runaways' tests read how long the check ran).
    fn checker(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_checker"));
        let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("fixture-course")
            .join(self.test);
        command
            .current_dir(self.root())
            .env("CARGO_TARGET_DIR", target)
            .env("RUST_BACKTRACE", "0")
            .env("COLUMNS", "80")
            .env_remove("CHECKER_REDACT")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("FORCE_HYPERLINK");
        command
    }

    fn progress(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.root().join(".checker/progress.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }
}

/// What `checker run <name>` printed, and how long the check itself ran
/// (`checked in 340 ms`, build time left out).
fn run(course: &Course, name: &str, env: &[(&str, &str)]) -> (i32, String, Duration) {
    let output = course
        .checker()
        .args(["run", name])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let took = checked_in(&stdout).unwrap_or_else(|| panic!("no check time in:\n{stdout}"));
    eprintln!("{name}: stopped after {took:?}");
    (output.status.code().unwrap_or(-1), stdout, took)
}

fn checked_in(stdout: &str) -> Option<Duration> {
    let text = stdout.split("checked in ").nth(1)?.lines().next()?;
    let (number, unit) = text.trim().split_once(' ')?;
    let number: f64 = number.parse().ok()?;
    Some(Duration::from_secs_f64(match unit {
        "ms" => number / 1000.0,
        "s" => number,
        _ => return None,
    }))
}

/// Live processes whose command line names `bin`.
fn running(bin: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let path: PathBuf = entry.path();
        let Ok(cmdline) = std::fs::read(path.join("cmdline")) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(path.join("stat")) else {
            continue;
        };
        let state = stat
            .rsplit(')')
            .next()
            .and_then(|s| s.split_whitespace().next());
        if String::from_utf8_lossy(&cmdline).contains(bin) && state != Some("Z") {
            found.push(stat);
        }
    }
    found
}

/// The stop must come from the limit, well before the exercise's 10 s
/// timeout (a guard, not a benchmark: it takes well under a second).
const PROMPTLY: Duration = Duration::from_secs(5);

#[test]
fn a_process_runaway_is_stopped_with_everything_it_started() {
    let course = Course::new("forks");
    let (code, stdout, took) = run(&course, "forks", &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("03/01 forks ........... STOPPED\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("processes at once (the limit is 256)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Likely cause: Processes started without end"),
        "{stdout}"
    );
    assert!(took < PROMPTLY, "{took:?}");
    assert_eq!(
        running("check_forks"),
        Vec::<String>::new(),
        "every worker is gone"
    );
    assert_eq!(
        course.progress()["exercises"]["forks"]["last_verdict"],
        "stopped"
    );
}

#[test]
fn a_memory_runaway_is_stopped_at_the_memory_limit() {
    let course = Course::new("allocates");
    let (code, stdout, took) = run(&course, "allocates", &[("CHECKER_LIMIT_MEMORY_MB", "256")]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("03/02 allocates ....... STOPPED\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("asked for more than 256 MiB of memory in one process"),
        "{stdout}"
    );
    assert!(stdout.contains("  | remembering everything\n"), "{stdout}");
    assert!(took < PROMPTLY, "{took:?}");
}

#[test]
fn an_output_runaway_is_stopped_after_16_mib() {
    let course = Course::new("prints");
    let (code, stdout, took) = run(&course, "prints", &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("03/03 prints .......... STOPPED\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Your code printed more than 16 MiB"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  | step 1: still working, all fine so far\n"),
        "the first lines are shown:\n{stdout}"
    );
    assert!(stdout.lines().count() < 30, "the flood is not:\n{stdout}");
    assert!(took < PROMPTLY, "{took:?}");
}

#[test]
fn run_timeline_draws_the_run_and_writes_an_svg_beside_the_report() {
    let course = Course::new("timeline");
    let output = course
        .checker()
        .args(["run", "timeline", "--timeline"])
        .env("CHECKER_REDACT", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!("run_timeline", stdout);

    let svg = course.root().join(".checker/reports/check_timeline.svg");
    assert!(
        stdout.contains("open in any browser: .checker/reports/check_timeline.svg"),
        "{stdout}"
    );
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.starts_with("<?xml"), "{svg}");
    assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
    assert_eq!(svg.matches("<g class=\"row\"").count(), 2, "{svg}");
    assert!(svg.contains("04/01 timeline: <tspan"), "{svg}");

    // Without the flag, nothing is drawn.
    let plain = course.checker().args(["run", "timeline"]).output().unwrap();
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(!plain.contains("Timeline:"), "{plain}");
}
