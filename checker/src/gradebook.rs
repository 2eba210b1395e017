//! Points per exercise: the outcomes of one run, weighed by the points in
//! `course.toml`. Plain data for the reporters (table, Classroom JSON,
//! JUnit, CI summary); it decides the grade and prints nothing.
//!
//! Correctness and structure carry the points: an exercise whose verdict is
//! a pass, or a pass with speed inconclusive on this machine, earns all its
//! points; any other outcome (fail, compile error, crash, timeout, an
//! untouched `todo!()`, work this machine could not judge) earns none. A
//! grade with an exercise not judged is the machine's fault, and says so.

use crate::course::Course;
use crate::outcome::{Outcome, OutcomeKind};
use crate::runner::CheckResult;
use std::time::Duration;
use verdict::Speedup;

/// The points an outcome earns out of `max`.
pub fn points_for(kind: OutcomeKind, max: u32) -> u32 {
    if kind.earns_points() { max } else { 0 }
}

/// One graded exercise.
#[derive(Debug, Clone)]
pub struct GradedExercise {
    /// Its short name.
    pub name: String,
    /// `03/01`.
    pub label: String,
    /// Its title.
    pub title: String,
    /// Its chapter's folder, `03_threads`.
    pub chapter: String,
    /// The file the learner edits, relative to the course root.
    pub lib_file: String,
    /// How its check ended.
    pub outcome: Outcome,
    /// Points earned.
    pub points: u32,
    /// Points it is worth.
    pub max_points: u32,
    /// How long its check ran (none when it was not built).
    pub elapsed: Option<Duration>,
}

impl GradedExercise {
    /// The outcome in one word.
    pub fn kind(&self) -> OutcomeKind {
        self.outcome.kind()
    }

    /// The measured speedup and the machine's ceiling, when the check
    /// reported them.
    pub fn speedup(&self) -> Option<Speedup> {
        match &self.outcome {
            Outcome::Report(report) => report.speedup,
            _ => None,
        }
    }
}

/// Why a tree was not graded at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotGraded {
    /// What stopped it, one word: `integrity` (a protected file differs)
    /// or `checker` (the checks could not be built or run).
    pub cause: &'static str,
    /// The reason in one line.
    pub headline: String,
    /// The whole message.
    pub details: String,
}

/// The grade of one run: every exercise with its points, or the reason the
/// tree was not graded at all.
#[derive(Debug)]
pub struct Gradebook {
    /// The course's title.
    pub course: String,
    /// Whether the reference solutions were graded.
    pub solutions: bool,
    /// The exercises in course order (empty when not graded).
    pub exercises: Vec<GradedExercise>,
    /// The points the whole course is worth.
    pub max_points: u32,
    /// Why the tree was not graded, when it was not.
    pub not_graded: Option<NotGraded>,
    /// What was taken from a submission graded in a clean copy of the
    /// course (`grade --submission`), and what was not.
    pub submission: Option<crate::submission::Submission>,
    /// The folders of each exercise a learner edits (`course.toml`).
    pub editable: Vec<String>,
}

impl Gradebook {
    /// Weighs the results of a run (one per exercise, in course order).
    pub fn graded(course: &Course, solutions: bool, results: &[CheckResult]) -> Gradebook {
        let exercises = course
            .exercises
            .iter()
            .zip(results)
            .map(|(exercise, result)| {
                let kind = result.outcome.kind();
                GradedExercise {
                    name: exercise.name.clone(),
                    label: exercise.label().to_owned(),
                    title: exercise.title.clone(),
                    chapter: exercise.dir.split('/').next().unwrap_or("").to_owned(),
                    lib_file: exercise.lib_file().display().to_string(),
                    outcome: result.outcome.clone(),
                    points: points_for(kind, exercise.points),
                    max_points: exercise.points,
                    elapsed: result.elapsed,
                }
            })
            .collect();
        Gradebook {
            course: course.info.title.clone(),
            solutions,
            exercises,
            max_points: course.total_points(),
            not_graded: None,
            submission: None,
            editable: course.info.editable.clone(),
        }
    }

    /// A tree that was not graded, and why: no exercise earns anything.
    pub fn not_graded(course: &Course, solutions: bool, why: NotGraded) -> Gradebook {
        Gradebook {
            course: course.info.title.clone(),
            solutions,
            exercises: Vec::new(),
            max_points: course.total_points(),
            not_graded: Some(why),
            submission: None,
            editable: course.info.editable.clone(),
        }
    }

