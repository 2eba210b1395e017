//! `dev`: for course authors.
//!
//! `dev new <NN_topic/NN_name>` writes a new exercise into every place the
//! course needs one (its two crates, its checks, its page, its course entry,
//! a first wrong version and that version's test row) so that it builds at
//! once and `dev check` lists what is left to write: every placeholder is
//! marked [`PLACEHOLDER`].
//!
//! `dev check` is the course's own gate: every exercise has its crates,
//! checks, page, hints and wrong versions (marked and tested), nothing is
//! left as a placeholder, the integrity manifest is current; then, unless
//! `--no-runs`, every solution passes, every exercise as shipped fails for
//! its intended reason, every wrong version fails its tests and the book
//! builds with every link landing.

use crate::app::{App, Grade};
use crate::course::{Course, Exercise, check_name, label_of};
use crate::integrity::{self, Manifest};
use crate::outcome::{Outcome, OutcomeKind};
use crate::runner::CheckTarget;
use crate::style::Paint;
use anyhow::{Context, bail};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Marks what `dev new` could not write for the author; `dev check` lists
/// every line still holding it.
pub const PLACEHOLDER: &str = "TODO(dev new)";

/// Wrong-but-tempting versions every exercise keeps beside its solution.
pub const WRONG_VERSIONS: usize = 3;

/// Hints every exercise gives, from a nudge to nearly the answer.
pub const HINTS: usize = 3;

/// The test files that run wrong versions, relative to the course root:
/// each version must be named in one of them.
const FIXTURE_TESTS: &[&str] = &[
    "crates/checks/tests/wrong_answers.rs",
    "crates/checks/tests/processes.rs",
    "checker/tests/source_reading.rs",
];

/// The test file `dev new` adds its first wrong version to.
const WRONG_ANSWERS: &str = "crates/checks/tests/wrong_answers.rs";

/// The module list of the checks crate.
const CHECKS_LIB: &str = "crates/checks/src/lib.rs";

/// What `dev new` is asked for.
#[derive(Debug, Clone)]
pub struct NewExercise {
    /// `NN_topic/NN_name`.
    pub dir: String,
    /// The exercise's name; default: `dir`'s last part without its number.
    pub name: Option<String>,
    /// Its title; default: made from the name.
    pub title: Option<String>,
    /// Its points.
    pub points: u32,
}

/// One file `dev new` writes: new, or an existing one changed.
struct Planned {
    path: PathBuf,
    text: String,
    existed: bool,
}

/// `dev new`: writes every file of a new exercise, or none.
pub fn new(app: &App, out: &mut dyn Write, ask: &NewExercise) -> anyhow::Result<Grade> {
    let course = &app.course;
    let plan = plan_new(course, ask)?;
    for file in &plan {
        let path = course.root.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &file.text).with_context(|| format!("writing {}", path.display()))?;
    }
    let name = plan_name(ask)?;
    writeln!(
        out,
        "{}",
        app.style.paint(
            Paint::Bold,
            &format!("New exercise `{name}` in {}", ask.dir)
        )
    )?;
    for file in &plan {
        let how = if file.existed { "changed" } else { "created" };
        writeln!(out, "  {how} {}", file.path.display())?;
    }
    // Cargo.lock learns the two new packages; the manifest protects the new
    // check.rs, Cargo.toml and checks module.
    let locked = Command::new(&app.cargo)
        .args(["metadata", "--offline", "--format-version", "1"])
        .current_dir(&course.root)
        .stdout(std::process::Stdio::null())
        .status()
        .context("running cargo metadata")?;
    if locked.success() {
        writeln!(out, "  changed Cargo.lock")?;
    } else {
        writeln!(
            out,
            "  Cargo.lock NOT updated: `cargo metadata` failed (see above)"
        )?;
    }
    let reloaded = Course::load(&course.root)?;
    let manifest = Manifest::compute(&reloaded)?;
    manifest.write(&reloaded.root)?;
    writeln!(
        out,
        "  changed {} ({} protected files)",
        integrity::MANIFEST_FILE,
        manifest.files.len()
    )?;
    writeln!(
        out,
        "\nEvery placeholder says {PLACEHOLDER}. `cargo run -p checker -- dev check` lists what is left to write."
    )?;
    Ok(Grade::Passed)
}

/// The new exercise's name.
fn plan_name(ask: &NewExercise) -> anyhow::Result<String> {
    if let Some(name) = &ask.name {
        return Ok(name.clone());
    }
    let last = ask.dir.rsplit('/').next().unwrap_or_default();
    let (_, name) = last
        .split_once('_')
        .with_context(|| format!("`{}` has no name after its number", ask.dir))?;
    Ok(name.to_owned())
}

