//! The live book: the served book shows the learner's own state.
//!
//! `cargo run -p book -- serve` (and `checker watch --book`, which starts
//! it) serves the built book and, beside it:
//!
//! - `GET /api/progress`: the learner's state as JSON, from the files the
//!   checker writes in its state folder (`progress.json` and the last
//!   report of each exercise), read with the course model's and `verdict`'s
//!   own types ([`state`]). The checker knows nothing of the server.
//! - `GET /api/python`: the last `checker python` measurements (Python
//!   beside Rust on this machine), shown under each chapter's "Python
//!   beside Rust" heading; `null` before the first run.
//! - `GET /api/timeline/<exercise>.svg`: the timeline of the last run, when
//!   that run drew one (`checker run <name> --timeline`).
//! - `/course-map.html`: every chapter's exercises with their status,
//!   points and last speedup.
//! - every HTML page with `live/live.js` and `live/live.css` added: on an
//!   exercise's page a panel at the top (the verdict of the learner's code,
//!   its evidence, the speedup against the ceiling, the diagnosis, the file
//!   to edit, the timeline, when it was checked), a mark per exercise in
//!   the sidebar and the points so far. The script polls `/api/progress`
//!   twice a second and redraws only what changed, so a check finishing
//!   anywhere (watch mode, `cargo run -p checker` in a terminal) shows
//!   within a second, without a reload.
//!
//! The static build (`cargo run -p book`, GitHub Pages) has none of it:
//! only the server adds the script. It listens on loopback only.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::{Context, Result};
use course_model::Course;
use course_model::progress::{OutcomeKind, Progress, Status};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use serde::Serialize;

/// The page script and style the server adds to every HTML page.
const LIVE_JS: &str = include_str!("../live/live.js");
const LIVE_CSS: &str = include_str!("../live/live.css");

/// What the server adds before `</head>` of every HTML page.
const INJECTED: &str = "<link rel=\"stylesheet\" href=\"/live/live.css\">\n<script src=\"/live/live.js\" defer></script>\n";

/// The learner's state, as `/api/progress` gives it.
#[derive(Debug, Clone, Serialize)]
pub struct State {
    /// The course's title.
    pub course: String,
    /// Exercises done.
    pub done: usize,
    /// Points earned (exercises done).
    pub points: u32,
    /// Points the course holds.
    pub max_points: u32,
    /// Why the progress file could not be read, when it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// One entry per exercise, in course order.
    pub exercises: Vec<ExerciseState>,
}

/// One exercise in [`State`].
#[derive(Debug, Clone, Serialize)]
pub struct ExerciseState {
    /// Its name (`cargo run -p checker -- run <name>`).
    pub name: String,
    /// `03/01`.
    pub label: String,
    /// Its title.
    pub title: String,
    /// Its chapter's folder, `03_threads`.
    pub chapter: String,
    /// Its page in the built book, `03_threads/01_download.html`.
    pub page: String,
    /// The file the learner edits.
    pub file: String,
    /// `done`, `attempted` or `not_started`.
    pub status: Status,
    /// How the last run ended, if it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<OutcomeKind>,
    /// Points earned, and the most it is worth.
    pub points: u32,
    /// The most it is worth.
    pub max_points: u32,
    /// The last run in a line: its verdict and what decided it.
    pub summary: String,
    /// When it was last checked, RFC 3339 UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<String>,
    /// Whether the file to edit changed after the last check.
    pub changed_since: bool,
    /// The last report's diagnosis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<String>,
    /// The last report's evidence, in order.
    pub evidence: Vec<verdict::Evidence>,
    /// The measured speedup and the machine's ceiling, where measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speedup: Option<verdict::Speedup>,
    /// The panic that ended the last run, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panicked: Option<verdict::Panicked>,
    /// The timeline of the last run, when it drew one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<String>,
}

/// The time a file was last changed.
fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).ok()?.modified().ok()
}

