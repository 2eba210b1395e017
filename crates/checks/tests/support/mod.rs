//! What the fixture tests share.

use verdict::{Report, Status, Verdict};

/// Why `report` does not fail on `evidence` with a diagnosis containing
/// `cause`, if it does not.
///
/// With `FIXTURES_ON_ONE_CORE` set (the load matrix's one-CPU condition,
/// `taskset -c 0`) or `FIXTURES_UNDER_LOAD` (its conditions with other
/// programs busy), a wrong version need only earn nothing: on one core
/// nothing runs side by side, and on a machine busy enough a time out
/// cannot be told from a slow run, so a check may rightly say "not
/// judged" (or fail on other evidence) where a quiet machine shows the
/// mistake. Passing, or passing with only speed not measured, is wrong
/// everywhere.
pub fn fails_as_expected(report: &Report, evidence: &str, cause: &str) -> Result<(), String> {
    let shown = report.to_json();
    if std::env::var_os("FIXTURES_ON_ONE_CORE").is_some()
        || std::env::var_os("FIXTURES_UNDER_LOAD").is_some()
    {
        return if report.verdict().earns_points() {
            Err(format!(
                "should earn nothing, even on a busy machine:\n{shown}"
            ))
        } else {
            Ok(())
        };
    }
    if report.verdict() != Verdict::Fail {
        return Err(format!("should fail:\n{shown}"));
    }
    let Some(failed) = report.evidence.iter().find(|e| e.status == Status::Fail) else {
        return Err(format!("no failing evidence:\n{shown}"));
    };
    if failed.name != evidence {
        return Err(format!(
            "failed on {:?}, not {evidence:?}:\n{shown}",
            failed.name
        ));
    }
    let diagnosis = report.diagnosis.as_deref().unwrap_or_default();
    if !diagnosis.contains(cause) {
        return Err(format!("diagnosis should mention {cause:?}:\n{shown}"));
    }
    Ok(())
}

/// How many times a wrong version runs while the machine leaves it "not
/// judged".
pub const TRIES: usize = 3;

/// Why the wrong version `name` does not fail `check` on `evidence` with a
/// diagnosis containing `cause` ([`fails_as_expected`]), if it does not.
///
/// A run the machine left "not judged" (other programs kept the cores busy,
/// so the mistake could not show) is run again, up to [`TRIES`] times in
/// all. A version still not judged after that earned nothing every time:
/// that is accepted with a warning on the test's output, since the machine
/// could not show the mistake, unless `FIXTURES_STRICT` is set (the load
/// matrix's quiet condition), where only the failure itself will do.
pub fn wrong_one(
    name: &str,
    mut check: impl FnMut() -> Report,
    evidence: &str,
    cause: &str,
) -> Result<(), String> {
    let lenient = std::env::var_os("FIXTURES_ON_ONE_CORE").is_some()
        || std::env::var_os("FIXTURES_UNDER_LOAD").is_some();
    let mut report = check();
    for _ in 1..TRIES {
        if lenient || report.verdict() != Verdict::NotJudged {
            break;
        }
        report = check();
    }
    show(&report);
    if !lenient
        && report.verdict() == Verdict::NotJudged
        && std::env::var_os("FIXTURES_STRICT").is_none()
    {
        eprintln!(
            "warning: {name} was not judged in {TRIES} runs: other programs kept the cores too busy to show its mistake (it earned nothing each time)"
        );
        return Ok(());
    }
    fails_as_expected(&report, evidence, cause)
}

/// Prints `report` when `SHOW_REPORTS` is set.
pub fn show(report: &Report) {
    if std::env::var_os("SHOW_REPORTS").is_some() {
        eprintln!("{}", report.to_json());
    }
}

/// Why `report`, from a right answer, does not complete its exercise, if it
/// does not: every piece of evidence must pass or be "not judged" (the
/// machine could not show it), and nothing may panic.
#[allow(dead_code)] // (the process fixtures are all wrong ones)
pub fn passes(report: &Report) -> Result<(), String> {
    if report.verdict().is_done() {
        Ok(())
    } else {
        Err(format!("a right answer should pass:\n{}", report.to_json()))
    }
}