/// A title made from a name: `scoped_sum` gives `Scoped sum`.
fn title_of(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

/// Every file `dev new` would write, or why it writes none.
fn plan_new(course: &Course, ask: &NewExercise) -> anyhow::Result<Vec<Planned>> {
    let dir = ask.dir.trim_matches('/').to_owned();
    let label = label_of(&dir).map_err(anyhow::Error::msg)?;
    let name = plan_name(ask)?;
    check_name(&name).map_err(anyhow::Error::msg)?;
    if let Some(e) = course.exercises.iter().find(|e| e.name == name) {
        bail!(
            "course.toml already has an exercise named `{name}` (in {}): pick another with --name",
            e.dir
        );
    }
    if let Some(e) = course.exercises.iter().find(|e| e.dir == dir) {
        bail!("course.toml already has {dir}: exercise `{}`", e.name);
    }
    let title = ask.title.clone().unwrap_or_else(|| title_of(&name));
    if title.contains('"') || title.contains('\\') {
        bail!("write the title without quotes or backslashes");
    }
    let (chapter, _) = dir.split_once('/').expect("label_of checked two parts");
    let root = &course.root;
    let module = format!("crates/checks/src/{name}.rs");
    let page = format!("src/{dir}.md");
    let new_files = [
        format!("exercises/{dir}"),
        format!("solutions/{dir}"),
        module.clone(),
        page.clone(),
    ];
    for path in &new_files {
        if root.join(path).exists() {
            bail!("{path} already exists: nothing was written");
        }
    }

    let read = |path: &str| {
        std::fs::read_to_string(root.join(path)).with_context(|| format!("reading {path}"))
    };
    let mut plan = Vec::new();
    let mut add = |path: String, text: String, existed: bool| {
        plan.push(Planned {
            path: PathBuf::from(path),
            text,
            existed,
        })
    };
    let t = Templates {
        name: &name,
        dir: &dir,
        label: &label,
        title: &title,
    };
    add(
        format!("exercises/{dir}/Cargo.toml"),
        t.cargo_toml(false),
        false,
    );
    add(
        format!("exercises/{dir}/check.rs"),
        t.check_rs(false),
        false,
    );
    add(
        format!("exercises/{dir}/src/lib.rs"),
        t.lib_rs(false),
        false,
    );
    add(
        format!("solutions/{dir}/Cargo.toml"),
        t.cargo_toml(true),
        false,
    );
    add(format!("solutions/{dir}/check.rs"), t.check_rs(true), false);
    add(format!("solutions/{dir}/src/lib.rs"), t.lib_rs(true), false);
    add(
        format!("solutions/{dir}/wrong/first_mistake.rs"),
        t.wrong_rs(),
        false,
    );
    add(module, t.checks_module(), false);
    add(page, t.page(), false);
    let index = format!("src/{chapter}/index.md");
    let new_chapter = !root.join(&index).exists();
    if new_chapter {
        add(index, t.chapter_index(chapter), false);
    }
    add(
        "course.toml".into(),
        insert_exercise(&read("course.toml")?, &dir, &t.course_entry(ask.points))?,
        true,
    );
    add(
        "src/SUMMARY.md".into(),
        insert_page(&read("src/SUMMARY.md")?, chapter, &dir, &title)?,
        true,
    );
    add(
        CHECKS_LIB.into(),
        insert_module(&read(CHECKS_LIB)?, &name)?,
        true,
    );
    add(
        WRONG_ANSWERS.into(),
        insert_fixture(&read(WRONG_ANSWERS)?, &t.fixture_row())?,
        true,
    );
    Ok(plan)
}

/// `course.toml` with `entry` among the exercises in folder order.
fn insert_exercise(text: &str, dir: &str, entry: &str) -> anyhow::Result<String> {
    let starts: Vec<usize> = text
        .match_indices("[[exercise]]")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
        .collect();
    // Before the first exercise whose folder sorts after the new one, with
    // the comment lines just above it.
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let block = &text[start..end];
        let other = block
            .lines()
            .find_map(|line| line.strip_prefix("dir = \""))
            .and_then(|rest| rest.strip_suffix('"'));
        if other.is_some_and(|other| other > dir) {
            let mut at = start;
            while at > 0 {
                let above = text[..at - 1].rfind('\n').map_or(0, |i| i + 1);
                if !text[above..at].starts_with('#') {
                    break;
                }
                at = above;
            }
            return Ok(format!("{}{entry}\n{}", &text[..at], &text[at..]));
        }
    }
    let mut out = text.trim_end().to_owned();
    out.push_str("\n\n");
    out.push_str(entry);
    Ok(out)
}