/// Reads the learner's state of the course at `root`. Never writes: an
/// unreadable progress file is reported in [`State::problem`] (the checker
/// sets it aside on its next run).
pub fn state(root: &Path) -> Result<State> {
    let course = Course::load(root)?;
    let path = course_model::progress::progress_path(root);
    let (progress, problem) = match std::fs::read_to_string(&path) {
        Ok(text) => match serde_json::from_str::<Progress>(&text) {
            Ok(progress) => (progress, None),
            Err(e) => (
                Progress::default(),
                Some(format!("{} is unreadable ({e})", path.display())),
            ),
        },
        Err(_) => (Progress::default(), None),
    };
    let mut exercises = Vec::new();
    for e in &course.exercises {
        let mine = progress.of(&e.name);
        let report_path = course_model::state::report_path(root, &e.check_bin(false));
        let report = std::fs::read_to_string(&report_path)
            .ok()
            .and_then(|text| verdict::Report::from_json(&text).ok());
        let file = e.lib_file();
        let checked = mine
            .last_run
            .as_deref()
            .and_then(course_model::time::unix_seconds)
            .and_then(|s| u64::try_from(s).ok())
            .map(|s| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(s));
        let changed_since = match (modified(&root.join(&file)), checked) {
            // The time is written to the second: a save within the same
            // second as the check is taken as before it.
            (Some(edited), Some(checked)) => edited
                .duration_since(checked)
                .is_ok_and(|d| d.as_secs() >= 1),
            _ => false,
        };
        let svg = report_path.with_extension("svg");
        // A timeline drawn by this run, not an earlier one.
        let timeline = match (modified(&svg), modified(&report_path)) {
            (Some(drawn), Some(reported)) if drawn >= reported => {
                Some(format!("/api/timeline/{}.svg", e.name))
            }
            _ => None,
        };
        // As the checker counts them: an exercise done earns its points.
        let earned = mine.status == Status::Done;
        let (chapter, _) = e.dir.split_once('/').unwrap_or((&e.dir, ""));
        let summary = summary(mine.last_verdict, report.as_ref());
        exercises.push(ExerciseState {
            name: e.name.clone(),
            label: e.label().to_owned(),
            title: e.title.clone(),
            chapter: chapter.to_owned(),
            page: format!("{}.html", e.dir),
            file: file.display().to_string(),
            status: mine.status,
            verdict: mine.last_verdict,
            points: if earned { e.points } else { 0 },
            max_points: e.points,
            summary,
            checked_at: mine.last_run.clone(),
            changed_since,
            diagnosis: report.as_ref().and_then(|r| r.diagnosis.clone()),
            evidence: report
                .as_ref()
                .map(|r| r.evidence.clone())
                .unwrap_or_default(),
            speedup: report.as_ref().and_then(|r| r.speedup),
            panicked: report.as_ref().and_then(|r| r.panicked.clone()),
            timeline,
        });
    }
    let (done, points) = progress.score(&course);
    Ok(State {
        course: course.info.title.clone(),
        done,
        points,
        max_points: course.total_points(),
        problem,
        exercises,
    })
}

/// The last run in a line: `fail: <the diagnosis's first sentence>`,
/// `pass: 4 of 4 requirements hold, 1.85x where the machine allowed 1.93x`.
fn summary(verdict: Option<OutcomeKind>, report: Option<&verdict::Report>) -> String {
    let Some(kind) = verdict else {
        return "not run yet".to_owned();
    };
    let word = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(|w| w.replace('_', " ")))
        .unwrap_or_default();
    let Some(report) = report else {
        return format!("{word}: the check ended without a report");
    };
    if let Some(diagnosis) = &report.diagnosis {
        let first = diagnosis.split_inclusive(". ").next().unwrap_or(diagnosis);
        return format!("{word}: {}", first.trim_end());
    }
    let holding = report
        .evidence
        .iter()
        .filter(|e| e.status == verdict::Status::Pass)
        .count();
    let mut line = format!(
        "{word}: {holding} of {} requirements hold",
        report.evidence.len()
    );
    if let Some(s) = report.speedup {
        line.push_str(&format!(
            ", {:.2}x where the machine allowed {:.2}x",
            s.measured, s.ceiling
        ));
    }
    line
}

