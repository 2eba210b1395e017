//! Renders a [`Gradebook`] as GitHub Classroom's autograding result: the
//! JSON object its grading reporter (`autograding-grading-reporter`) reads,
//! base64-encoded, from a `<RUNNER>_RESULTS` variable. The reporter adds up
//! each test's `score` against `max_score` for the points it sends to
//! Classroom, and fails the job when `status` is `fail` or `error`.

use crate::cli::INVOCATION;
use crate::gradebook::{Gradebook, GradedExercise};
use crate::outcome::OutcomeKind;
use crate::report::grade_view::explanation;
use crate::report::outcome_view::verdict_word;
use serde::Serialize;
use std::io::{self, Write};

/// The version of the result format.
pub const VERSION: u32 = 1;

/// The whole result.
#[derive(Debug, Serialize)]
pub struct ClassroomResult {
    /// Always [`VERSION`].
    pub version: u32,
    /// `pass` when every exercise earned all its points, `fail` when one did
    /// not, `error` when the tree was not graded.
    pub status: &'static str,
    /// Why, when `status` is `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The points the course is worth.
    pub max_score: u32,
    /// One per exercise, in course order (one test named after the cause
    /// when the tree was not graded).
    pub tests: Vec<ClassroomTest>,
}

/// One exercise.
#[derive(Debug, Serialize)]
pub struct ClassroomTest {
    /// `01/01 heartbeat: Keep the heartbeat ticking`.
    pub name: String,
    /// `pass`, `fail` or `error`.
    pub status: &'static str,
    /// Points earned.
    pub score: u32,
    /// Points it is worth.
    pub max_score: u32,
    /// The verdict and its one-line reason.
    pub message: String,
    /// The command that shows the learner the whole report; the reporter
    /// prints it under the test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_code: Option<String>,
    /// The file the learner edits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// Always 0: the reporter appends ` - line N` to the name unless it is 0.
    pub line_no: u32,
    /// How long the check ran, in milliseconds (the reporter does not read
    /// it; it is there for people and scripts).
    pub duration: u64,
}

/// The result for `book`.
pub fn result(book: &Gradebook) -> ClassroomResult {
    if let Some(why) = &book.not_graded {
        let test = not_graded(why.cause.into(), book.max_points, why.details.clone());
        return alone(test, Some(why.headline.clone()));
    }
    ClassroomResult {
        version: VERSION,
        status: if book.full_marks() {
            "pass"
        } else if book.not_judged() > 0 {
            "error"
        } else {
            "fail"
        },
        message: Some(book.submission_lines().join("\n")).filter(|m| !m.is_empty()),
        max_score: book.max_points,
        tests: book
            .exercises
            .iter()
            .map(|e| test(e, book.solutions))
            .collect(),
    }
}

/// A result holding `test` alone, with its status and points.
fn alone(test: ClassroomTest, message: Option<String>) -> ClassroomResult {
    ClassroomResult {
        version: VERSION,
        status: test.status,
        message,
        max_score: test.max_score,
        tests: vec![test],
    }
}

/// A test that was not graded (status `error`, no points).
fn not_graded(name: String, max_score: u32, message: String) -> ClassroomTest {
    ClassroomTest {
        name,
        status: "error",
        score: 0,
        max_score,
        message,
        test_code: None,
        filename: None,
        line_no: 0,
        duration: 0,
    }
}

fn test(exercise: &GradedExercise, solutions: bool) -> ClassroomTest {
    let (word, _) = verdict_word(exercise.kind());
    let why = explanation(exercise);
    ClassroomTest {
        name: format!("{} {}: {}", exercise.label, exercise.name, exercise.title),
        status: match exercise.kind() {
            kind if kind.earns_points() => "pass",
            // The machine's fault, not the student's.
            OutcomeKind::NotJudged => "error",
            _ => "fail",
        },
        score: exercise.points,
        max_score: exercise.max_points,
        message: if why.is_empty() {
            word.to_owned()
        } else {
            format!("{word}: {why}")
        },
        test_code: (!solutions).then(|| format!("{INVOCATION} run {}", exercise.name)),
        filename: (!solutions).then(|| exercise.lib_file.clone()),
        line_no: 0,
        duration: exercise.elapsed.map_or(0, |d| d.as_millis() as u64),
    }
}

