//! What the fixture tests share.

use verdict::{Report, Status, Verdict};

/// Why `report` does not fail on `evidence` with a diagnosis containing
/// `cause`, if it does not.
pub fn fails_as_expected(report: &Report, evidence: &str, cause: &str) -> Result<(), String> {
    let shown = report.to_json();
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
