//! What every command works with: the course, the learner's progress, the
//! output style and the cargo to call; and the grade a command returns.

use crate::course::Course;
use crate::exit_codes;
use crate::interrupt;
use crate::outcome::OutcomeKind;
use crate::progress::Progress;
use crate::runner::Runner;
use crate::style::Style;
use crate::timestamp::UtcTime;
use std::ffi::OsString;
use std::fmt;
use std::path::Path;

/// What a command concluded, turned into the exit status by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// Everything passed, or there was nothing to grade.
    Passed,
    /// At least one exercise did not pass.
    NotPassed,
    /// The checker could not get the result it needed (`doctor`).
    Unavailable,
    /// The tree was not graded: its protected files differ from the
    /// integrity manifest (`grade`).
    Refused,
}

impl Grade {
    /// The grade of one outcome.
    pub fn of(kind: OutcomeKind) -> Grade {
        if kind.is_done() {
            Grade::Passed
        } else {
            Grade::NotPassed
        }
    }

    /// The process exit status.
    pub fn exit_code(self) -> u8 {
        match self {
            Grade::Passed => exit_codes::SUCCESS,
            Grade::NotPassed => exit_codes::CHECK_FAILED,
            Grade::Unavailable => exit_codes::ENVIRONMENT_ERROR,
            Grade::Refused => exit_codes::INTEGRITY_FAILED,
        }
    }
}

/// An exercise name that the course does not have.
#[derive(Debug)]
pub struct UnknownExercise {
    /// The name given.
    pub name: String,
    /// The names the course has.
    pub known: Vec<String>,
}

impl fmt::Display for UnknownExercise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "course.toml has no exercise named `{}`; the exercises are: {}",
            self.name,
            self.known.join(", ")
        )
    }
}

impl std::error::Error for UnknownExercise {}

/// The state a command works on.
pub struct App {
    /// The course.
    pub course: Course,
    /// The learner's progress, saved by commands that change it.
    pub progress: Progress,
    /// How to print.
    pub style: Style,
    /// The cargo to build with: `$CARGO`, else `cargo`.
    pub cargo: OsString,
}

impl App {
    /// Loads the course (searching up from `cwd` unless `course_dir` is
    /// given) and its progress; an unreadable progress file is reported on
    /// standard error and replaced.
    pub fn open(cwd: &Path, course_dir: Option<&Path>) -> Result<App, crate::course::CourseError> {
        let course = Course::find(cwd, course_dir)?;
        let (progress, recovered) = Progress::load(&course, &UtcTime::now().compact());
        if let Some(recovered) = recovered {
            eprintln!("warning: {recovered}");
        }
        Ok(App {
            course,
            progress,
            style: Style::detect(),
            cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
        })
    }

    /// The index of the exercise called `name`.
    pub fn index_of(&self, name: &str) -> Result<usize, UnknownExercise> {
        self.course
            .exercise(name)
            .map(|(i, _)| i)
            .ok_or_else(|| UnknownExercise {
                name: name.to_owned(),
                known: self
                    .course
                    .exercises
                    .iter()
                    .map(|e| e.name.clone())
                    .collect(),
            })
    }

    /// The current exercise's index.
    pub fn current(&self) -> usize {
        self.progress.current_index(&self.course)
    }

    /// Makes exercise `index` the current one.
    pub fn set_current(&mut self, index: usize) {
        self.progress.current = Some(self.course.exercises[index].name.clone());
    }

    /// A runner for this course; compiler errors in colour when `color`.
    pub fn runner(&self, color: bool) -> Runner<'_> {
        Runner {
            cargo: &self.cargo,
            root: &self.course.root,
            color,
            locked: false,
            target_dir: None,
            interrupted: &interrupt::requested,
        }
    }

    /// Saves the progress file.
    pub fn save(&self) -> Result<(), crate::progress::SaveError> {
        self.progress.save(&self.course.root)
    }
}
