//! `watch`: runs the current exercise, then again on every save in its
//! folder; single keys steer it (q quit, r re-run, h hint, n next).

use crate::app::{App, Grade};
use crate::commands::{hint, show};
use crate::interrupt;
use crate::keys::{self, RawMode};
use crate::style::Paint;
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use course_model::snapshot::Snapshot;

/// Names a built `book` program for `watch --book` to serve the book with,
/// instead of `cargo run -p book`.
pub const BOOK_SERVER_ENV: &str = "CHECKER_BOOK_SERVER";

/// How long the folder must be quiet after a save before a run.
const DEBOUNCE: Duration = Duration::from_millis(200);

enum Input {
    Key(u8),
    Closed,
    Saved,
    WatchFailed(String),
}

/// `watch`; with `timeline`, each run's timeline is drawn too; with
/// `book`, the book is served beside it with the learner's own state.
pub fn watch(
    app: &mut App,
    out: &mut dyn Write,
    timeline: bool,
    book: bool,
) -> anyhow::Result<Grade> {
    // Stopped, with everything it started, when this function returns.
    let server = if book {
        Some(BookServer::start(app)?)
    } else {
        None
    };
    let terminal = std::io::stdin().is_terminal();
    // Restored when this function returns, whichever way.
    let _raw = if terminal {
        Some(RawMode::enable()?)
    } else {
        None
    };
    let (sender, inputs) = mpsc::channel();
    let keys_sender = sender.clone();
    keys::spawn_reader(move |key| {
        let _ = keys_sender.send(key.map_or(Input::Closed, Input::Key));
    });
    let mut debouncer = new_debouncer(DEBOUNCE, move |result: DebounceEventResult| {
        let _ = sender.send(match result {
            Ok(_) => Input::Saved,
            Err(err) => Input::WatchFailed(err.to_string()),
        });
    })?;

    let mut index = app.current();
    let mut watched = watch_exercise(&mut debouncer, app, index)?;
    loop {
        let mut seen = Snapshot::of([watched.as_path()]);
        if std::io::stdout().is_terminal() {
            write!(out, "\x1b[2J\x1b[H")?;
        }
        app.set_current(index);
        let kind = show::check_one(app, out, index, timeline)?;
        let exercise = &app.course.exercises[index];
        let keys = if kind.is_done() {
            "q quit · r re-run · h hint · n next"
        } else {
            "q quit · r re-run · h hint"
        };
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            app.style.paint(
                Paint::Dim,
                &format!(
                    "watching {} for saves · {keys}{}",
                    exercise.exercise_dir().display(),
                    server.as_ref().map(BookServer::line).unwrap_or_default()
                )
            )
        )?;
        out.flush()?;
        loop {
            match inputs.recv_timeout(Duration::from_millis(100)) {
                Ok(Input::Key(b'q')) | Ok(Input::Closed) => return Ok(Grade::Passed),
                Ok(Input::Key(b'r')) => break,
                Ok(Input::Saved) => {
                    // Reading a file is an event too (cargo reads them all):
                    // run again only when something really changed.
                    let now = Snapshot::of([watched.as_path()]);
                    if now != seen {
                        break;
                    }
                    seen = now;
                }
                Ok(Input::Key(b'h')) => {
                    writeln!(out)?;
                    hint::reveal(app, out, index)?;
                    out.flush()?;
                }
                Ok(Input::Key(b'n')) if kind.is_done() => {
                    let Some(next) = app.progress.next_not_done(&app.course, index) else {
                        writeln!(out, "Every exercise is done. Well measured!")?;
                        continue;
                    };
                    let _ = debouncer.watcher().unwatch(&watched);
                    index = next;
                    watched = watch_exercise(&mut debouncer, app, index)?;
                    break;
                }
                Ok(Input::Key(b'n')) => {
                    writeln!(out, "n moves on once this exercise passes.")?;
                    out.flush()?;
                }
                Ok(Input::Key(_)) => {}
                Ok(Input::WatchFailed(err)) => {
                    writeln!(out, "watching failed: {err}")?;
                    out.flush()?;
                }
                Err(RecvTimeoutError::Timeout) => {
                    if interrupt::requested() {
                        return Ok(Grade::Passed);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(Grade::Passed),
            }
        }
    }
}

/// The book served beside the watcher: `cargo run -p book -- serve` in a
/// process group of its own, its output in the state folder, stopped with
/// its group on drop. The checker itself serves nothing.
///
/// [`BOOK_SERVER_ENV`], when set, names a built `book` program to run
/// instead of `cargo run -p book` (the book's tests run the one cargo
/// built for them).
struct BookServer {
    child: std::process::Child,
    url: String,
    log: PathBuf,
}

impl BookServer {
    fn start(app: &App) -> anyhow::Result<BookServer> {
        use std::os::unix::process::CommandExt;
        // A free port now; the server takes it a moment later.
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let dir = crate::state::state_dir(&app.course.root);
        std::fs::create_dir_all(&dir)?;
        let log = dir.join("book-server.log");
        let file = std::fs::File::create(&log)?;
        let mut command = match std::env::var_os(BOOK_SERVER_ENV) {
            Some(book) if !book.is_empty() => std::process::Command::new(book),
            _ => {
                let mut cargo = std::process::Command::new(&app.cargo);
                cargo.args(["run", "--quiet", "-p", "book", "--"]);
                cargo
            }
        };
        let child = command
            .args(["serve", "--port"])
            .arg(port.to_string())
            .arg("--course")
            .arg(&app.course.root)
            .current_dir(&app.course.root)
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .process_group(0)
            .spawn()
            .map_err(|e| anyhow::anyhow!("could not start the book's server: {e}"))?;
        // Not one of a check's processes: the sweep after each check must
        // leave it running.
        crate::contain::spare(child.id() as i32);
        Ok(BookServer {
            child,
            url: format!("http://127.0.0.1:{port}/"),
            log: crate::state::shown(&app.course.root, &log),
        })
    }

    /// What the watcher's status line says of it.
    fn line(&self) -> String {
        format!(
            "\nthe book, with your verdicts: {} (the first start compiles mdBook; its log: {})",
            self.url,
            self.log.display()
        )
    }
}

impl Drop for BookServer {
    fn drop(&mut self) {
        if let Some(group) = rustix::process::Pid::from_raw(self.child.id() as i32) {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::TERM);
        }
        let _ = self.child.wait();
    }
}

/// Starts watching the folder of exercise `index` and returns it.
fn watch_exercise(
    debouncer: &mut Debouncer<RecommendedWatcher>,
    app: &App,
    index: usize,
) -> anyhow::Result<PathBuf> {
    let dir = app
        .course
        .root
        .join(app.course.exercises[index].exercise_dir());
    debouncer.watcher().watch(&dir, RecursiveMode::Recursive)?;
    Ok(dir)
}
