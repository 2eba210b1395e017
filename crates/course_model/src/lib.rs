//! The course model: reads `course.toml` and derives every path and name of
//! an exercise from its `dir`.
//!
//! For an exercise named `N` in `dir` `D`: the learner's crate is
//! `exercises/D` (package `N`, check binary `check_N`), the answered one is
//! `solutions/D` (package `N_solution`, binary `check_N_solution`), the book
//! page is `src/D.md`, and the label is the numeric prefixes of `D`, `03/01`.
//!
//! The checker, the book and the tests all read `course.toml` through this
//! crate, and an unknown key is an error: a typo such as `hint = [...]`
//! must not silently leave an exercise without hints.

pub mod copy;
pub mod label;
pub mod progress;
pub mod snapshot;
pub mod state;
pub mod time;

pub use label::{check_name, label_of};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The name of the course file at the root of a course.
pub const COURSE_FILE: &str = "course.toml";

/// The `format_version` this checker understands.
pub const FORMAT_VERSION: u32 = 1;

/// Why the course could not be loaded.
#[derive(Debug)]
pub enum CourseError {
    /// No `course.toml` in the starting folder or any folder above it.
    NotFound {
        /// Where the search started.
        start: PathBuf,
        /// Whether folders above `start` were searched too.
        searched_up: bool,
    },
    /// The file exists but could not be read.
    Read {
        /// The course file.
        path: PathBuf,
        /// The reason.
        source: std::io::Error,
    },
    /// The file is not valid TOML or misses a field.
    Parse {
        /// The course file.
        path: PathBuf,
        /// The TOML parser's message.
        message: String,
    },
    /// The file parses but says something impossible.
    Invalid {
        /// The course file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for CourseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CourseError::NotFound {
                start,
                searched_up: true,
            } => write!(
                f,
                "no {COURSE_FILE} in {} or any folder above it: run the checker from inside the course, or pass --course <DIR>",
                start.display()
            ),
            CourseError::NotFound { start, .. } => {
                write!(f, "no {COURSE_FILE} in {}", start.display())
            }
            CourseError::Read { path, source } => {
                write!(f, "could not read {}: {source}", path.display())
            }
            CourseError::Parse { path, message } => {
                write!(
                    f,
                    "{} is not a valid course file: {}",
                    path.display(),
                    message.trim_end()
                )
            }
            CourseError::Invalid { path, message } => {
                write!(f, "{}: {message}", path.display())
            }
        }
    }
}

impl std::error::Error for CourseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CourseError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `course.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CourseFile {
    format_version: u32,
    course: CourseInfo,
    #[serde(default, rename = "exercise")]
    exercises: Vec<Exercise>,
}

/// The `[course]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseInfo {
    /// The course's title, shown above the progress.
    pub title: String,
    /// Seconds a check may run before it is stopped and called a hang.
    pub timeout_secs: u64,
    /// The folders of each exercise's crate a learner edits (`["src"]`):
    /// all that `grade --submission` takes from a submission.
    #[serde(default = "default_editable")]
    pub editable: Vec<String>,
}

fn default_editable() -> Vec<String> {
    vec!["src".to_owned()]
}

/// One `[[exercise]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Short name: the cargo package and the key in the progress file.
    pub name: String,
    /// Folder under `exercises/` and `solutions/`, e.g. `03_threads/01_download`.
    pub dir: String,
    /// Shown next to the name.
    pub title: String,
    /// Points for passing it.
    pub points: u32,
    /// Revealed one at a time by `hint`.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Overrides the course's `timeout_secs`.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// What the checker reads the learner's sources for before it builds
    /// them, besides what it reads every exercise for (code that reaches
    /// outside its crate: `#[path]`, `include!` of other files, the
    /// solutions). `["memory_ordering"]`: a lock built on `Relaxed` atomics
    /// fails, a data race that no run on x86 can show.
    #[serde(default)]
    pub source_rules: Vec<SourceRule>,
    /// For an exercise that ships with working-but-wrong code (the bug the
    /// learner is asked to fix) instead of a `todo!()`: words the diagnosis
    /// of the exercise as shipped must contain. `dev check` and the course's
    /// tests hold every other exercise to stopping at its `todo!()`.
    #[serde(default)]
    pub ships_with_a_bug: Option<String>,
    /// `03/01`, derived from `dir` when the course is loaded.
    #[serde(skip)]
    label: String,
}

/// A rule an exercise's sources are read for, named in `source_rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceRule {
    /// A lock must take with `Acquire` and give back with `Release`.
    MemoryOrdering,
}

impl Exercise {
    /// Whether its sources are read for this rule before they are built.
    pub fn reads_for(&self, rule: SourceRule) -> bool {
        self.source_rules.contains(&rule)
    }

    /// The label shown to the learner, e.g. `03/01`.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The learner's cargo package.
    pub fn package(&self) -> String {
        self.name.clone()
    }