/// One result per exercise, each for a reporter runner of its own
/// (`grade --classroom-runners`), in course order: the runner's name (the
/// exercise's) and its result. Classroom's reporter scores a runner in its
/// log as passed tests / tests x the runner's `max_score`, and sends
/// Classroom the sum of the tests' scores: with one test per runner both
/// are that exercise's points, so both totals agree. When the tree was not
/// graded, each exercise's runner says why, with no points.
pub fn runners(book: &Gradebook, course: &crate::course::Course) -> Vec<(String, ClassroomResult)> {
    match &book.not_graded {
        None => book
            .exercises
            .iter()
            .map(|exercise| {
                let result = alone(test(exercise, book.solutions), None);
                (exercise.name.clone(), result)
            })
            .collect(),
        Some(why) => course
            .exercises
            .iter()
            .map(|exercise| {
                let name = format!("{} {}: {}", exercise.label(), exercise.name, exercise.title);
                let test = not_graded(
                    name,
                    exercise.points,
                    format!("not graded: {}", why.headline),
                );
                (
                    exercise.name.clone(),
                    alone(test, Some(why.headline.clone())),
                )
            })
            .collect(),
    }
}

/// Writes the result as pretty JSON.
pub fn write_json(out: &mut dyn Write, book: &Gradebook) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &result(book))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Course;
    use crate::outcome::Outcome;
    use crate::runner::CheckResult;
    use verdict::{Evidence, Report};

    /// GitHub Classroom's reporter, as its source reads
    /// (`autograding-grading-reporter`, v1): the log's total for a runner is
    /// passed tests / tests x the runner's `max_score`; the points it sends
    /// Classroom are the sum of the tests' `score`.
    fn reporter_totals(runners: &[ClassroomResult]) -> (f64, u32) {
        let logged = runners
            .iter()
            .map(|r| {
                let passed = r.tests.iter().filter(|t| t.status == "pass").count();
                passed as f64 / r.tests.len() as f64 * f64::from(r.max_score)
            })
            .sum();
        let sent = runners.iter().flat_map(|r| &r.tests).map(|t| t.score).sum();
        (logged, sent)
    }

    #[test]
    fn one_runner_per_exercise_makes_the_reporters_log_and_points_agree() {
        let course = Course::parse(
            "/course".into(),
            r#"
format_version = 1
[course]
title = "T"
timeout_secs = 30
[[exercise]]
name = "small"
dir = "01_a/01_small"
title = "Small"
points = 5
[[exercise]]
name = "big"
dir = "01_a/02_big"
title = "Big"
points = 20
[[exercise]]
name = "mid"
dir = "01_a/03_mid"
title = "Mid"
points = 10
"#,
        )
        .unwrap();
        let pass = |name: &str| {
            Outcome::Report(Report::new(name).with(Evidence::pass("correct", "right")))
        };
        let fail = |name: &str| {
            Outcome::Report(Report::new(name).with(Evidence::fail("correct", "wrong")))
        };
        let result = |outcome| CheckResult {
            exercise: String::new(),
            outcome,
            elapsed: None,
        };
        // The 20-point exercise fails: 15 of 35.
        let book = Gradebook::graded(
            &course,
            false,
            &[
                result(pass("small")),
                result(fail("big")),
                result(pass("mid")),
            ],
        );
        let split: Vec<ClassroomResult> = runners(&book, &course)
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        assert_eq!(split.len(), 3);
        assert_eq!(reporter_totals(&split), (15.0, 15));
        // All in one runner, the log says 2/3 x 35 = 23.33 for the same 15.
        let (logged, sent) = reporter_totals(&[super::result(&book)]);
        assert_eq!(sent, 15);
        assert!((logged - 70.0 / 3.0).abs() < 1e-9, "{logged}");
    }
}
