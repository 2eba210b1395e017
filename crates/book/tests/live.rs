//! The live book, end to end: a scratch copy of the course, its book served
//! with the learner's state, and the real checker run on it. Solving 01/01
//! (its solution copied in) turns `/api/progress` to pass, a wrong version
//! turns it to fail with its diagnosis, each within 2 s of the checker
//! finishing; in headless Chromium the exercise's page shows the panel and
//! follows each change without a reload. The static build has no panel.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use book::browser::{self, Tools};

/// A copy of the course's committed files and the checker built beside
/// this test, or `None`, said as SKIPPED, where either is missing.
fn scratch_course() -> Option<(tempfile::TempDir, PathBuf)> {
    let copy = tempfile::tempdir().unwrap();
    if !course_model::copy::copy_tracked(&book::course_root(), copy.path()).unwrap() {
        eprintln!("SKIPPED: the course is not a git checkout, so it cannot be copied");
        return None;
    }
    let Some(checker) = checker() else {
        eprintln!(
            "SKIPPED: no checker binary beside this test (run the whole `cargo test`, or `cargo build -p checker` first)"
        );
        return None;
    };
    Some((copy, checker))
}

/// The checker built beside this test (`cargo test` builds it for the
/// checker's own tests).
fn checker() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?;
    Some(dir.join("checker")).filter(|p| p.is_file())
}

fn get(addr: SocketAddr, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
    body.to_owned()
}

