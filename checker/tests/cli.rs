//! Drives the real checker binary over the fixture course, one test per
//! outcome it must render. Each test works on its own copy of the course.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixture_course");

/// A private copy of the fixture course.
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
        Course { dir, test }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The checker, run in the course, with plain and redacted output. Each
    /// test builds into its own folder under the main target dir: cargo
    /// copies binaries to one path per name, which parallel tests would share.
    fn checker(&self) -> Command {
        Command::from_std(self.std_checker())
    }

    /// The same, as a plain `std::process::Command`, for interactive runs.
    fn std_checker(&self) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_checker"));
        let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("fixture-course")
            .join(self.test);
        command
            .current_dir(self.root())
            .env("CARGO_TARGET_DIR", target)
            .env("CHECKER_REDACT", "1")
            .env("RUST_BACKTRACE", "0")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("FORCE_HYPERLINK")
            .env_remove("GITHUB_STEP_SUMMARY");
        command
    }

    /// Runs the checker with `args`: exit code, stdout, stderr.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let output = self.checker().args(args).output().unwrap();
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    }

    fn progress(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.root().join(".checker/progress.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// Snapshot filters: this course's path and timestamps.
    fn settings(&self) -> insta::Settings {
        let mut settings = insta::Settings::clone_current();
        for root in [self.root().to_owned(), self.root().canonicalize().unwrap()] {
            settings.add_filter(&escape(&root.display().to_string()), "[course]");
        }
        settings.add_filter(r"\d{8}T\d{6}Z", "[stamp]");
        settings
    }
}

fn escape(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

macro_rules! snapshot {
    ($course:expr, $name:expr, $text:expr) => {
        $course
            .settings()
            .bind(|| insta::assert_snapshot!($name, $text));
    };
}

#[test]
fn the_overview_shows_progress_then_runs_the_current_exercise() {
    let course = Course::new("overview");
    let (code, stdout, _) = course.run(&[]);
    assert_eq!(code, 0);
    snapshot!(course, "overview_pass", stdout);
    let progress = course.progress();
    assert_eq!(progress["current"], "pass");
    assert_eq!(progress["exercises"]["pass"]["status"], "done");
    assert_eq!(progress["exercises"]["pass"]["last_verdict"], "pass");
}

#[test]
fn a_failing_check_shows_its_evidence_and_diagnosis() {
    let course = Course::new("fail");
    let (code, stdout, _) = course.run(&["run", "fail"]);
    assert_eq!(code, 1);
    snapshot!(course, "run_fail", stdout);
    assert_eq!(
        course.progress()["exercises"]["fail"]["status"],
        "attempted"
    );
    assert_eq!(course.progress()["current"], "fail");
}

#[test]
fn a_compile_error_is_shown_as_the_compiler_printed_it() {
    let course = Course::new("broken");
    let (code, stdout, _) = course.run(&["run", "broken"]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("error[E0308]: mismatched types"),
        "{stdout}"
    );
    snapshot!(course, "run_broken", stdout);
}

#[test]
fn a_source_that_reaches_outside_its_crate_fails_before_it_is_built() {
    let course = Course::new("own_work");
    let lib = course.root().join("exercises/01_basics/01_pass/src/lib.rs");
    std::fs::write(
        &lib,
        "//! The answered version, borrowed.\n\n\
         mod inner {\n    \
         #[path = \"../../../../../solutions/01_basics/01_pass/src/lib.rs\"]\n    \
         mod solution;\n    \
         pub use solution::answer;\n}\n\n\
         pub use inner::answer;\n",
    )
    .unwrap();
    let (code, stdout, _) = course.run(&["run", "pass"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("own work"), "{stdout}");
    snapshot!(course, "run_own_work", stdout);
    let progress = course.progress();
    assert_eq!(progress["exercises"]["pass"]["status"], "attempted");
    assert_eq!(progress["exercises"]["pass"]["last_verdict"], "fail");
    // Nothing was built: the verdict came from reading.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("fixture-course")
        .join("own_work");
    assert!(!target.join("debug/check_pass").exists());
}

#[test]
fn a_relaxed_lock_fails_where_the_course_reads_for_it() {
    let course = Course::new("memory_ordering");
    std::fs::write(
        course.root().join("exercises/01_basics/01_pass/src/lib.rs"),
        r#"//! The answer, behind a lock of my own.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicBool, Ordering};

struct Locked {
    taken: AtomicBool,
    value: UnsafeCell<u32>,
}

// SAFETY: `value` is only read while `taken` is held.
unsafe impl Sync for Locked {}

static ANSWER: Locked = Locked {
    taken: AtomicBool::new(false),
    value: UnsafeCell::new(42),
};

/// The answer.
pub fn answer() -> u32 {
    while ANSWER.taken.swap(true, Ordering::Relaxed) {
        std::hint::spin_loop();
    }
    // SAFETY: the lock is held.
    let value = unsafe { *ANSWER.value.get() };
    ANSWER.taken.store(false, Ordering::Relaxed);
    value
}
"#,
    )
    .unwrap();
    // The lock rule applies where course.toml asks for it only.
    let (code, stdout, _) = course.run(&["run", "pass"]);
    assert_eq!(code, 0, "{stdout}");
    let path = course.root().join("course.toml");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "points = 10\n",
        "points = 10\nsource_rules = [\"memory_ordering\"]\n",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let (code, stdout, _) = course.run(&["run", "pass"]);
    assert_eq!(code, 1, "{stdout}");
    snapshot!(course, "run_memory_ordering", stdout);
}

#[test]
fn a_panic_without_a_report_is_a_crash_with_its_message() {
    let course = Course::new("panics");
    let (code, stdout, _) = course.run(&["run", "panics"]);
    assert_eq!(code, 1);
    snapshot!(course, "run_panics", stdout);
}

#[test]
fn a_hang_is_stopped_with_every_process_it_started() {
    let course = Course::new("hangs");
    let pid_file = course.root().join("child.pid");
    let output = course.checker().args(["run", "hangs"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    snapshot!(
        course,
        "run_hangs",
        String::from_utf8(output.stdout).unwrap()
    );
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    let stat = verdict::procfs::ProcStat::of_pid(pid.trim().parse().unwrap());
    // Gone, or a zombie waiting for init to reap it: not running either way.
    if let Some(stat) = stat {
        assert!(
            stat.is_ended(),
            "`sleep 1000` (pid {pid}) is still alive: {stat:?}"
        );
    }
    assert_eq!(
        course.progress()["exercises"]["hangs"]["last_verdict"],
        "timed_out"
    );
}

#[test]
fn an_untouched_todo_is_not_started_yet() {
    let course = Course::new("todo");
    let (code, stdout, _) = course.run(&["run", "todo"]);
    assert_eq!(code, 1);
    snapshot!(course, "run_todo", stdout);
    let todo = &course.progress()["exercises"]["todo"];
    assert_eq!(todo["status"], "not_started");
    assert_eq!(todo["last_verdict"], "not_started");
}

#[test]
fn a_corrupt_progress_file_is_reported_kept_and_rebuilt() {
    let course = Course::new("corrupt");
    std::fs::create_dir_all(course.root().join(".checker")).unwrap();
    std::fs::write(
        course.root().join(".checker/progress.json"),
        "{\"format_version\": 1, oops",
    )
    .unwrap();
    let (code, stdout, stderr) = course.run(&["hint", "pass"]);
    assert_eq!(code, 0);
    snapshot!(course, "corrupt_progress_stderr", stderr);
    assert!(
        stdout.starts_with("Hints for 01/01 pass (1 of 3)"),
        "{stdout}"
    );
    let kept: Vec<_> = std::fs::read_dir(course.root().join(".checker"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("progress.json.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1);
    let kept = std::fs::read_to_string(course.root().join(".checker").join(&kept[0])).unwrap();
    assert_eq!(kept, "{\"format_version\": 1, oops");
    assert_eq!(course.progress()["exercises"]["pass"]["hints_shown"], 1);
    // The rebuilt file is read without complaint.
    let (_, _, stderr) = course.run(&["list"]);
    assert_eq!(stderr, "");
}

fn git(root: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(root)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .env("GIT_CEILING_DIRECTORIES", root.parent().unwrap())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn reset_backs_up_the_learner_s_file_then_restores_it() {
    let course = Course::new("reset");
    let lib = course.root().join("exercises/01_basics/01_pass/src/lib.rs");
    let original = std::fs::read_to_string(&lib).unwrap();

    // Not a checkout yet: a clear error, and nothing touched.
    let not_git = course
        .checker()
        .args(["reset", "pass"])
        .env("GIT_CEILING_DIRECTORIES", course.root().parent().unwrap())
        .output()
        .unwrap();
    assert_eq!(not_git.status.code(), Some(4));
    snapshot!(
        course,
        "reset_not_a_checkout",
        String::from_utf8(not_git.stderr).unwrap()
    );

    git(course.root(), &["init", "-q"]);
    git(course.root(), &["add", "-A"]);
    git(course.root(), &["commit", "-q", "-m", "the course"]);
    let mine = format!("{original}// my own work\n");
    std::fs::write(&lib, &mine).unwrap();

    let (code, stdout, _) = course.run(&["reset", "pass"]);
    assert_eq!(code, 0);
    snapshot!(course, "reset_restored", stdout);
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), original);
    let backups: Vec<PathBuf> = std::fs::read_dir(course.root().join(".checker/backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1);
    let kept = backups[0].join("exercises/01_basics/01_pass/src/lib.rs");
    assert_eq!(std::fs::read_to_string(kept).unwrap(), mine);

    let (code, stdout, _) = course.run(&["reset", "pass"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("nothing to reset"), "{stdout}");
    let (code, _, stderr) = course.run(&["reset", "pass", "--from", "no-such-rev"]);
    assert_eq!(code, 4);
    assert_eq!(stderr, "error: git knows no revision `no-such-rev`\n");
}

#[test]
fn verify_passes_only_when_every_exercise_passes() {
    let course = Course::new("verify");
    let (code, stdout, _) = course.run(&["verify"]);
    assert_eq!(code, 1);
    snapshot!(course, "verify_exercises", stdout);
    // The learner's verify records progress.
    assert_eq!(
        course.progress()["exercises"]["fail"]["status"],
        "attempted"
    );
    assert_eq!(course.progress()["exercises"]["pass"]["status"], "done");

    let (code, stdout, _) = course.run(&["verify", "--solutions"]);
    assert_eq!(code, 0, "{stdout}");
    snapshot!(course, "verify_solutions", stdout);
    // ... and the solutions' does not.
    assert_eq!(
        course.progress()["exercises"]["fail"]["status"],
        "attempted"
    );

    let (code, stdout, _) = course.run(&["verify", "--format", "json"]);
    assert_eq!(code, 1);
    let rows: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let verdicts: Vec<(&str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["exercise"].as_str().unwrap(),
                r["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("pass", "pass"),
            ("fail", "fail"),
            ("todo", "not_started"),
            ("broken", "compile_error"),
            ("panics", "crashed"),
            ("hangs", "timed_out"),
        ]
    );
    assert_eq!(
        rows[1]["report"]["diagnosis"],
        "off by one: did you start counting at 1?"
    );
    assert!(rows[3]["error"].as_str().unwrap().contains("error[E0308]"));
    assert!(rows[3].get("report").is_none());
}

#[test]
fn list_shows_every_status_and_the_current_exercise() {
    let course = Course::new("list");
    let (_, _, _) = course.run(&["run", "pass"]);
    let (_, _, _) = course.run(&["run", "fail"]);
    let (code, stdout, _) = course.run(&["list"]);
    assert_eq!(code, 0);
    snapshot!(course, "list", stdout);
}

#[test]
fn hints_are_revealed_one_at_a_time_and_stay_revealed() {
    let course = Course::new("hints");
    let mut all = String::new();
    for _ in 0..4 {
        let (code, stdout, _) = course.run(&["hint"]);
        assert_eq!(code, 0);
        all.push_str(&stdout);
        all.push_str("---\n");
    }
    let (_, stdout, _) = course.run(&["hint", "todo"]);
    all.push_str(&stdout);
    snapshot!(course, "hints", all);
    assert_eq!(course.progress()["exercises"]["pass"]["hints_shown"], 3);
}

#[test]
fn next_moves_to_the_first_exercise_not_done() {
    let course = Course::new("next");
    course.run(&["run", "pass"]);
    let (code, stdout, _) = course.run(&["next"]);
    assert_eq!(code, 1);
    assert!(
        stdout.starts_with("Next up: 01/02 fail: A check that fails\n\n01/02 fail ......"),
        "{stdout}"
    );
    assert_eq!(course.progress()["current"], "fail");
}

#[test]
fn doctor_says_when_the_machine_report_is_missing() {
    let course = Course::new("doctor");
    let (code, stdout, _) = course.run(&["doctor"]);
    assert_eq!(code, 4);
    // The machine's own lines vary: cores and toolchain versions.
    assert!(stdout.contains("\n  rustc     rustc 1."), "{stdout}");
    assert!(stdout.contains("\n  cargo     cargo 1."), "{stdout}");
    let stdout = stdout
        .lines()
        .filter(|l| {
            !["  cores", "  rustc", "  cargo"]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect::<Vec<_>>()
        .join("\n");
    snapshot!(course, "doctor_no_machine_report", stdout);
}

#[test]
fn usage_and_course_errors_have_their_own_exit_codes() {
    let course = Course::new("errors");
    let (code, _, stderr) = course.run(&["run", "nope"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: course.toml has no exercise named `nope`; the exercises are: pass, fail, todo, broken, panics, hangs\n"
    );
    let (code, _, _) = course.run(&["no-such-command"]);
    assert_eq!(code, 2);

    let empty = tempfile::tempdir().unwrap();
    let output = course
        .checker()
        .args(["--course", &empty.path().display().to_string(), "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));

    std::fs::write(
        course.root().join("course.toml"),
        "format_version = 1\n[course\n",
    )
    .unwrap();
    let (code, _, stderr) = course.run(&["list"]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("course.toml is not a valid course file"),
        "{stderr}"
    );
}

/// Waits for a line of `lines` that satisfies `wanted`, for at most `limit`
/// (a guard against a hang, not a timing assertion); returns what was read.
fn read_until(
    lines: &std::sync::mpsc::Receiver<String>,
    wanted: impl Fn(&str) -> bool,
    limit: std::time::Duration,
) -> Result<String, String> {
    let deadline = std::time::Instant::now() + limit;
    let mut seen = String::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => {
                seen.push_str(&line);
                seen.push('\n');
                if wanted(&line) {
                    return Ok(seen);
                }
            }
            Err(_) => return Err(seen),
        }
    }
}

#[test]
fn watch_runs_again_on_save_and_quits_on_q() {
    use std::io::{BufRead, Write};
    let course = Course::new("watch");
    let mut child = course
        .std_checker()
        .arg("watch")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if send.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let minutes = std::time::Duration::from_secs(120);
    let verdict = |line: &str| line.starts_with("01/01 pass") && line.ends_with("PASS");
    read_until(&lines, verdict, minutes).expect("a first verdict");
    let shown = read_until(&lines, |l| l.starts_with("watching "), minutes)
        .expect("the evidence, then what is watched");
    assert!(
        shown.contains("✓ correct"),
        "the evidence is shown:\n{shown}"
    );

    // A save runs the check again.
    let lib = course.root().join("exercises/01_basics/01_pass/src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("\n// saved again\n");
    std::fs::write(&lib, text).unwrap();
    read_until(&lines, verdict, minutes).expect("a second verdict after the save");

    // `q` quits, with success.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"q").unwrap();
    stdin.flush().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "watch ended with {status}");
}

/// Redacts what a grade measures each time: check durations.
fn grade_settings(course: &Course) -> insta::Settings {
    let mut settings = course.settings();
    settings.add_filter(r#""duration": \d+"#, r#""duration": [ms]"#);
    settings.add_filter(r#"time="\d+\.\d{3}""#, r#"time="[s]""#);
    settings
}

#[test]
fn grade_gives_points_per_exercise_as_a_table_classroom_json_and_junit() {
    let course = Course::new("grade");
    let summary = course.root().join("summary.md");
    std::fs::write(&summary, "earlier steps wrote this\n").unwrap();
    let junit = course.root().join("grade.xml");
    let output = course
        .checker()
        .args(["grade", "--junit", "grade.xml"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    // Exit 1: not every exercise passed. (Exit 5 means the fixture's
    // integrity.toml is stale: `cargo run -p checker -- --course
    // checker/tests/fixture_course manifest --write`.)
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let settings = grade_settings(&course);
    settings.bind(|| {
        insta::assert_snapshot!("grade_text", String::from_utf8(output.stdout).unwrap());
        insta::assert_snapshot!("grade_junit", std::fs::read_to_string(&junit).unwrap());
        // Appended, after what the job's earlier steps wrote.
        insta::assert_snapshot!("grade_summary", std::fs::read_to_string(&summary).unwrap());
    });

    let (code, stdout, _) = course.run(&["grade", "--format", "json", "--output", "grade.json"]);
    assert_eq!(code, 1);
    let written = std::fs::read_to_string(course.root().join("grade.json")).unwrap();
    assert_eq!(
        written, stdout,
        "--output writes what standard output shows"
    );
    settings.bind(|| insta::assert_snapshot!("grade_json", stdout));
    let json: serde_json::Value = serde_json::from_str(&written).unwrap();
    let scores: Vec<u64> = json["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_u64().unwrap())
        .collect();
    assert_eq!(scores, [10, 0, 0, 0, 0, 0]);
    assert_eq!(json["max_score"], 40);
}

#[test]
fn grading_the_solutions_gives_full_points() {
    let course = Course::new("grade-solutions");
    let (code, stdout, stderr) = course.run(&["grade", "--solutions", "--format", "json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["status"], "pass");
    let tests = json["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 6);
    let points: u64 = tests.iter().map(|t| t["score"].as_u64().unwrap()).sum();
    assert_eq!(points, 40);
}

#[test]
fn a_changed_check_is_refused_by_name_and_nothing_is_graded() {
    let course = Course::new("tamper");
    // Line endings alone are no change: a Windows checkout is not flagged.
    let course_toml = course.root().join("course.toml");
    let crlf = std::fs::read_to_string(&course_toml)
        .unwrap()
        .replace('\n', "\r\n");
    std::fs::write(&course_toml, crlf).unwrap();
    let (code, stdout, stderr) = course.run(&["manifest"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "integrity.toml matches: 14 protected files as the course ships them\n"
    );

    let check = course.root().join("exercises/01_basics/02_fail/check.rs");
    let text = std::fs::read_to_string(&check).unwrap();
    std::fs::write(&check, text.replace("fail::answer() == 42", "true")).unwrap();
    let (code, stdout, stderr) =
        course.run(&["grade", "--format", "json", "--output", "grade.json"]);
    assert_eq!(code, 5, "{stdout}");
    assert_eq!(
        std::fs::read_to_string(course.root().join("grade.json")).unwrap(),
        stdout
    );
    snapshot!(course, "tamper_stderr", stderr);
    snapshot!(course, "tamper_json", stdout);
    assert!(
        !course.root().join(".checker/reports").exists(),
        "no check ran"
    );

    // A new build script is a change too, and `manifest` names both.
    std::fs::write(
        course.root().join("exercises/01_basics/01_pass/build.rs"),
        "fn main() {}\n",
    )
    .unwrap();
    let (code, _, stderr) = course.run(&["manifest"]);
    assert_eq!(code, 5);
    assert!(
        stderr.contains("  added    exercises/01_basics/01_pass/build.rs\n")
            && stderr.contains("  changed  exercises/01_basics/02_fail/check.rs\n"),
        "{stderr}"
    );

    // A course author regenerates it, and the tree is graded again.
    let (code, stdout, _) = course.run(&["manifest", "--write"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "wrote integrity.toml: 15 protected files; commit it with your change\n"
    );
    let (code, _, _) = course.run(&["manifest"]);
    assert_eq!(code, 0);
}