    /// The answered crate's cargo package.
    pub fn solution_package(&self) -> String {
        format!("{}_solution", self.name)
    }

    /// The check binary of the learner's crate, or of the solution's.
    pub fn check_bin(&self, solution: bool) -> String {
        if solution {
            format!("check_{}_solution", self.name)
        } else {
            format!("check_{}", self.name)
        }
    }

    /// The learner's crate, relative to the course root.
    pub fn exercise_dir(&self) -> PathBuf {
        Path::new("exercises").join(&self.dir)
    }

    /// The answered crate, relative to the course root.
    pub fn solution_dir(&self) -> PathBuf {
        Path::new("solutions").join(&self.dir)
    }

    /// The file the learner edits, relative to the course root.
    pub fn lib_file(&self) -> PathBuf {
        self.exercise_dir().join("src").join("lib.rs")
    }

    /// The book page, relative to the course root.
    pub fn page(&self) -> PathBuf {
        Path::new("src").join(format!("{}.md", self.dir))
    }

    /// How long the check may run.
    pub fn timeout(&self, course: &CourseInfo) -> Duration {
        Duration::from_secs(self.timeout_secs.unwrap_or(course.timeout_secs))
    }
}

/// A loaded course: where it is, its settings and its exercises in order.
#[derive(Debug, Clone)]
pub struct Course {
    /// The folder holding `course.toml` (canonical).
    pub root: PathBuf,
    /// The `[course]` table.
    pub info: CourseInfo,
    /// The exercises, in course order.
    pub exercises: Vec<Exercise>,
}

impl Course {
    /// Loads the course whose `course.toml` is in `root`.
    pub fn load(root: &Path) -> Result<Course, CourseError> {
        Course::find(root, Some(Path::new(".")))
    }

    /// Loads the course at `explicit`, or the first one found searching up
    /// from `start`.
    pub fn find(start: &Path, explicit: Option<&Path>) -> Result<Course, CourseError> {
        let root = match explicit {
            Some(dir) => {
                let dir = start.join(dir);
                if !dir.join(COURSE_FILE).is_file() {
                    return Err(CourseError::NotFound {
                        start: dir,
                        searched_up: false,
                    });
                }
                dir
            }
            None => start
                .ancestors()
                .find(|dir| dir.join(COURSE_FILE).is_file())
                .ok_or_else(|| CourseError::NotFound {
                    start: start.to_owned(),
                    searched_up: true,
                })?
                .to_owned(),
        };
        let root = root.canonicalize().unwrap_or(root);
        let path = root.join(COURSE_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| CourseError::Read {
            path: path.clone(),
            source,
        })?;
        Course::parse(root, &text)
    }

    /// Parses the text of a `course.toml` found in `root`.
    pub fn parse(root: PathBuf, text: &str) -> Result<Course, CourseError> {
        let path = root.join(COURSE_FILE);
        let file: CourseFile = toml::from_str(text).map_err(|err| CourseError::Parse {
            path: path.clone(),
            message: err.to_string(),
        })?;
        let invalid = |message: String| CourseError::Invalid {
            path: path.clone(),
            message,
        };
        if file.format_version != FORMAT_VERSION {
            return Err(invalid(format!(
                "format_version {} is not supported (this checker reads version {FORMAT_VERSION}): update the checker",
                file.format_version
            )));
        }
        if file.course.timeout_secs == 0 {
            return Err(invalid("course.timeout_secs must be at least 1".into()));
        }
        let mut exercises = file.exercises;
        if exercises.is_empty() {
            return Err(invalid("the course has no [[exercise]] yet".into()));
        }
        for exercise in exercises.iter_mut() {
            check_name(&exercise.name).map_err(&invalid)?;
            exercise.label = label_of(&exercise.dir)
                .map_err(|why| invalid(format!("exercise `{}`: {why}", exercise.name)))?;
            if exercise.timeout_secs == Some(0) {
                return Err(invalid(format!(
                    "exercise `{}`: timeout_secs must be at least 1",
                    exercise.name
                )));
            }
        }
        for (i, exercise) in exercises.iter().enumerate() {
            if exercises[..i].iter().any(|e| e.name == exercise.name) {
                return Err(invalid(format!(
                    "two exercises are named `{}`",
                    exercise.name
                )));
            }
        }
        Ok(Course {
            root,
            info: file.course,
            exercises,
        })
    }

    /// The exercise with this name, and its position.
    pub fn exercise(&self, name: &str) -> Option<(usize, &Exercise)> {
        self.exercises
            .iter()
            .enumerate()
            .find(|(_, e)| e.name == name)
    }

