//! What running cannot show, reading can: before a crate is built, its
//! `src/` is read for code that reaches outside the crate (every exercise)
//! and for locks built on `Relaxed` atomics (the exercises whose
//! `source_rules` ask for it). A finding fails the exercise with a report of
//! its own, as a check would have written it; nothing is built or run.

use source_rules::{Family, Finding, Rules};
use std::path::Path;
use verdict::{Evidence, Report};

/// How many findings of one family the evidence lists; the rest are counted.
const LISTED: usize = 3;

/// The failing report for the crate at `crate_dir` (relative to the course
/// `root`), or `None` when its sources are fine.
pub fn check(root: &Path, crate_dir: &Path, exercise: &str, rules: Rules) -> Option<Report> {
    let findings = source_rules::scan_crate(&root.join(crate_dir), rules);
    report(root, exercise, &findings)
}

/// The report for `findings`, paths shown relative to the course `root`.
pub fn report(root: &Path, exercise: &str, findings: &[Finding]) -> Option<Report> {
    if findings.is_empty() {
        return None;
    }
    let roots: Vec<String> = [root.to_owned(), root.canonicalize().unwrap_or_default()]
        .iter()
        .filter(|r| !r.as_os_str().is_empty())
        .map(|r| format!("{}/", r.display()))
        .collect();
    let shown = |text: String| {
        roots
            .iter()
            .fold(text, |text, root| text.replace(root.as_str(), ""))
    };
    let mut report = Report::new(exercise);
    let mut diagnoses = Vec::new();
    for family in [Family::OwnWork, Family::MemoryOrdering] {
        let found: Vec<&Finding> = findings.iter().filter(|f| f.family == family).collect();
        if found.is_empty() {
            continue;
        }
        let mut summary: Vec<String> = found
            .iter()
            .take(LISTED)
            .map(|f| shown(f.to_string()))
            .collect();
        if found.len() > LISTED {
            summary.push(format!("and {} more", found.len() - LISTED));
        }
        report.push(Evidence::fail(family.evidence(), summary.join("; ")));
        diagnoses.push(family.diagnosis());
    }
    let mut diagnosis = diagnoses.join(". Also, ");
    diagnosis.push('.');
    Some(
        report
            .diagnose(diagnosis)
            .note("found by reading your sources before building them: nothing was built or run"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use verdict::Verdict;

    fn finding(family: Family, file: &str, line: usize, what: &str) -> Finding {
        Finding {
            family,
            file: PathBuf::from(file),
            line,
            what: what.into(),
        }
    }

    #[test]
    fn no_finding_no_report() {
        assert!(report(Path::new("/c"), "x", &[]).is_none());
    }

    #[test]
    fn each_family_fails_its_evidence_with_paths_from_the_course() {
        let findings = vec![
            finding(
                Family::OwnWork,
                "/c/exercises/a/src/lib.rs",
                3,
                "`#[path = \"../x\"]` loads /c/solutions/a/src/lib.rs, outside your crate",
            ),
            finding(
                Family::MemoryOrdering,
                "/c/exercises/a/src/lib.rs",
                9,
                "takes",
            ),
            finding(
                Family::MemoryOrdering,
                "/c/exercises/a/src/lib.rs",
                12,
                "gives",
            ),
            finding(
                Family::MemoryOrdering,
                "/c/exercises/a/src/lib.rs",
                13,
                "gives",
            ),
            finding(
                Family::MemoryOrdering,
                "/c/exercises/a/src/lib.rs",
                14,
                "gives",
            ),
        ];
        let report = report(Path::new("/c"), "a", &findings).unwrap();
        assert_eq!(report.verdict(), Verdict::Fail);
        let own = report.evidence("own work").unwrap();
        assert_eq!(
            own.summary,
            "exercises/a/src/lib.rs:3: `#[path = \"../x\"]` loads solutions/a/src/lib.rs, outside your crate"
        );
        let ordering = report.evidence("memory ordering").unwrap();
        assert!(
            ordering
                .summary
                .starts_with("exercises/a/src/lib.rs:9: takes; exercises/a/src/lib.rs:12: gives;"),
            "{}",
            ordering.summary
        );
        assert!(
            ordering.summary.ends_with("; and 1 more"),
            "{}",
            ordering.summary
        );
        let diagnosis = report.diagnosis.unwrap();
        assert!(diagnosis.contains("outside its own crate"), "{diagnosis}");
        assert!(diagnosis.contains("Acquire"), "{diagnosis}");
    }
}
