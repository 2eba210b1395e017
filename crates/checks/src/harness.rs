//! Running a check: catch the learner's panics (a `todo!()` above all) and
//! turn them into a report, then write the report where the checker asked.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use verdict::{Evidence, Panicked, REPORT_PATH_ENV, Report};

/// The checker's random challenge for this run, when it sent one.
static CHALLENGE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

/// The checker's random challenge for this run ([`crate::challenge`]).
pub(crate) fn challenge() -> Option<u64> {
    CHALLENGE.get().copied()
}

/// Every panic since the current check started, in order.
static PANICS: Mutex<Vec<Panicked>> = Mutex::new(Vec::new());

/// Runs `check` for `exercise` and sends its report to the checker through
/// the channel it opened ([`verdict::channel`]: taken here, before any of
/// the learner's code runs); without one, writes it to the file named by
/// `CHECK_REPORT`, or to standard output when that is unset too. Exits 0
/// whatever the verdict: the verdict is in the report.
///
/// Started as `check_x --expect <challenge>` (by the checker, to verify a
/// report's answer, [`crate::challenge`]) it prints the right answer's
/// digest, or `none`, then the least traffic a passing run sends through
/// the checker's relay, if the exercise has one; and runs nothing else:
/// no check, none of the learner's code.
pub fn main(exercise: &str, check: impl FnOnce() -> Report) {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some(verdict::channel::EXPECT_ARG) {
        let digest = args
            .next()
            .and_then(|hex| u64::from_str_radix(&hex, 16).ok())
            .and_then(|seed| crate::challenge::expected(exercise, seed));
        println!("{}", digest.as_deref().unwrap_or("none"));
        if let Some(served) = crate::challenge::served(exercise) {
            println!("{}", served.line());
        }
        return;
    }
    let channel = verdict::channel::Channel::take();
    if let Some(relay) = channel.as_ref().and_then(verdict::channel::Channel::relay) {
        measured::server::route_through(relay);
    }
    if let Some(seed) = channel
        .as_ref()
        .and_then(verdict::channel::Channel::challenge)
    {
        let _ = CHALLENGE.set(seed);
    }
    let dir = std::env::var_os(verdict::STATE_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map_or_else(|| std::path::PathBuf::from(".checker"), Into::into);
    let _ = FILES_DIR.set(dir);
    let report = run(exercise, check);
    if let Some(channel) = channel {
        if let Err(e) = channel.send(report) {
            eprintln!("could not send the report to the checker: {e}");
            std::process::exit(70);
        }
        return;
    }
    let json = report.to_json();
    match std::env::var_os(REPORT_PATH_ENV) {
        Some(path) => {
            if let Err(e) = std::fs::write(&path, json) {
                eprintln!("could not write the report to {}: {e}", path.display());
                std::process::exit(70);
            }
        }
        None => println!("{json}"),
    }
}

/// Runs `check`, turning a panic that escapes it into a failing report that
/// names the first panic of the run (the cause; later ones are usually a
/// `join().unwrap()` passing it on).
pub fn run(exercise: &str, check: impl FnOnce() -> Report) -> Report {
    PANICS.lock().unwrap_or_else(|e| e.into_inner()).clear();
    crate::processes::clear_starved();
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let message = panic_message(info.payload());
        let thread = std::thread::current().name().map(str::to_owned);
        PANICS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Panicked {
                message,
                location: info.location().map(|l| l.to_string()),
                thread,
            });
        previous(info);
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(check));
    let _ = panic::take_hook();
    match result {
        Ok(report) => match crate::processes::starved() {
            Some(slowdown) => excuse_time_out(report, slowdown),
            None => report,
        },
        Err(_) => {
            let first = PANICS
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .first()
                .cloned()
                .unwrap_or(Panicked {
                    message: "a panic without a message".to_owned(),
                    location: None,
                    thread: None,
                });
            panicked(exercise, first)
        }
    }
}

/// A report whose run timed out while the machine had `slowdown` threads
/// ready to run per core, beyond what the watchdog
/// stretches for: its failures become "not judged", since a slow run cannot
/// be told from a hung one there.
pub(crate) fn excuse_time_out(mut report: Report, slowdown: f64) -> Report {
    if report.verdict() != verdict::Verdict::Fail || report.panicked.is_some() {
        return report;
    }
    for evidence in &mut report.evidence {
        if evidence.status == verdict::Status::Fail {
            evidence.status = verdict::Status::Inconclusive;
            evidence.summary = format!(
                "{}: but this machine had {slowdown:.1} threads ready to run for each core meanwhile, so each ran at about 1/{slowdown:.1} of its speed (the limit stretches up to {} times), and a slow run cannot be told from a hung one right now; close other programs and run again",
                evidence.summary,
                crate::processes::MAX_STRETCH
            );
        }
    }
    report.diagnosis = None;
    report
}