/// SUMMARY.md with the page as the last of its chapter, or with a new
/// chapter after the last numbered one.
fn insert_page(text: &str, chapter: &str, dir: &str, title: &str) -> anyhow::Result<String> {
    let lines: Vec<&str> = text.lines().collect();
    let item = format!("  - [{title}]({dir}.md)");
    let of_chapter = |line: &str| line.contains(&format!("]({chapter}/"));
    let (at, new) = match lines.iter().rposition(|l| of_chapter(l)) {
        Some(last) => (last + 1, vec![item]),
        None => {
            let last = lines
                .iter()
                .rposition(|l| l.trim_start().starts_with("- ["))
                .context("src/SUMMARY.md has no list of chapters")?;
            let heading = format!("- [{}]({chapter}/index.md)", chapter_title(chapter));
            (last + 1, vec![heading, item])
        }
    };
    let mut out: Vec<String> = lines[..at].iter().map(|l| l.to_string()).collect();
    out.extend(new);
    out.extend(lines[at..].iter().map(|l| l.to_string()));
    Ok(out.join("\n") + "\n")
}

/// `10_shared_memory` gives `Shared memory`.
fn chapter_title(chapter: &str) -> String {
    title_of(chapter.split_once('_').map_or(chapter, |(_, rest)| rest))
}

/// The checks crate's lib.rs with `pub mod <name>;` in order.
fn insert_module(text: &str, name: &str) -> anyhow::Result<String> {
    let line = format!("pub mod {name};");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mods: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("pub mod ") && lines[i].ends_with(';'))
        .collect();
    let first = *mods
        .first()
        .context("crates/checks/src/lib.rs has no `pub mod` lines")?;
    let at = mods
        .iter()
        .copied()
        .find(|&i| lines[i].as_str() > line.as_str())
        .unwrap_or(mods[mods.len() - 1] + 1)
        .max(first);
    lines.insert(at, line);
    Ok(lines.join("\n") + "\n")
}

/// wrong_answers.rs with `row` last in its `fixtures!` list.
fn insert_fixture(text: &str, row: &str) -> anyhow::Result<String> {
    let start = text
        .find("\nfixtures! {\n")
        .context("crates/checks/tests/wrong_answers.rs has no `fixtures! {` list")?;
    let end = start
        + text[start..]
            .find("\n}\n")
            .context("the `fixtures!` list in crates/checks/tests/wrong_answers.rs never closes")?;
    Ok(format!("{}{row}{}", &text[..=end], &text[end + 1..]))
}

/// The text of each new file.
struct Templates<'a> {
    name: &'a str,
    dir: &'a str,
    label: &'a str,
    title: &'a str,
}