    /// The grade of a course that could not even be loaded.
    pub fn unloaded(solutions: bool, why: NotGraded) -> Gradebook {
        Gradebook {
            course: "course".to_owned(),
            solutions,
            exercises: Vec::new(),
            max_points: 0,
            not_graded: Some(why),
            submission: None,
            editable: Vec::new(),
        }
    }

    /// The points earned.
    pub fn points(&self) -> u32 {
        self.exercises.iter().map(|e| e.points).sum()
    }

    /// Whether every exercise passed, and so earned all its points.
    pub fn full_marks(&self) -> bool {
        self.not_graded.is_none() && self.exercises.iter().all(|e| e.kind().earns_points())
    }

    /// How many exercises passed with speed not measured.
    pub fn speed_not_measured(&self) -> usize {
        self.exercises
            .iter()
            .filter(|e| e.kind() == OutcomeKind::Inconclusive)
            .count()
    }

    /// How many exercises passed.
    pub fn passed(&self) -> usize {
        self.exercises
            .iter()
            .filter(|e| e.kind().earns_points())
            .count()
    }

    /// What the grade says of the submission's files, in lines: what was
    /// taken, and every file outside the editable folders that was not used
    /// (up to [`crate::submission::LISTED`] by name). Empty when the grade
    /// is not of a submission.
    pub fn submission_lines(&self) -> Vec<String> {
        let Some(s) = &self.submission else {
            return Vec::new();
        };
        let mut lines = vec![format!(
            "Graded {} in a clean copy of the course: {} editable files taken (each exercise's {}).",
            s.dir.display(),
            s.taken,
            self.editable.join(", ")
        )];
        let listed = |files: &[String]| {
            let mut text = files
                .iter()
                .take(crate::submission::LISTED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if files.len() > crate::submission::LISTED {
                text.push_str(&format!(
                    " and {} more",
                    files.len() - crate::submission::LISTED
                ));
            }
            text
        };
        if !s.changed.is_empty() {
            lines.push(format!(
                "Not used: {} files outside the editable folders differ from the course's or are not in it: {}.",
                s.changed.len(),
                listed(&s.changed)
            ));
        }
        if !s.refused.is_empty() {
            lines.push(format!("Not taken: {}.", listed(&s.refused)));
        }
        if s.missing > 0 {
            lines.push(format!(
                "{} files of the course are not in the submission: the course's were used.",
                s.missing
            ));
        }
        lines
    }

    /// How many exercises this machine could not judge.
    pub fn not_judged(&self) -> usize {
        self.exercises
            .iter()
            .filter(|e| e.kind() == OutcomeKind::NotJudged)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::{Evidence, Report};

    #[test]
    fn speed_inconclusive_keeps_every_point_and_anything_else_loses_them() {
        assert_eq!(points_for(OutcomeKind::Pass, 15), 15);
        assert_eq!(points_for(OutcomeKind::Inconclusive, 15), 15);
        assert_eq!(points_for(OutcomeKind::NotJudged, 15), 0);
        for kind in [
            OutcomeKind::Fail,
            OutcomeKind::NotStarted,
            OutcomeKind::CompileError,
            OutcomeKind::Crashed,
            OutcomeKind::TimedOut,
        ] {
            assert_eq!(points_for(kind, 15), 0, "{kind:?}");
        }
    }

    #[test]
    fn a_busy_grading_machine_costs_no_points() {
        let course = Course::parse(
            "/course".into(),
            r#"
format_version = 1
[course]
title = "T"
timeout_secs = 30
[[exercise]]
name = "sum"
dir = "04_parallelism/03_sum"
title = "Sum"
points = 15
[[exercise]]
name = "slow"
dir = "04_parallelism/04_slow"
title = "Slow"
points = 10
"#,
        )
        .unwrap();
        let busy = Report::new("sum")
            .with(Evidence::pass("correct", "right"))
            .with(Evidence::pass("concurrent", "peak 2 of 2"))
            .with(Evidence::inconclusive("speed", "ceiling 1.03x"));
        let slow = Report::new("slow")
            .with(Evidence::pass("correct", "right"))
            .with(Evidence::fail("speed", "0.9x"));
        let result = |outcome| CheckResult {
            exercise: String::new(),
            outcome,
            elapsed: None,
        };
        let book = Gradebook::graded(
            &course,
            false,
            &[result(Outcome::Report(busy)), result(Outcome::Report(slow))],
        );
        assert_eq!(book.exercises[0].points, 15);
        assert_eq!(book.exercises[1].points, 0);
        assert_eq!((book.points(), book.max_points), (15, 25));
        assert_eq!(book.speed_not_measured(), 1);
        assert!(!book.full_marks());
        assert_eq!(book.exercises[0].chapter, "04_parallelism");
    }
}