/// `/api/progress`'s entry for `name`.
fn entry(addr: SocketAddr, name: &str) -> serde_json::Value {
    let state: serde_json::Value = serde_json::from_str(&get(addr, "/api/progress")).unwrap();
    state["exercises"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .cloned()
        .unwrap()
}

/// Waits up to `limit` for `name`'s verdict in `/api/progress` to be `want`.
fn turns(
    addr: SocketAddr,
    name: &str,
    want: &str,
    limit: Duration,
) -> (serde_json::Value, Duration) {
    let started = Instant::now();
    loop {
        let now = entry(addr, name);
        if now["verdict"] == want {
            return (now, started.elapsed());
        }
        assert!(
            started.elapsed() < limit,
            "{name} did not turn {want} within {limit:?}: {now:#}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The target folder the checker builds checks in for these tests (see
/// [`run_check`]).
fn checks_target() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mdbook-test-deps")
}

/// Runs the checker on `name` in the course at `root`. It builds in a
/// target folder of its own, so that it never waits on the one `cargo test`
/// holds: the one the `mdbook test` test builds the snippets' crates in,
/// which holds the same dependencies (the two tests never run at once:
/// they are two test binaries).
fn run_check(checker: &Path, root: &Path, name: &str) {
    let output = Command::new(checker)
        .args(["--course"])
        .arg(root)
        .args(["run", name])
        .env("CARGO_TARGET_DIR", checks_target())
        .env("NO_COLOR", "1")
        .env_remove("CHECKER_STATE_DIR")
        .output()
        .unwrap();
    eprintln!(
        "checker run {name}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The two tests take turns: each runs real checks, which measure, and
/// builds in the same target folder.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn the_served_book_follows_the_learners_checks() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some((copy, checker)) = scratch_course() else {
        return;
    };
    let root = copy.path().to_path_buf();
    let site = root.join("book");
    book::build(&root, Some(&site)).unwrap();
    // The static build knows nothing of the live state.
    let static_page = std::fs::read_to_string(site.join("01_why/01_heartbeat.html")).unwrap();
    assert!(!static_page.contains("live.js"));

    let addr = book::live::spawn(root.clone(), site.clone(), 0).unwrap();
    let served = get(addr, "/01_why/01_heartbeat.html");
    assert!(
        served.contains("/live/live.js"),
        "the served page has the script"
    );
    assert!(get(addr, "/live/live.js").contains("/api/progress"));
    assert!(get(addr, "/course-map.html").contains("id=\"live-map\""));
    assert_eq!(
        get(addr, "/api/python"),
        "null",
        "no `checker python` run yet"
    );
    let before = entry(addr, "heartbeat");
    assert_eq!(before["status"], "not_started", "{before:#}");
    assert_eq!(before["summary"], "not run yet", "{before:#}");
    assert!(before["verdict"].is_null(), "{before:#}");

    let lib = root.join("exercises/01_why/01_heartbeat/src/lib.rs");
    let solution = root.join("solutions/01_why/01_heartbeat/src/lib.rs");
    let wrong = root.join("solutions/01_why/01_heartbeat/wrong/spawn_then_join.rs");

    // Solved: pass, within 2 s of the checker's end.
    std::fs::copy(&solution, &lib).unwrap();
    run_check(&checker, &root, "heartbeat");
    let (passed, took) = turns(addr, "heartbeat", "pass", Duration::from_secs(2));
    eprintln!("pass shown {took:?} after the checker ended");
    assert_eq!(passed["status"], "done");
    assert_eq!(passed["points"], passed["max_points"]);
    assert!(
        passed["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["status"] == "pass"),
        "{passed:#}"
    );
    let total: serde_json::Value = serde_json::from_str(&get(addr, "/api/progress")).unwrap();
    assert_eq!(total["done"], 1);

    // A wrong version: fail, with its diagnosis, within 2 s.
    std::fs::copy(&wrong, &lib).unwrap();
    run_check(&checker, &root, "heartbeat");
    let (failed, took) = turns(addr, "heartbeat", "fail", Duration::from_secs(2));
    eprintln!("fail shown {took:?} after the checker ended");
    assert!(
        failed["diagnosis"]
            .as_str()
            .unwrap_or_default()
            .contains("are you joining the thread right after spawning it?"),
        "{failed:#}"
    );
    assert_eq!(failed["status"], "done", "done stays done: {failed:#}");
    assert!(
        failed["summary"].as_str().unwrap().starts_with("fail: "),
        "{failed:#}"
    );

    // In the browser: the panel shows the failure, then follows the
    // solution's pass and five more changes of state, without a reload.
    let Some(tools) = Tools::find() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the browser part cannot be skipped in CI: no chromium and chromedriver"
        );
        eprintln!("SKIPPED: the browser part (no chromium and chromedriver on PATH)");
        return;
    };
    let progress = course_model::progress::progress_path(&root);
    let check_solution = || {
        std::fs::copy(&solution, &lib)?;
        run_check(&checker, &root, "heartbeat");
        Ok("pass".to_owned())
    };
    // A check finishing, as the checker records it: the progress file
    // written again with the new verdict.
    let record = |verdict: &'static str| {
        let progress = progress.clone();
        move || -> anyhow::Result<String> {
            let text = std::fs::read_to_string(&progress)?;
            let mut state: serde_json::Value = serde_json::from_str(&text)?;
            state["exercises"]["heartbeat"]["last_verdict"] = verdict.into();
            std::fs::write(&progress, serde_json::to_string_pretty(&state)?)?;
            Ok(verdict.to_owned())
        }
    };
    let screenshot = site.join("live-panel.png");
    let steps: Vec<browser::Step<'_>> = vec![
        Box::new(check_solution),
        Box::new(record("fail")),
        Box::new(record("pass")),
        Box::new(record("fail")),
        Box::new(record("pass")),
        Box::new(record("fail")),
    ];
    // `checker python`'s results, under chapter 02's "Python beside Rust".
    let python = course_model::state::state_dir(&root).join("python.json");
    std::fs::write(&python, PYTHON_RESULTS).unwrap();
    let (text, errors) = browser::text_of(
        &tools,
        &format!("http://{addr}/02_gil/index.html"),
        "live-python",
    )
    .unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    for shown in [
        "Measured on your machine",
        "3.14.0t (no GIL)",
        "1.21 s",
        "threads ran 1.9x",
    ] {
        assert!(text.contains(shown), "{shown:?} not in {text:?}");
    }

    let url = format!("http://{addr}/01_why/01_heartbeat.html");
    let (first, changes) = browser::watch_panel(&tools, &url, steps, &screenshot).unwrap();
    assert_eq!(first, "fail");
    for change in &changes {
        assert!(!change.reloaded, "the page was reloaded: {change:?}");
        assert!(change.took < Duration::from_secs(2), "{change:?}");
    }
    let passed = &changes[0];
    assert_eq!(passed.verdict, "pass");
    assert!(passed.text.contains("PASS"), "{}", passed.text);
    assert!(passed.text.contains("responsive"), "{}", passed.text);
    let mut took: Vec<Duration> = changes[1..].iter().map(|c| c.took).collect();
    took.sort();
    eprintln!(
        "the panel followed a real check in {:?}; a recorded verdict in {:?} (median of 5, all {took:?}); screenshot {}",
        passed.took,
        took[2],
        screenshot.display()
    );
    assert!(screenshot.metadata().unwrap().len() > 10_000);
    // Kept beside the book's own screenshot.
    let keep = book::course_root().join("book/live-panel.png");
    if std::fs::create_dir_all(keep.parent().unwrap()).is_ok() {
        let _ = std::fs::copy(&screenshot, &keep);
    }
}