    /// The sum of every exercise's points.
    pub fn total_points(&self) -> u32 {
        self.exercises.iter().map(|e| e.points).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
format_version = 1
[course]
title = "T"
timeout_secs = 30

[[exercise]]
name = "download"
dir = "03_threads/01_download"
title = "Download pages"
points = 10
hints = ["one", "two"]

[[exercise]]
name = "pool"
dir = "03_threads/03_pool"
title = "Pool"
points = 20
timeout_secs = 60
source_rules = ["memory_ordering"]
ships_with_a_bug = "lost"
"#;

    fn parse(text: &str) -> Result<Course, CourseError> {
        Course::parse(PathBuf::from("/course"), text)
    }

    #[test]
    fn derives_every_name_and_path_from_dir() {
        let course = parse(GOOD).unwrap();
        let (index, download) = course.exercise("download").unwrap();
        assert_eq!(index, 0);
        assert_eq!(download.label(), "03/01");
        assert_eq!(download.package(), "download");
        assert_eq!(download.solution_package(), "download_solution");
        assert_eq!(download.check_bin(false), "check_download");
        assert_eq!(download.check_bin(true), "check_download_solution");
        assert_eq!(
            download.lib_file(),
            Path::new("exercises/03_threads/01_download/src/lib.rs")
        );
        assert_eq!(
            download.solution_dir(),
            Path::new("solutions/03_threads/01_download")
        );
        assert_eq!(download.page(), Path::new("src/03_threads/01_download.md"));
        assert_eq!(download.timeout(&course.info), Duration::from_secs(30));
        let pool = &course.exercises[1];
        assert_eq!(pool.timeout(&course.info), Duration::from_secs(60));
        assert!(pool.reads_for(SourceRule::MemoryOrdering));
        assert!(!download.reads_for(SourceRule::MemoryOrdering));
        assert_eq!(pool.ships_with_a_bug.as_deref(), Some("lost"));
        assert_eq!(download.ships_with_a_bug, None);
        assert_eq!(course.total_points(), 30);
    }

    #[test]
    fn bad_toml_is_a_clear_error() {
        let err = parse("format_version = 1\n[course\n").unwrap_err();
        assert!(matches!(err, CourseError::Parse { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.starts_with("/course/course.toml is not a valid course file"),
            "{text}"
        );
        assert!(text.contains("line 2"), "{text}");
    }

    #[test]
    fn a_missing_field_names_the_field() {
        let err = parse("format_version = 1\n[course]\ntitle = \"T\"\n").unwrap_err();
        assert!(err.to_string().contains("timeout_secs"), "{err}");
    }

    #[test]
    fn impossible_courses_are_refused() {
        let twice = GOOD.replace("name = \"pool\"", "name = \"download\"");
        assert!(
            parse(&twice)
                .unwrap_err()
                .to_string()
                .contains("two exercises")
        );
        let version = GOOD.replace("format_version = 1", "format_version = 2");
        assert!(
            parse(&version)
                .unwrap_err()
                .to_string()
                .contains("format_version 2")
        );
        let rule = GOOD.replace("\"memory_ordering\"", "\"memory_order\"");
        assert!(
            parse(&rule)
                .unwrap_err()
                .to_string()
                .contains("memory_ordering")
        );
        let name = GOOD.replace("name = \"pool\"", "name = \"Pool-2\"");
        assert!(parse(&name).unwrap_err().to_string().contains("`Pool-2`"));
        let dir = GOOD.replace("03_threads/03_pool", "threads/pool");
        assert!(
            parse(&dir)
                .unwrap_err()
                .to_string()
                .contains("exercise `pool`")
        );
    }

    #[test]
    fn an_unknown_key_is_an_error_that_names_it() {
        // `hint` for `hints`: without deny_unknown_fields the exercise would
        // silently have no hints.
        let typo = GOOD.replace("hints = [", "hint = [");
        let err = parse(&typo).unwrap_err().to_string();
        assert!(err.contains("unknown field `hint`"), "{err}");
        let course = GOOD.replace("timeout_secs = 30", "timeout_secs = 30\ntimeout = 5");
        let err = parse(&course).unwrap_err().to_string();
        assert!(err.contains("unknown field `timeout`"), "{err}");
        let top = format!("{GOOD}\n[extra]\nx = 1\n");
        let err = parse(&top).unwrap_err().to_string();
        assert!(err.contains("unknown field `extra`"), "{err}");
    }

    #[test]
    fn load_reads_the_course_in_its_root() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(COURSE_FILE), GOOD).unwrap();
        let course = Course::load(dir.path()).unwrap();
        assert_eq!(course.exercises.len(), 2);
        assert!(Course::load(&dir.path().join("nowhere")).is_err());
    }

    #[test]
    fn finds_the_course_in_a_parent_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(COURSE_FILE), GOOD).unwrap();
        let deep = dir.path().join("exercises/03_threads");
        std::fs::create_dir_all(&deep).unwrap();
        let course = Course::find(&deep, None).unwrap();
        assert_eq!(course.root, dir.path().canonicalize().unwrap());
        let err = Course::find(&deep, Some(Path::new("elsewhere"))).unwrap_err();
        assert!(matches!(err, CourseError::NotFound { .. }));
    }
}
