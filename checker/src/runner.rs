//! Runs checks: reads each crate's sources (a crate that fails on reading
//! gets its report without being built), builds every other requested check
//! binary in one cargo call, then runs each one, emitting [`Event`]s and
//! returning an [`Outcome`] per check.
//! It never prints: reporters turn the events and outcomes into output.

use crate::build::{self, BuildError, BuildTarget};
use crate::course::{Course, Exercise};
use crate::outcome::{Event, Outcome};
use crate::process::{self, Interrupted, RunError};
use crate::source_check;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One check to run: which binary of which package, for which exercise.
#[derive(Debug, Clone)]
pub struct CheckTarget {
    /// The exercise (or `machine` for the machine report).
    pub exercise: String,
    /// Where the crate is, relative to the course root.
    pub crate_dir: PathBuf,
    /// Package and binary to build.
    pub build: BuildTarget,
    /// How long it may run.
    pub timeout: Duration,
    /// What its `src/` is read for before it is built (`None`: not read).
    pub rules: Option<source_rules::Rules>,
}

impl CheckTarget {
    /// The check of the learner's crate, or of the solution's.
    pub fn for_exercise(course: &Course, exercise: &Exercise, solution: bool) -> Self {
        let (crate_dir, package) = if solution {
            (exercise.solution_dir(), exercise.solution_package())
        } else {
            (exercise.exercise_dir(), exercise.package())
        };
        CheckTarget {
            exercise: exercise.name.clone(),
            build: BuildTarget {
                package,
                bin: exercise.check_bin(solution),
                manifest: course.root.join(&crate_dir).join("Cargo.toml"),
            },
            crate_dir,
            timeout: exercise.timeout(&course.info),
            rules: Some(source_rules::Rules {
                memory_ordering: exercise.reads_for(crate::course::SourceRule::MemoryOrdering),
            }),
        }
    }
}

/// One finished check.
#[derive(Debug, Clone)]
pub struct CheckResult {
    /// The exercise it checked.
    pub exercise: String,
    /// How it ended.
    pub outcome: Outcome,
    /// How long the binary ran (none when it was not built).
    pub elapsed: Option<Duration>,
}

/// All the checks of one run, and how long building them took.
#[derive(Debug)]
pub struct RunSummary {
    /// In the order asked for.
    pub results: Vec<CheckResult>,
    /// Cargo's time.
    pub build_time: Duration,
}