impl Templates<'_> {
    fn cargo_toml(&self, solution: bool) -> String {
        let (package, solved) = if solution {
            (format!("{}_solution", self.name), ", solved")
        } else {
            (self.name.to_owned(), "")
        };
        format!(
            r#"[package]
name = "{package}"
version = "0.1.0"
description = "{label}{solved}: {title}. {PLACEHOLDER}: what the learner builds, in one line."
edition.workspace = true
publish.workspace = true

# Nothing to unit-test here: the checks are in crates/checks.
[lib]
test = false
doctest = false

[[bin]]
name = "check_{package}"
path = "check.rs"
test = false

[dependencies]
checks.workspace = true
"#,
            label = self.label,
            title = self.title,
        )
    }

    fn check_rs(&self, solution: bool) -> String {
        let krate = if solution {
            format!("{}_solution", self.name)
        } else {
            self.name.to_owned()
        };
        format!(
            "//! The checks of {label}, run on this crate by `cargo run -p checker`.\n\nfn main() {{\n    checks::{name}::main({krate}::answer);\n}}\n",
            label = self.label,
            name = self.name,
        )
    }

    fn lib_rs(&self, solution: bool) -> String {
        let body = if solution {
            format!("    // {PLACEHOLDER}: the answer.\n    items.iter().sum()\n")
        } else {
            "    // TODO: add up the items.\n    let _ = items;\n    todo!()\n".to_owned()
        };
        format!(
            "//! {label} {title}: {PLACEHOLDER}: what the learner builds, in two lines.\n//!\n//! Read: src/{dir}.md in the book.\n//! Check: cargo run -p checker -- run {name}\n\n/// {PLACEHOLDER}: the function the learner writes (the checks call it).\npub fn answer(items: &[u64]) -> u64 {{\n{body}}}\n",
            label = self.label,
            title = self.title,
            dir = self.dir,
            name = self.name,
        )
    }

    fn wrong_rs(&self) -> String {
        format!(
            "//! {PLACEHOLDER}: the family of mistake (README, \"Adding an exercise\"), then why it is tempting.\n\n/// The solution's `answer`, with the one mistake.\npub fn answer(items: &[u64]) -> u64 {{\n    // Wrong: {PLACEHOLDER}: what this line gets wrong, and why it looks right.\n    items.iter().skip(1).sum()\n}}\n"
        )
    }

    fn checks_module(&self) -> String {
        format!(
            r#"//! {label} {name}: {PLACEHOLDER}: what the checks prove (COURSE.md's line
//! for this exercise), in the order they gather evidence: correct,
//! concurrent, fast.

use verdict::{{Evidence, Report}};

/// The exercise's short name.
pub const NAME: &str = "{name}";

/// Checks `answer` and writes the report.
pub fn main(answer: impl Fn(&[u64]) -> u64) {{
    crate::main(NAME, || check(answer));
}}

/// Checks an `answer`.
pub fn check(answer: impl Fn(&[u64]) -> u64) -> Report {{
    // The exercise as shipped stops at its `todo!()` here.
    let _ = answer(&[1, 2, 3]);
    // {PLACEHOLDER}: gather the evidence, each with its diagnosis.
    Report::new(NAME)
        .with(Evidence::fail(
            "written",
            "the checks of `{name}` are not written yet",
        ))
        .diagnose("{PLACEHOLDER}: write crates/checks/src/{name}.rs")
}}
"#,
            label = self.label,
            name = self.name,
        )
    }

    fn page(&self) -> String {
        format!(
            "# {title}\n\n{PLACEHOLDER}: the lesson, a section per idea, the Python idiom beside the Rust one.\n\n## Your turn\n\nWrite `answer` in `exercises/{dir}/src/lib.rs`, then run its checks:\n\n```console\ncargo run -p checker -- run {name}\n```\n",
            title = self.title,
            dir = self.dir,
            name = self.name,
        )
    }

    fn chapter_index(&self, chapter: &str) -> String {
        format!(
            "# {}\n\n{PLACEHOLDER}: what this chapter teaches, and its exercises.\n",
            chapter_title(chapter)
        )
    }

    fn course_entry(&self, points: u32) -> String {
        format!(
            "[[exercise]]\nname = \"{name}\"\ndir = \"{dir}\"\ntitle = \"{title}\"\npoints = {points}\nhints = [\n    \"{PLACEHOLDER}: a nudge.\",\n    \"{PLACEHOLDER}: the idea.\",\n    \"{PLACEHOLDER}: nearly the answer.\",\n]\n",
            name = self.name,
            dir = self.dir,
            title = self.title,
        )
    }

    fn fixture_row(&self) -> String {
        format!(
            "    // {label} {name}\n    {name}_first_mistake:\n        \"../../../solutions/{dir}/wrong/first_mistake.rs\",\n        |f| checks::{name}::check(f::answer),\n        \"{PLACEHOLDER}: the evidence it fails\", \"{PLACEHOLDER}: words of its diagnosis\";\n",
            label = self.label,
            name = self.name,
            dir = self.dir,
        )
    }
}

/// What `dev check` found missing or wrong, as lines to print.
#[derive(Debug, Default)]
struct Findings {
    lines: Vec<String>,
}

impl Findings {
    fn add(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }
}