/// Serves the book built in `site` for the course at `root` on `listener`,
/// with the learner's state; runs until the process ends.
pub async fn serve(
    root: PathBuf,
    site: Arc<PathBuf>,
    listener: tokio::net::TcpListener,
) -> Result<()> {
    let root = Arc::new(root);
    loop {
        let (stream, _) = listener.accept().await?;
        let (root, site) = (Arc::clone(&root), Arc::clone(&site));
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let (root, site) = (Arc::clone(&root), Arc::clone(&site));
                async move { Ok::<_, Infallible>(respond(&root, &site, &req)) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Starts [`serve`] on a thread of its own, on a free loopback port (or
/// `port`), and returns its address: for tests and `checker watch --book`.
pub fn spawn(root: PathBuf, site: PathBuf, port: u16) -> Result<SocketAddr> {
    let std_listener = std::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .with_context(|| format!("listening on 127.0.0.1:{port}"))?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener =
                tokio::net::TcpListener::from_std(std_listener).expect("a tokio listener");
            let _ = serve(root, Arc::new(site), listener).await;
        });
    });
    Ok(addr)
}

fn respond(root: &Path, site: &Path, req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path().trim_start_matches('/');
    match path {
        "api/progress" => match state(root) {
            Ok(state) => reply(
                StatusCode::OK,
                "application/json",
                serde_json::to_vec(&state).expect("the state serialises"),
            ),
            Err(e) => reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain; charset=utf-8",
                format!("{e:#}").into_bytes(),
            ),
        },
        // The last `checker python` results, `null` before the first run
        // (not a 404, which a browser would log as an error).
        "api/python" => {
            let file = course_model::state::state_dir(root).join("python.json");
            let body = std::fs::read(file)
                .ok()
                .filter(|b| serde_json::from_slice::<serde_json::Value>(b).is_ok())
                .unwrap_or_else(|| b"null".to_vec());
            reply(StatusCode::OK, "application/json", body)
        }
        "live/live.js" => reply(
            StatusCode::OK,
            "text/javascript",
            LIVE_JS.as_bytes().to_vec(),
        ),
        "live/live.css" => reply(StatusCode::OK, "text/css", LIVE_CSS.as_bytes().to_vec()),
        "course-map.html" => match course_map(site) {
            Some(html) => reply(
                StatusCode::OK,
                "text/html; charset=utf-8",
                html.into_bytes(),
            ),
            None => file(site, "404.html", StatusCode::NOT_FOUND),
        },
        _ => {
            if let Some(name) = path
                .strip_prefix("api/timeline/")
                .and_then(|n| n.strip_suffix(".svg"))
            {
                return timeline(root, name);
            }
            let safe = !path.split('/').any(|part| part == "..");
            let mut target = site.join(path);
            if target.is_dir() {
                target = target.join("index.html");
            }
            if safe && target.is_file() {
                file(
                    site,
                    &target
                        .strip_prefix(site)
                        .unwrap_or(&target)
                        .display()
                        .to_string(),
                    StatusCode::OK,
                )
            } else {
                file(site, "404.html", StatusCode::NOT_FOUND)
            }
        }
    }
}

/// The timeline SVG of exercise `name`'s last run.
fn timeline(root: &Path, name: &str) -> Response<Full<Bytes>> {
    let svg = Course::load(root).ok().and_then(|course| {
        let (_, e) = course.exercise(name)?;
        let path =
            course_model::state::report_path(root, &e.check_bin(false)).with_extension("svg");
        std::fs::read(path).ok()
    });
    match svg {
        Some(bytes) => reply(StatusCode::OK, "image/svg+xml", bytes),
        None => reply(StatusCode::NOT_FOUND, "text/plain", b"no timeline".to_vec()),
    }
}