/// Why checks could not be run at all.
#[derive(Debug)]
pub enum RunnerError {
    /// Cargo could not be started.
    Build(BuildError),
    /// A built check could not be started.
    Spawn {
        /// The executable.
        exe: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Its report folder could not be made.
    ReportDir(std::io::Error),
    /// Cargo failed without a compiler error: the machine's fault.
    Machine(String),
    /// Ctrl-C.
    Interrupted(Interrupted),
}

impl fmt::Display for RunnerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunnerError::Build(err) => err.fmt(f),
            RunnerError::Spawn { exe, source } => {
                write!(f, "could not start {}: {source}", exe.display())
            }
            RunnerError::ReportDir(err) => {
                write!(f, "could not create the checker's reports folder: {err}")
            }
            RunnerError::Machine(said) => write!(
                f,
                "the grading machine could not build the checks (no compiler error: cargo itself failed); nothing was graded. Cargo said:\n{said}"
            ),
            RunnerError::Interrupted(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for RunnerError {}

/// Builds and runs checks for the course at `root`.
pub struct Runner<'a> {
    /// The cargo to call.
    pub cargo: &'a OsString,
    /// The course root (a cargo workspace).
    pub root: &'a Path,
    /// Whether compiler errors may carry colour.
    pub color: bool,
    /// Build with `--locked` (a graded submission).
    pub locked: bool,
    /// Where cargo builds, when not the workspace's own `target/` (a graded
    /// submission's copy has one of its own).
    pub target_dir: Option<&'a Path>,
    /// Polled while checks run; true stops everything.
    pub interrupted: &'a dyn Fn() -> bool,
}

impl Runner<'_> {
    /// Builds all `targets` at once, then runs them one by one.
    pub fn run(
        &self,
        targets: &[CheckTarget],
        on_event: &mut dyn FnMut(Event<'_>),
    ) -> Result<RunSummary, RunnerError> {
        let report_dir = crate::state::state_dir(self.root).join("reports");
        std::fs::create_dir_all(&report_dir).map_err(RunnerError::ReportDir)?;

        // A crate that does not exist would fail the whole cargo call: keep
        // it out and say so on its own line.
        let missing: Vec<&CheckTarget> = targets
            .iter()
            .filter(|t| !t.build.manifest.is_file())
            .collect();
        // Sources that fail on reading are not built: their verdict is known.
        let read: Vec<Option<verdict::Report>> = targets
            .iter()
            .map(|t| {
                let rules = t.rules.filter(|_| t.build.manifest.is_file())?;
                source_check::check(self.root, &t.crate_dir, &t.exercise, rules)
            })
            .collect();
        let to_build: Vec<BuildTarget> = targets
            .iter()
            .zip(&read)
            .filter(|(t, read)| read.is_none() && t.build.manifest.is_file())
            .map(|(t, _)| t.build.clone())
            .collect();

        let started = Instant::now();
        on_event(Event::BuildStarted {
            count: to_build.len(),
        });
        let built = if to_build.is_empty() {
            Default::default()
        } else {
            build::build(
                self.cargo,
                self.root,
                self.color,
                self.locked,
                self.target_dir,
                &to_build,
                &mut |line| on_event(Event::BuildLine(line)),
            )
            .map_err(RunnerError::Build)?
        };
        if let Some(said) = built.machine_failure(&to_build) {
            return Err(RunnerError::Machine(said));
        }
        let build_time = started.elapsed();
        on_event(Event::BuildFinished {
            elapsed: build_time,
        });
        if (self.interrupted)() {
            return Err(RunnerError::Interrupted(Interrupted));
        }

        // Every binary's fingerprint, taken before any of them runs: a check
        // whose binary changed meanwhile (the learner's code of an earlier
        // check can write any file) is not trusted.
        let fingerprints: Vec<Option<String>> = targets
            .iter()
            .map(|t| {
                built
                    .result_for(&t.build)
                    .ok()
                    .and_then(|exe| fingerprint(&exe))
            })
            .collect();
        let mut results = Vec::with_capacity(targets.len());
        for ((target, read), built_as) in targets.iter().zip(read).zip(fingerprints) {
            if let Some(report) = read {
                results.push(not_run(target, Outcome::Report(report), on_event));
                continue;
            }
            if missing.iter().any(|m| std::ptr::eq(*m, target)) {
                let rendered = format!(
                    "there is no crate at {}: expected {}\n",
                    target.crate_dir.display(),
                    target.crate_dir.join("Cargo.toml").display()
                );
                results.push(not_run(
                    target,
                    Outcome::CompileError { rendered },
                    on_event,
                ));
                continue;
            }
            let exe = match built.result_for(&target.build) {
                Ok(exe) => exe,
                Err(rendered) => {
                    results.push(not_run(
                        target,
                        Outcome::CompileError { rendered },
                        on_event,
                    ));
                    continue;
                }
            };
            if fingerprint(&exe) != built_as {
                let outcome = Outcome::NotTrusted {
                    why: format!(
                        "its check binary {} changed after it was built, before it ran (something overwrote it)",
                        exe.display()
                    ),
                };
                results.push(not_run(target, outcome, on_event));
                continue;
            }
            on_event(Event::CheckStarted {
                exercise: &target.exercise,
            });
            let report_path = report_path(self.root, &target.build.bin);
            let started = Instant::now();
            let outcome = process::run_check(
                &exe,
                self.root,
                &report_path,
                target.timeout,
                self.interrupted,
            )
            .map_err(|err| match err {
                RunError::Spawn(source) => RunnerError::Spawn {
                    exe: exe.clone(),
                    source,
                },
                RunError::Interrupted(i) => RunnerError::Interrupted(i),
            })?;
            let elapsed = started.elapsed();
            // A sealed report about another exercise came from another
            // exercise's check binary: one copied over this one.
            let outcome = match outcome {
                Outcome::Report(report) if report.exercise != target.exercise => {
                    Outcome::NotTrusted {
                        why: format!(
                            "its check reported on `{}`, not `{}`: the binary that ran is another exercise's",
                            report.exercise, target.exercise
                        ),
                    }
                }
                outcome => outcome,
            };
            on_event(Event::CheckFinished {
                exercise: &target.exercise,
                outcome: &outcome,
                elapsed,
            });
            results.push(CheckResult {
                exercise: target.exercise.clone(),
                outcome,
                elapsed: Some(elapsed),
            });
        }
        Ok(RunSummary {
            results,
            build_time,
        })
    }
}

/// The SHA-256 of the file at `path`, if it can be read.
fn fingerprint(path: &Path) -> Option<String> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).ok()?;
    Some(format!("{:x}", Sha256::digest(&bytes)))
}

/// Where check binary `bin` of the course at `root` writes its report:
/// `<state dir>/reports/<bin>.json`. Its pictures go beside it.
pub fn report_path(root: &Path, bin: &str) -> PathBuf {
    crate::state::report_path(root, bin)
}

/// The result of a check that was not run (its verdict known from reading
/// its sources, a build that failed, a binary that changed).
fn not_run(
    target: &CheckTarget,
    outcome: Outcome,
    on_event: &mut dyn FnMut(Event<'_>),
) -> CheckResult {
    on_event(Event::CheckFinished {
        exercise: &target.exercise,
        outcome: &outcome,
        elapsed: Duration::ZERO,
    });
    CheckResult {
        exercise: target.exercise.clone(),
        outcome,
        elapsed: None,
    }
}