/// `dev check [--no-runs]`: the course's own gate.
pub fn check(app: &App, out: &mut dyn Write, runs: bool) -> anyhow::Result<Grade> {
    let started = Instant::now();
    let course = app.course.clone();
    let bold = |text: &str| app.style.paint(Paint::Bold, text);
    let mut left = 0;
    let mut section = |out: &mut dyn Write, title: &str, found: Findings| -> anyhow::Result<()> {
        if found.lines.is_empty() {
            writeln!(out, "{} {title}", app.style.paint(Paint::Green, "✓"))?;
        } else {
            writeln!(
                out,
                "{} {title}: {} to do",
                app.style.paint(Paint::Red, "✗"),
                found.lines.len()
            )?;
            for line in &found.lines {
                writeln!(out, "    {line}")?;
            }
        }
        left += found.lines.len();
        out.flush()?;
        Ok(())
    };
    writeln!(
        out,
        "{}",
        bold(&format!(
            "Checking the course: {} exercises, {} points",
            course.exercises.len(),
            course.total_points()
        ))
    )?;
    section(out, "every exercise has its files", files(&course))?;
    section(
        out,
        &format!("every exercise has {HINTS} hints and a page in the book"),
        pages_and_hints(&course),
    )?;
    section(
        out,
        &format!("every exercise keeps {WRONG_VERSIONS} wrong versions, marked and tested"),
        wrong_versions(&course),
    )?;
    section(
        out,
        &format!("no {PLACEHOLDER} left"),
        placeholders(&course),
    )?;
    let manifest = match integrity::verify(&course) {
        Ok(_) => Findings::default(),
        Err(e) => Findings {
            lines: vec![format!("{e}")],
        },
    };
    section(out, "integrity.toml is current", manifest)?;
    if runs {
        let (solutions, exercises) = run_checks(app, &course)?;
        section(out, "every solution passes its checks", solutions)?;
        section(
            out,
            "every exercise as shipped fails for its intended reason",
            exercises,
        )?;
        section(
            out,
            "every wrong version fails its tests (and every right one passes)",
            fixture_tests(app, &course),
        )?;
        section(out, "the book builds, every link lands", book(app, &course))?;
    } else {
        writeln!(
            out,
            "{}",
            app.style.paint(
                Paint::Dim,
                "  (--no-runs: solutions, exercises, wrong versions and the book were not run)"
            )
        )?;
    }
    let took = app.style.duration(started.elapsed());
    if left == 0 {
        writeln!(out, "\n{}", bold(&format!("The course is whole ({took}).")))?;
        Ok(Grade::Passed)
    } else {
        writeln!(
            out,
            "\n{}",
            bold(&format!(
                "{left} {} left to do ({took}).",
                if left == 1 { "thing" } else { "things" }
            ))
        )?;
        Ok(Grade::NotPassed)
    }
}

/// The crates, check binaries and check module of each exercise.
fn files(course: &Course) -> Findings {
    let mut found = Findings::default();
    let root = &course.root;
    let checks_lib = std::fs::read_to_string(root.join(CHECKS_LIB)).unwrap_or_default();
    for e in &course.exercises {
        for solution in [false, true] {
            let dir = if solution {
                e.solution_dir()
            } else {
                e.exercise_dir()
            };
            let package = if solution {
                e.solution_package()
            } else {
                e.package()
            };
            let manifest = dir.join("Cargo.toml");
            match std::fs::read_to_string(root.join(&manifest)) {
                Err(_) => found.add(format!("{}: no {}", e.name, manifest.display())),
                Ok(text) => match toml::from_str::<toml::Table>(&text) {
                    Err(err) => found.add(format!("{}: {}", manifest.display(), err.message())),
                    Ok(table) => {
                        let named = table
                            .get("package")
                            .and_then(|p| p.get("name"))
                            .and_then(|n| n.as_str());
                        if named != Some(package.as_str()) {
                            found.add(format!(
                                "{}: the package must be named `{package}`",
                                manifest.display()
                            ));
                        }
                        let bin = e.check_bin(solution);
                        let has_bin =
                            table
                                .get("bin")
                                .and_then(|b| b.as_array())
                                .is_some_and(|bins| {
                                    bins.iter().any(|b| {
                                        b.get("name").and_then(|n| n.as_str()) == Some(bin.as_str())
                                    })
                                });
                        if !has_bin {
                            found.add(format!(
                                "{}: no [[bin]] named `{bin}` (path = \"check.rs\")",
                                manifest.display()
                            ));
                        }
                    }
                },
            }
            let check = dir.join("check.rs");
            match std::fs::read_to_string(root.join(&check)) {
                Ok(text) if text.contains(&format!("checks::{}::", e.name)) => {}
                Ok(_) => found.add(format!(
                    "{}: does not hand the crate to `checks::{}`",
                    check.display(),
                    e.name
                )),
                Err(_) => found.add(format!("{}: no {}", e.name, check.display())),
            }
        }
        let lib = e.lib_file();
        match std::fs::read_to_string(root.join(&lib)) {
            Ok(text) if text.contains(&e.page().display().to_string()) => {}
            Ok(_) => found.add(format!(
                "{}: does not point at its page, {}",
                lib.display(),
                e.page().display()
            )),
            Err(_) => found.add(format!("{}: no {}", e.name, lib.display())),
        }
        let module = format!("crates/checks/src/{}.rs", e.name);
        if !root.join(&module).is_file() {
            found.add(format!("{}: no {module}", e.name));
        }
        if !checks_lib.contains(&format!("pub mod {};", e.name)) {
            found.add(format!("{CHECKS_LIB}: no `pub mod {};`", e.name));
        }
    }
    found
}