/// `checker watch --book`: the watcher starts the book's server and prints
/// its address; the server lives through the watcher's checks (each ends
/// with a sweep of the processes the check left) and shows their verdicts;
/// it stops when the watcher does.
#[test]
fn watch_book_serves_the_watchers_verdicts_and_stops_with_it() {
    use std::io::BufRead;
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let Some((copy, checker)) = scratch_course() else {
        return;
    };
    let root = copy.path().to_path_buf();
    let mut watcher = Command::new(&checker)
        .args(["--course"])
        .arg(&root)
        .args(["watch", "--book"])
        .env("CHECKER_BOOK_SERVER", env!("CARGO_BIN_EXE_book"))
        .env("CARGO_TARGET_DIR", checks_target())
        .env("NO_COLOR", "1")
        .env_remove("CHECKER_STATE_DIR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let (lines, said) = std::sync::mpsc::channel();
    let stdout = watcher.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            eprintln!("watch: {line}");
            if lines.send(line).is_err() {
                return;
            }
        }
    });
    // Printed after the first check (a cold one compiles the check).
    let marker = "the book, with your verdicts: http://";
    let deadline = Instant::now() + Duration::from_secs(600);
    let addr: SocketAddr = loop {
        let line = said
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("watch --book printed the book's address");
        if let Some(at) = line.find(marker) {
            let rest = &line[at + marker.len()..];
            break rest[..rest.find('/').unwrap()].parse().unwrap();
        }
    };
    // The server builds the book before it listens.
    let started = Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the book's server never listened on {addr}: see .checker/book-server.log"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "the book answered {:?} after the address was printed",
        started.elapsed()
    );
    // The watcher's first check is on record, and the server outlived the
    // sweep that ended it.
    let first = entry(addr, "heartbeat");
    assert!(!first["verdict"].is_null(), "{first:#}");
    assert_ne!(first["verdict"], "pass", "{first:#}");
    assert!(get(addr, "/01_why/01_heartbeat.html").contains("/live/live.js"));

    // A save: the watcher checks again, and the served book follows.
    std::fs::copy(
        root.join("solutions/01_why/01_heartbeat/src/lib.rs"),
        root.join("exercises/01_why/01_heartbeat/src/lib.rs"),
    )
    .unwrap();
    // The watcher's own verdict line for the run the save started.
    let deadline = Instant::now() + Duration::from_secs(600);
    let verdict = loop {
        let line = said
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the watcher checked again after the save");
        if line.starts_with("01/01 heartbeat ") {
            break line;
        }
    };
    assert!(verdict.contains("PASS"), "the solution: {verdict}");
    let (passed, took) = turns(addr, "heartbeat", "pass", Duration::from_secs(2));
    eprintln!("pass shown {took:?} after the watcher printed it");
    assert_eq!(passed["status"], "done", "{passed:#}");
    // Still serving after the second check's sweep.
    assert!(get(addr, "/course-map.html").contains("id=\"live-map\""));

    // q: the watcher ends, and its server with it.
    watcher.stdin.as_mut().unwrap().write_all(b"q").unwrap();
    let ended = Instant::now();
    loop {
        if let Some(status) = watcher.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(
            ended.elapsed() < Duration::from_secs(10),
            "the watcher did not quit on q"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let stopped = Instant::now();
    while std::net::TcpStream::connect(addr).is_ok() {
        assert!(
            stopped.elapsed() < Duration::from_secs(5),
            "the book's server outlived the watcher"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `python.json` as `checker python` writes it (crates/python_side's
/// `results` module): one free-threaded interpreter, chapter 02.
const PYTHON_RESULTS: &str = r#"{
  "format_version": 1,
  "measured_at": "2026-12-04T04:30:00Z",
  "machine": { "cpus": 2, "os": "linux", "arch": "x86_64", "workers": 2 },
  "interpreters": [
    { "label": "3.14.0t", "path": "/usr/bin/python3.14t", "version": "3.14.0",
      "gil_enabled": false, "free_threaded_build": true }
  ],
  "workloads": [
    { "chapter": "02", "name": "cpu", "title": "CPU-bound work: one at a time, threads, processes",
      "about": "the sum of squares", "measured_at": "2026-12-04T04:30:00Z",
      "rows": [ { "label": "one at a time", "python": { "3.14.0t": 1.21 }, "rust": 0.004 },
                { "label": "threads", "python": { "3.14.0t": 0.64 }, "rust": 0.002 } ],
      "ceiling": 1.93, "ideal": null, "errors": {},
      "verdict_line": "threads ran 1.9x: no GIL in this build",
      "verdicts": { "3.14.0t": "threads ran 1.9x: no GIL in this build" } }
  ]
}"#;