/// The course map: the book's front page with its content replaced by the
/// place the script draws the map in.
fn course_map(site: &Path) -> Option<String> {
    let html = std::fs::read_to_string(site.join("index.html")).ok()?;
    let start = html.find("<main>")? + "<main>".len();
    let end = html.find("</main>")?;
    let page = format!(
        "{}\n<h1 id=\"course-map\">Course map</h1>\n<p>Every exercise, with the verdict of your code's last run (it changes as you work).</p>\n<div id=\"live-map\"></div>\n{}",
        &html[..start],
        &html[end..]
    );
    Some(inject(&page.replacen("<title>", "<title>Course map - ", 1)))
}

/// A file of the built book; HTML pages get the live script.
fn file(site: &Path, relative: &str, status: StatusCode) -> Response<Full<Bytes>> {
    let path = site.join(relative);
    let body = std::fs::read(&path).unwrap_or_default();
    let kind = content_type(&path);
    if kind.starts_with("text/html") {
        let html = String::from_utf8_lossy(&body);
        return reply(status, kind, inject(&html).into_bytes());
    }
    reply(status, kind, body)
}

/// `html` with the live script and style.
fn inject(html: &str) -> String {
    match html.find("</head>") {
        Some(at) => format!("{}{INJECTED}{}", &html[..at], &html[at..]),
        None => html.to_owned(),
    }
}

fn reply(status: StatusCode, kind: &str, body: Vec<u8>) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", kind)
        .header("cache-control", "no-store")
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

/// The content type of a file of the book, by its extension.
pub fn content_type(file: &Path) -> &'static str {
    match file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Pages and their exercise, for tests: `03_threads/01_download.html` to
/// `download`.
pub fn pages_of(state: &State) -> BTreeMap<String, String> {
    state
        .exercises
        .iter()
        .map(|e| (e.page.clone(), e.name.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_in_a_line() {
        assert_eq!(summary(None, None), "not run yet");
        let mut report = verdict::Report::new("x")
            .with(verdict::Evidence::pass("correct", "ok"))
            .with(verdict::Evidence::pass("speed", "fast"));
        report.speedup = Some(verdict::Speedup {
            measured: 1.854,
            ceiling: 1.93,
        });
        assert_eq!(
            summary(Some(OutcomeKind::Pass), Some(&report)),
            "pass: 2 of 2 requirements hold, 1.85x where the machine allowed 1.93x"
        );
        let failed = report.diagnose("Updates were lost. Use fetch_add.");
        assert_eq!(
            summary(Some(OutcomeKind::Fail), Some(&failed)),
            "fail: Updates were lost."
        );
        assert_eq!(
            summary(Some(OutcomeKind::CompileError), None),
            "compile error: the check ended without a report"
        );
    }

    #[test]
    fn the_script_goes_in_the_head_of_html_only() {
        assert_eq!(
            inject("<html><head><title>x</title></head><body></body></html>"),
            format!("<html><head><title>x</title>{INJECTED}</head><body></body></html>")
        );
        assert_eq!(inject("no head"), "no head");
    }

    #[test]
    fn the_state_has_every_exercise_with_its_page_and_file() {
        // The course's own state folder may hold progress: only the shape
        // is checked.
        let root = crate::course_root();
        let state = state(&root).unwrap();
        assert_eq!(
            state.exercises.len(),
            Course::load(&root).unwrap().exercises.len()
        );
        let first = &state.exercises[0];
        assert_eq!(first.page, "01_why/01_heartbeat.html");
        assert_eq!(first.file, "exercises/01_why/01_heartbeat/src/lib.rs");
        assert!(state.max_points > 0);
        assert_eq!(pages_of(&state)["01_why/01_heartbeat.html"], "heartbeat");
    }
}