/// The hints and the page of each exercise.
fn pages_and_hints(course: &Course) -> Findings {
    let mut found = Findings::default();
    let root = &course.root;
    let summary = std::fs::read_to_string(root.join("src/SUMMARY.md")).unwrap_or_default();
    for e in &course.exercises {
        let hints = e.hints.iter().filter(|h| !h.trim().is_empty()).count();
        if hints < HINTS {
            found.add(format!(
                "{}: {hints} hints in course.toml, {HINTS} wanted (a nudge, the idea, nearly the answer)",
                e.name
            ));
        }
        let page = e.page();
        let Ok(text) = std::fs::read_to_string(root.join(&page)) else {
            found.add(format!("{}: no page {}", e.name, page.display()));
            continue;
        };
        let listed = format!("({}.md)", e.dir);
        if !summary.contains(&listed) {
            found.add(format!("src/SUMMARY.md: does not list {}", page.display()));
        }
        let command = format!("cargo run -p checker -- run {}", e.name);
        if !text.contains(&command) {
            found.add(format!(
                "{}: never gives the command `{command}`",
                page.display()
            ));
        }
        let lib = e.lib_file().display().to_string();
        if !text.contains(&lib) {
            found.add(format!(
                "{}: never names the file to edit, {lib}",
                page.display()
            ));
        }
    }
    found
}

/// The `.rs` files of a folder, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
}

/// Each exercise's wrong versions: enough of them, each marked and each
/// run by a test; and each right one run by a test.
fn wrong_versions(course: &Course) -> Findings {
    let mut found = Findings::default();
    let root = &course.root;
    let tests: String = FIXTURE_TESTS
        .iter()
        .filter_map(|t| std::fs::read_to_string(root.join(t)).ok())
        .collect();
    for e in &course.exercises {
        for kind in ["wrong", "right"] {
            let folder = e.solution_dir().join(kind);
            let files = rust_files(&root.join(&folder));
            if kind == "wrong" && files.len() < WRONG_VERSIONS {
                let have = match files.len() {
                    1 => "1 wrong version".to_owned(),
                    n => format!("{n} wrong versions"),
                };
                found.add(format!(
                    "{}: {have} in {}, {WRONG_VERSIONS} wanted",
                    e.name,
                    folder.display()
                ));
            }
            for file in files {
                let shown = folder.join(file.file_name().expect("a file"));
                let named = format!("{}/{kind}/{}", e.dir, shown.file_name().unwrap().display());
                if !tests.contains(&named) {
                    found.add(format!(
                        "{}: no test runs it (a row in {})",
                        shown.display(),
                        FIXTURE_TESTS.join(", ")
                    ));
                }
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                if kind == "wrong" && !text.contains("// Wrong:") {
                    found.add(format!(
                        "{}: no `// Wrong:` comment on the line that is wrong",
                        shown.display()
                    ));
                }
            }
        }
    }
    found
}

/// Every line of the course's own files still holding [`PLACEHOLDER`].
fn placeholders(course: &Course) -> Findings {
    let mut found = Findings::default();
    let root = &course.root;
    let mut files: Vec<PathBuf> = vec![
        root.join("course.toml"),
        root.join("src/SUMMARY.md"),
        root.join(WRONG_ANSWERS),
    ];
    for e in &course.exercises {
        for dir in [e.exercise_dir(), e.solution_dir()] {
            walk(&root.join(dir), &mut files);
        }
        files.push(root.join(format!("crates/checks/src/{}.rs", e.name)));
        files.push(root.join(e.page()));
        if let Some((chapter, _)) = e.dir.split_once('/') {
            let index = root.join(format!("src/{chapter}/index.md"));
            if !files.contains(&index) {
                files.push(index);
            }
        }
    }
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let shown = file.strip_prefix(root).unwrap_or(&file).display();
        for (n, line) in text.lines().enumerate() {
            if let Some(at) = line.find(PLACEHOLDER) {
                let what = line[at + PLACEHOLDER.len()..]
                    .trim_start_matches(':')
                    .trim()
                    .trim_end_matches(['"', ',', ';']);
                found.add(format!("{shown}:{}: {what}", n + 1));
            }
        }
    }
    found
}

/// The files under `dir` (not `target/`), depth first.
fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                walk(&path, files);
            }
        } else {
            files.push(path);
        }
    }
}