/// The first panic of the current check, if any: the cause, when later ones
/// only pass it on (a scope or a `join().unwrap()`).
pub fn first_panic() -> Option<Panicked> {
    PANICS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .first()
        .cloned()
}

/// The report for a check ended by the learner's panic.
pub fn panicked(exercise: &str, panic: Panicked) -> Report {
    let at = panic
        .location
        .as_deref()
        .map(|l| format!(" at {l}"))
        .unwrap_or_default();
    // The checker shows where a todo!() stands; a panic needs its message.
    let mut report = if panic.is_todo() {
        Report::new(exercise).with(Evidence::fail("correct", "not started yet"))
    } else {
        Report::new(exercise)
            .with(Evidence::fail(
                "correct",
                format!("your code panicked{at}: {}", panic.message),
            ))
            .diagnose(format!(
                "Your code panicked{at}: {}. Read the message and the line it names.",
                panic.message
            ))
    };
    report.panicked = Some(panic);
    report
}

/// The message a panic carried, when it was a string.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// A chart of durations in milliseconds: `bars` are (label, time) pairs.
pub fn time_chart(
    title: impl Into<String>,
    bars: &[(&str, std::time::Duration)],
) -> verdict::Chart {
    verdict::Chart {
        title: title.into(),
        unit: "ms".into(),
        bars: bars
            .iter()
            .map(|(label, d)| verdict::Bar {
                label: (*label).to_owned(),
                value: d.as_secs_f64() * 1e3,
            })
            .collect(),
    }
}

/// Where checks may leave files for the learner; set only by [`main`], so
/// that checks run in-process (the tests) leave nothing behind.
static FILES_DIR: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// Where a check may leave a file for the learner (a picture, say): the
/// checker's state folder, [`verdict::STATE_DIR_ENV`] or `.checker` under the
/// course root, which is where the checker runs checks from. `None` when the
/// check runs in-process rather than as a check binary.
pub fn state_path(file: &str) -> Option<std::path::PathBuf> {
    FILES_DIR.get().map(|dir| dir.join(file))
}

/// Formats a duration in milliseconds for a report line: `412 ms`, `8.3 ms`.
pub fn ms(d: std::time::Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// A thread's real time in words, with the part it waited for a core when
/// there was one: "120 ms (80 ms of it waiting for a core behind other
/// programs, which is not counted)".
pub fn real_time_words(time: measured::clock::ThreadTime) -> String {
    if time.queued >= std::time::Duration::from_micros(500) {
        format!(
            "{} ({} of it waiting for a core behind other programs, which is not counted)",
            ms(time.wall),
            ms(time.queued)
        )
    } else {
        ms(time.wall)
    }
}

/// A fresh seed for this run, so answers cannot be learnt by heart (from
/// the standard library's randomly keyed hasher: not guessable from the
/// clock or the process id).
pub fn seed() -> u64 {
    measured::salt::fresh()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_out_on_a_starved_machine_is_not_judged() {
        use verdict::{Evidence, Status, Verdict};
        let hung = Report::new("x")
            .with(Evidence::fail("correct", "no result within 4 s"))
            .diagnose("never finished");
        let excused = excuse_time_out(hung, 5.5);
        assert_eq!(excused.verdict(), Verdict::NotJudged);
        assert_eq!(excused.evidence[0].status, Status::Inconclusive);
        assert!(
            excused.evidence[0]
                .summary
                .contains("5.5 threads ready to run for each core")
        );
        assert_eq!(excused.diagnosis, None);
        // A pass stays a pass.
        let fine = Report::new("x").with(Evidence::pass("correct", "ok"));
        assert_eq!(excuse_time_out(fine, 9.0).verdict(), Verdict::Pass);
    }

    /// The panic record is global: these tests take turns.
    static TURN: Mutex<()> = Mutex::new(());

    #[test]
    fn a_todo_becomes_a_not_started_report() {
        let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let report = run("x", || todo!());
        let panic = report.panicked.as_ref().unwrap();
        assert!(panic.is_todo());
        assert!(panic.location.as_deref().unwrap().contains("harness.rs"));
        assert_eq!(report.evidence[0].summary, "not started yet");
    }

    #[test]
    fn the_first_panic_is_named_not_the_join_that_passed_it_on() {
        let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let report = run("x", || {
            std::thread::spawn(|| panic!("the real cause"))
                .join()
                .unwrap();
            unreachable!()
        });
        assert_eq!(report.panicked.unwrap().message, "the real cause");
    }

    #[test]
    fn a_report_passes_through() {
        let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
        let report = run("x", || {
            Report::new("x").with(Evidence::pass("correct", "ok"))
        });
        assert_eq!(report.verdict(), verdict::Verdict::Pass);
    }
}
