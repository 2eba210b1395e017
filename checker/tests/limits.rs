//! The checker's limits, defences and pictures, through the real binary: a
//! learner's exercise that starts processes, allocates or prints without
//! end is stopped with a verdict and leaves nothing running; one that
//! forges a report, replaces the other checks, leaves processes behind,
//! holds memory across processes, starts threads or writes files without
//! end, or reads the CI's environment gets nothing for it; a submission's
//! files outside its editable folders are never used; `run --timeline`
//! draws the report's timeline and writes its SVG beside the report.
//!
//! The exercises come from `fixture_course/extra_exercises.toml` and
//! `attack_exercises.toml`, added to each test's own copy of the course.
//! Each runaway is bounded by itself (2,000 processes, 2 GiB, 256 MiB of
//! output), so that a checker without its limits fails these tests without
//! hurting the machine.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use verdict::procfs::ProcStat;

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
    /// The fixture course alone.
    fn plain(test: &'static str) -> Course {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(Path::new(FIXTURE), dir.path());
        Course { dir, test }
    }

    /// The fixture course with the runaways and the attacks.
    fn new(test: &'static str) -> Course {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(Path::new(FIXTURE), dir.path());
        let course = dir.path().join("course.toml");
        let mut text = std::fs::read_to_string(&course).unwrap();
        for extra in ["extra_exercises.toml", "attack_exercises.toml"] {
            text.push('\n');
            text.push_str(&std::fs::read_to_string(dir.path().join(extra)).unwrap());
        }
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

/// Live processes whose command line names `bin` built for `test`'s own
/// course (other tests, running meanwhile, build and run the same
/// fixtures in target folders of their own).
fn running(test: &str, bin: &str) -> Vec<String> {
    let target = format!("fixture-course/{test}/");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let path: PathBuf = entry.path();
        let Ok(cmdline) = std::fs::read(path.join("cmdline")) else {
            continue;
        };
        let Some(stat) = ProcStat::read(&path.join("stat")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline);
        if cmdline.contains(bin) && cmdline.contains(&target) && !stat.is_ended() {
            found.push(format!("{stat:?}"));
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
        running("forks", "check_forks"),
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

/// Whether process `pid` is gone (or a zombie nobody will run again).
fn gone(pid: &str) -> bool {
    pid.trim()
        .parse()
        .ok()
        .and_then(ProcStat::of_pid)
        .is_none_or(|stat| stat.is_ended())
}

/// Waits up to 5 s for every pid in `pids` to be gone.
fn all_gone(pids: &[String]) -> bool {
    let until = std::time::Instant::now() + Duration::from_secs(5);
    while std::time::Instant::now() < until {
        if pids.iter().all(|p| gone(p)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn a_report_forged_by_the_learners_code_is_not_trusted() {
    let course = Course::new("forges");
    let (code, stdout, _) = run(&course, "forges", &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("05/01 forges .......... NOT TRUSTED\n"),
        "{stdout}"
    );
    assert!(stdout.contains("cannot trust this result"), "{stdout}");
}

#[test]
fn a_report_replayed_from_an_honest_run_is_not_trusted() {
    // The learner's code holds this run's seal and a report kept from an
    // honest run: the report's account of its time (0.9 s) does not fit in
    // the process the operating system saw.
    let course = Course::new("replays");
    let (code, stdout, _) = run(&course, "replays", &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("05/08 replays ......... NOT TRUSTED\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the report says its check ran 912 ms, but the operating system saw the whole process run"),
        "{stdout}"
    );
}

#[test]
fn a_passing_report_with_a_wrong_answer_to_the_checkers_own_input_is_not_trusted() {
    // The check binary, asked apart (`--expect`), gives the right answer to
    // this run's random challenge; the learner's code answered otherwise.
    let course = Course::new("answers");
    let (code, stdout, _) = run(&course, "answers", &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("05/09 answers ......... NOT TRUSTED\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("its answer to the checker's own input, chosen at random for this run, is not the right one"),
        "{stdout}"
    );
    // Answered rightly, the same check passes: the challenge is new each
    // run, so no answer can be kept.
    let lib = course
        .root()
        .join("exercises/05_attacks/09_answers/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("wrapping_mul(2)", "wrapping_mul(3)")).unwrap();
    let (code, stdout, _) = run(&course, "answers", &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("05/09 answers ......... PASS"),
        "{stdout}"
    );
}

#[test]
fn a_passing_report_without_the_requests_behind_it_is_not_trusted() {
    // The check passes whatever the learner's code did; the checker's own
    // relay counted no requests where any passing run makes eight, eight
    // at once.
    let course = Course::new("served");
    let (code, stdout, _) = run(&course, "served", &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("05/10 served .......... NOT TRUSTED\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the checker counted the requests itself, outside the check: 0 passed through it, at most 0 in flight at once, where any run that passes makes at least 8, 8 at once"),
        "{stdout}"
    );
    // The same check, with code that fetches the eight pages at once
    // through the URLs it was given: trusted.
    let lib = course
        .root()
        .join("exercises/05_attacks/10_served/src/lib.rs");
    std::fs::write(
        &lib,
        r#"//! Fetches every page at once, a thread each.
use std::io::{Read, Write};

/// Every page, fetched.
pub fn fetch_all(urls: &[String]) -> Vec<String> {
    let threads: Vec<_> = urls
        .iter()
        .cloned()
        .map(|url| {
            std::thread::spawn(move || {
                let rest = url.strip_prefix("http://").unwrap();
                let (host, path) = rest.split_once('/').unwrap();
                let mut stream = std::net::TcpStream::connect(host).unwrap();
                write!(stream, "GET /{path} HTTP/1.1\r\nhost: {host}\r\n\r\n").unwrap();
                let mut answer = String::new();
                stream.read_to_string(&mut answer).unwrap();
                answer.split("\r\n\r\n").nth(1).unwrap_or("").to_owned()
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}
"#,
    )
    .unwrap();
    let (code, stdout, _) = run(&course, "served", &[]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.starts_with("05/10 served .......... PASS"),
        "{stdout}"
    );
}

#[test]
fn a_check_binary_replaced_by_an_earlier_checks_code_is_not_trusted() {
    let course = Course::new("replaces");
    let output = course
        .checker()
        .args(["verify", "--format", "json"])
        .env("CHECKER_LIMIT_MEMORY_MB", "256")
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let verdict = |name: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["exercise"] == name)
            .map(|r| r["verdict"].as_str().unwrap().to_owned())
            .unwrap()
    };
    // `replaces` ran after `pass` and before the other attacks: each of
    // those now holds its code, and none is trusted.
    assert_eq!(verdict("pass"), "pass");
    assert_eq!(verdict("replaces"), "pass");
    for later in [
        "escapes",
        "hoards",
        "threads",
        "writes",
        "environment",
        "replays",
        "answers",
    ] {
        assert_eq!(verdict(later), "not_trusted", "{later}: {rows:#}");
    }
}

#[test]
fn processes_that_leave_the_checks_group_or_session_end_with_it() {
    let course = Course::new("escapes");
    let (code, stdout, _) = run(&course, "escapes", &[]);
    assert_eq!(code, 0, "{stdout}");
    let pids: Vec<String> = std::fs::read_to_string(course.root().join("escaped.pids"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        pids.len(),
        3,
        "setsid, a new group and a double fork: {pids:?}"
    );
    assert!(all_gone(&pids), "still running: {pids:?}");
}

/// Starts `run hangs`, waits for its child's pid, sends `signal` to the
/// checker, and says whether the child is gone within 5 s.
fn hang_then(signal: i32) -> (bool, Option<i32>) {
    let course = Course::new(if signal == libc::SIGKILL {
        "killed"
    } else {
        "stopped"
    });
    let pid_file = course.root().join("child.pid");
    let mut checker = course.checker().args(["run", "hangs"]).spawn().unwrap();
    let until = std::time::Instant::now() + Duration::from_secs(120);
    let child = loop {
        if let Ok(pid) = std::fs::read_to_string(&pid_file)
            && !pid.trim().is_empty()
        {
            break pid;
        }
        assert!(std::time::Instant::now() < until, "the check never started");
        std::thread::sleep(Duration::from_millis(20));
    };
    // Safety: kill has no memory-safety preconditions.
    unsafe {
        libc::kill(checker.id() as i32, signal);
    }
    let status = checker.wait().unwrap();
    (all_gone(&[child]), status.code())
}

#[test]
fn killing_the_checker_outright_ends_the_check_and_what_it_started() {
    let (gone, _) = hang_then(libc::SIGKILL);
    assert!(gone, "the check's child outlived a SIGKILLed checker");
}

#[test]
fn a_checker_told_to_stop_ends_the_check_first() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let (gone, code) = hang_then(signal);
        assert!(
            gone,
            "signal {signal}: the check's child outlived the checker"
        );
        assert_eq!(code, Some(130), "signal {signal}");
    }
}

#[test]
fn memory_held_across_processes_is_limited_together() {
    let course = Course::new("hoards");
    let (code, stdout, took) = run(&course, "hoards", &[("CHECKER_LIMIT_MEMORY_MB", "256")]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("05/04 hoards .......... STOPPED\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("of memory in its processes together (the limit is 256 MiB)"),
        "{stdout}"
    );
    assert!(took < Duration::from_secs(15), "{took:?}");
}

#[test]
fn threads_are_limited_across_the_check() {
    let course = Course::new("threads");
    let (code, stdout, took) = run(&course, "threads", &[("CHECKER_LIMIT_THREADS", "300")]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("05/05 threads ......... STOPPED\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("threads at once (the limit is 300)"),
        "{stdout}"
    );
    assert!(took < Duration::from_secs(15), "{took:?}");
}

#[test]
fn a_file_past_the_size_limit_stops_the_check() {
    let course = Course::new("writes");
    let (code, stdout, _) = run(&course, "writes", &[("CHECKER_LIMIT_FILE_MB", "8")]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with("05/06 writes .......... STOPPED\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("wrote a file larger than 8 MiB"),
        "{stdout}"
    );
    let written = std::fs::metadata(course.root().join("written.bin"))
        .unwrap()
        .len();
    assert!(written <= 8 << 20, "{written} bytes");
}

#[test]
fn a_check_sees_no_ci_variables_or_tokens() {
    let course = Course::new("environment");
    let (code, stdout, _) = run(
        &course,
        "environment",
        &[
            ("GITHUB_TOKEN", "secret"),
            ("GITHUB_OUTPUT", "/tmp/github-output"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    let sees = stdout
        .split("sees ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    assert!(sees.contains("PATH"), "{sees}");
    for hidden in [
        "GITHUB_",
        "AWS_",
        "CARGO_TARGET_DIR",
        "CHECK_SEAL_FD",
        "CHECK_REPORT_FD",
    ] {
        assert!(!sees.contains(hidden), "{hidden} is visible: {sees}");
    }
}

#[test]
fn cargo_failing_without_a_compiler_error_is_the_machines_fault() {
    let course = Course::plain("machine");
    let cargo = course.root().join("broken-cargo");
    std::fs::write(
        &cargo,
        "#!/bin/sh\necho 'error: failed to create directory `target/debug`: Read-only file system (os error 30)' >&2\nexit 101\n",
    )
    .unwrap();
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let json = course.root().join("grade.json");
    std::fs::write(&json, r#"{"status":"pass","forged":true}"#).unwrap();
    let output = course
        .checker()
        .args(["grade", "--format", "json", "--output"])
        .arg(&json)
        .env("CARGO", &cargo)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(written["status"], "error", "{written:#}");
    assert!(
        written["message"]
            .as_str()
            .unwrap()
            .contains("grading machine could not build"),
        "{written:#}"
    );
}

#[test]
fn a_submission_is_graded_on_its_editable_files_alone() {
    let course = Course::plain("submission");
    // The student's copy: answers in src/, and every way around the checks
    // outside it.
    let student = tempfile::tempdir().unwrap();
    copy_dir(course.root(), student.path());
    let pass_src = student
        .path()
        .join("exercises/01_basics/01_pass/src/lib.rs");
    std::fs::write(&pass_src, "pub fn answer() -> u32 {\n    42\n}\n").unwrap();
    let fail = student.path().join("exercises/01_basics/02_fail");
    // A check rewritten to pass, a build script, cargo configuration, a
    // toolchain file, a broken course file and a committed grade.
    let check = std::fs::read_to_string(fail.join("check.rs")).unwrap();
    std::fs::write(fail.join("check.rs"), check.replace("\"fail\"", "\"pass\"")).unwrap();
    std::fs::write(
        fail.join("build.rs"),
        "fn main() { panic!(\"the student's build script ran\") }\n",
    )
    .unwrap();
    std::fs::create_dir_all(student.path().join(".cargo")).unwrap();
    std::fs::write(
        student.path().join(".cargo/config.toml"),
        "[target.x86_64-unknown-linux-gnu]\nrunner = \"/bin/true\"\n",
    )
    .unwrap();
    std::fs::write(
        student.path().join("rust-toolchain.toml"),
        "[toolchain]\npath = \"/nowhere\"\n",
    )
    .unwrap();
    std::fs::write(student.path().join("course.toml"), "not a course").unwrap();
    let json = student.path().join("grade.json");
    std::fs::write(&json, r#"{"status":"pass","forged":true}"#).unwrap();

    let output = course
        .checker()
        .args(["grade", "--submission"])
        .arg(student.path())
        .args(["--format", "json", "--output"])
        .arg(&json)
        .output()
        .unwrap();
    let graded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let test = |name: &str| {
        graded["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"].as_str().unwrap().contains(name))
            .cloned()
            .unwrap_or_else(|| panic!("no test {name}: {graded:#}"))
    };
    // The answer in src/ counts; the rewritten check does not.
    assert_eq!(test("pass")["status"], "pass", "{graded:#}");
    assert_eq!(test(" fail:")["status"], "fail", "{graded:#}");
    let message = graded["message"].as_str().unwrap();
    for listed in [
        ".cargo/config.toml",
        "course.toml",
        "exercises/01_basics/02_fail/build.rs",
        "exercises/01_basics/02_fail/check.rs",
        "rust-toolchain.toml",
    ] {
        assert!(message.contains(listed), "{listed} not listed: {message}");
    }
    assert_eq!(output.status.code(), Some(1), "{output:?}");
}

#[test]
fn a_grade_that_cannot_start_still_writes_its_outputs() {
    let course = Course::plain("unloadable");
    std::fs::write(course.root().join("course.toml"), "not a course").unwrap();
    let json = course.root().join("grade.json");
    let xml = course.root().join("grade.xml");
    std::fs::write(&json, r#"{"status":"pass","forged":true}"#).unwrap();
    std::fs::write(&xml, "<forged/>").unwrap();
    let output = course
        .checker()
        .args(["grade", "--format", "json", "--output"])
        .arg(&json)
        .arg("--junit")
        .arg(&xml)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(written["status"], "error", "{written:#}");
    assert!(written.get("forged").is_none(), "{written:#}");
    let xml = std::fs::read_to_string(&xml).unwrap();
    assert!(xml.contains("<error "), "{xml}");
}