/// Runs every solution's checks and every exercise's as shipped.
fn run_checks(app: &App, course: &Course) -> anyhow::Result<(Findings, Findings)> {
    let mut solutions = Findings::default();
    let mut exercises = Findings::default();
    for solution in [true, false] {
        let targets: Vec<CheckTarget> = course
            .exercises
            .iter()
            .map(|e| CheckTarget::for_exercise(course, e, solution))
            .collect();
        let live = crate::report::live::Live::bar(targets.len());
        let run = app
            .runner(false)
            .run(&targets, &mut |event| live.on_event(&event));
        live.finish();
        let summary = run?;
        for (e, result) in course.exercises.iter().zip(&summary.results) {
            if solution {
                if let Some(line) = solution_problem(&result.outcome) {
                    solutions.add(format!("{}: {line}", e.name));
                }
            } else if let Some(line) = shipped_problem(e, &result.outcome) {
                exercises.add(format!("{}: {line}", e.name));
            }
        }
    }
    Ok((solutions, exercises))
}

/// Why a solution's outcome is not a pass; a busy machine's "not judged"
/// is no fault of the solution.
fn solution_problem(outcome: &Outcome) -> Option<String> {
    match outcome.kind() {
        OutcomeKind::Pass | OutcomeKind::Inconclusive => None,
        OutcomeKind::NotJudged => {
            eprintln!("note: a solution was not judged: the machine was too busy to show its work");
            None
        }
        kind => Some(format!("{kind:?}: {}", summary(outcome))),
    }
}

/// Why an exercise as shipped does not fail the way it is meant to: at its
/// `todo!()` in its own `src/`, or with the diagnosis of its shipped bug.
fn shipped_problem(e: &Exercise, outcome: &Outcome) -> Option<String> {
    let Outcome::Report(report) = outcome else {
        return Some(format!(
            "gave no report ({:?}): {}",
            outcome.kind(),
            summary(outcome)
        ));
    };
    match &e.ships_with_a_bug {
        Some(words) => {
            let diagnosis = report.diagnosis.as_deref().unwrap_or_default();
            if outcome.kind() != OutcomeKind::Fail {
                Some(format!(
                    "should fail with its bug, but its verdict is {:?}",
                    outcome.kind()
                ))
            } else if !diagnosis.contains(words.as_str()) {
                Some(format!(
                    "its diagnosis should say {words:?} (course.toml's ships_with_a_bug): {diagnosis}"
                ))
            } else {
                None
            }
        }
        None => {
            let Some(panic) = report.panicked.as_ref().filter(|p| p.is_todo()) else {
                return Some(format!(
                    "should stop at its todo!(), but its verdict is {:?} (an exercise that ships with a bug says so in course.toml: ships_with_a_bug)",
                    outcome.kind()
                ));
            };
            let own = format!("{}/src/", e.exercise_dir().display());
            match &panic.location {
                Some(at) if at.starts_with(&own) => None,
                at => Some(format!(
                    "its todo!() should be in {own}, not at {}",
                    at.as_deref().unwrap_or("an unknown place")
                )),
            }
        }
    }
}

/// An outcome in a line.
fn summary(outcome: &Outcome) -> String {
    let text = match outcome {
        Outcome::Report(report) => report
            .diagnosis
            .clone()
            .unwrap_or_else(|| format!("{:?}", report.verdict())),
        Outcome::CompileError { rendered } => rendered.clone(),
        Outcome::Crashed { status, .. } => status.clone(),
        Outcome::TimedOut { secs } => format!("no result in {secs} s"),
        Outcome::NotTrusted { why } => why.clone(),
        Outcome::Stopped { limit, .. } => format!("{limit:?}"),
    };
    text.lines().next().unwrap_or_default().to_owned()
}

/// Runs the test binaries that hold the wrong and right versions.
fn fixture_tests(app: &App, course: &Course) -> Findings {
    let mut found = Findings::default();
    let runs: [&[&str]; 2] = [
        &[
            "test",
            "-p",
            "checks",
            "--test",
            "wrong_answers",
            "--test",
            "processes",
        ],
        &["test", "-p", "checker", "--test", "source_reading"],
    ];
    for args in runs {
        let shown = format!("cargo {}", args.join(" "));
        eprintln!("running {shown}");
        let output = Command::new(&app.cargo)
            .args(args)
            .current_dir(&course.root)
            .output();
        match output {
            Err(e) => found.add(format!("{shown}: could not run: {e}")),
            Ok(output) if output.status.success() => {}
            Ok(output) => {
                let text = String::from_utf8_lossy(&output.stdout);
                let failed: Vec<&str> = text
                    .lines()
                    .filter(|l| l.starts_with("test ") && l.ends_with("FAILED"))
                    .collect();
                if failed.is_empty() {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
                    found.add(format!(
                        "{shown} failed: {}",
                        tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
                    ));
                }
                for line in failed {
                    found.add(format!("{shown}: {line}"));
                }
            }
        }
    }
    found
}

/// Builds the book and reads its own verdict on itself.
fn book(app: &App, course: &Course) -> Findings {
    let mut found = Findings::default();
    let out = std::env::temp_dir().join(format!("course-dev-check-book-{}", std::process::id()));
    eprintln!("running cargo run -p book -- build");
    let output = Command::new(&app.cargo)
        .args(["run", "-q", "-p", "book", "--", "build", "--out"])
        .arg(&out)
        .current_dir(&course.root)
        .output();
    let _ = std::fs::remove_dir_all(&out);
    match output {
        Err(e) => found.add(format!("cargo run -p book: could not run: {e}")),
        Ok(output) => {
            let text = String::from_utf8_lossy(&output.stdout);
            for line in text.lines().filter(|l| l.trim_start().starts_with('✗')) {
                found.add(line.trim_start().trim_start_matches('✗').trim().to_owned());
            }
            if !output.status.success() && found.lines.is_empty() {
                let stderr = String::from_utf8_lossy(&output.stderr);
                found.add(format!(
                    "cargo run -p book -- build failed: {}",
                    stderr.lines().last().unwrap_or_default()
                ));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_exercise_goes_among_the_others_in_folder_order() {
        let text = "format_version = 1\n\n[[exercise]]\nname = \"a\"\ndir = \"01_x/01_a\"\n\n# About c.\n[[exercise]]\nname = \"c\"\ndir = \"01_x/03_c\"\n";
        let entry = "[[exercise]]\nname = \"b\"\ndir = \"01_x/02_b\"\n";
        let out = insert_exercise(text, "01_x/02_b", entry).unwrap();
        let a = out.find("\"a\"").unwrap();
        let b = out.find("\"b\"").unwrap();
        let c = out.find("# About c.").unwrap();
        assert!(a < b && b < c, "{out}");
        let last = insert_exercise(text, "02_y/01_z", entry).unwrap();
        assert!(last.trim_end().ends_with("dir = \"01_x/02_b\""), "{last}");
    }

    #[test]
    fn a_page_goes_last_in_its_chapter_or_in_a_new_one() {
        let summary = "# Summary\n\n- [X](01_x/index.md)\n  - [A](01_x/01_a.md)\n- [Y](02_y/index.md)\n  - [B](02_y/01_b.md)\n\n---\n\n[Appendix](a.md)\n";
        let out = insert_page(summary, "01_x", "01_x/02_c", "C").unwrap();
        assert!(
            out.contains("  - [A](01_x/01_a.md)\n  - [C](01_x/02_c.md)\n- [Y]"),
            "{out}"
        );
        let out = insert_page(summary, "03_shared_memory", "03_shared_memory/01_d", "D").unwrap();
        assert!(
            out.contains(
                "  - [B](02_y/01_b.md)\n- [Shared memory](03_shared_memory/index.md)\n  - [D](03_shared_memory/01_d.md)\n\n---"
            ),
            "{out}"
        );
    }

    #[test]
    fn a_module_goes_in_order_and_a_fixture_last() {
        let lib = "//! Checks.\n\npub mod alpha;\npub mod gamma;\n\npub fn main() {}\n";
        let out = insert_module(lib, "beta").unwrap();
        assert!(
            out.contains("pub mod alpha;\npub mod beta;\npub mod gamma;"),
            "{out}"
        );
        let out = insert_module(lib, "zeta").unwrap();
        assert!(out.contains("pub mod gamma;\npub mod zeta;\n"), "{out}");
        let tests = "fn x() {}\n\nfixtures! {\n    a: \"a\";\n}\n\nrights! {\n}\n";
        let out = insert_fixture(tests, "    b: \"b\";\n").unwrap();
        assert!(
            out.contains("    a: \"a\";\n    b: \"b\";\n}\n\nrights!"),
            "{out}"
        );
    }

    #[test]
    fn names_and_titles_come_from_the_folder() {
        let ask = NewExercise {
            dir: "10_shared/02_scoped_sum".into(),
            name: None,
            title: None,
            points: 10,
        };
        assert_eq!(plan_name(&ask).unwrap(), "scoped_sum");
        assert_eq!(title_of("scoped_sum"), "Scoped sum");
        assert_eq!(chapter_title("10_shared_memory"), "Shared memory");
    }
}
