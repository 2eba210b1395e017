//! The book's sources against the course model: every exercise has its page
//! and every page its exercise; every exercise's `src/lib.rs` points at its
//! page; every command a page tells the reader to run names a real
//! exercise; every quiz is well formed and used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::quiz::{self, Quiz};
use crate::scan::{files, relative};

/// The course model: `course.toml`, read as the checker reads it.
pub use course_model::{Course, Exercise};

/// Reads `course.toml` at `root`.
pub fn course(root: &Path) -> Result<Course> {
    Ok(Course::load(root)?)
}

/// The book's Markdown pages under `root/src`, as paths relative to it.
pub fn pages(root: &Path) -> Result<Vec<String>> {
    let src = root.join("src");
    Ok(files(&src, "md")?
        .iter()
        .map(|p| relative(&src, p))
        .collect())
}

/// Every mismatch between the book and the course model, one line each.
pub fn problems(root: &Path) -> Result<Vec<String>> {
    let course = course(root)?;
    let src = root.join("src");
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).context("reading SUMMARY.md")?;
    let names: Vec<&str> = course.exercises.iter().map(|e| e.name.as_str()).collect();
    let mut found = Vec::new();

    for ex in &course.exercises {
        let page = format!("{}.md", ex.dir);
        let Ok(text) = std::fs::read_to_string(src.join(&page)) else {
            found.push(format!("exercise {}: no page src/{page}", ex.name));
            continue;
        };
        if !summary.contains(&format!("({page})")) {
            found.push(format!(
                "exercise {}: src/{page} is not in SUMMARY.md",
                ex.name
            ));
        }
        let command = format!("cargo run -p checker -- run {}", ex.name);
        if !text.contains(&command) {
            found.push(format!("src/{page}: never gives the command `{command}`"));
        }
        let lib = format!("exercises/{}/src/lib.rs", ex.dir);
        if !text.contains(&lib) {
            found.push(format!("src/{page}: never names the file to edit, {lib}"));
        }
        match std::fs::read_to_string(root.join(&lib)) {
            Ok(code) if code.contains(&format!("src/{page}")) => {}
            Ok(_) => found.push(format!("{lib}: does not point at its page, src/{page}")),
            Err(_) => found.push(format!("exercise {}: no {lib}", ex.name)),
        }
    }

    // Every figure of "this machine" comes from src/figures.toml.
    match crate::figures::Figures::read(root) {
        Ok(figures) => {
            let mut texts = Vec::new();
            for page in pages(root)? {
                texts.push((page.clone(), std::fs::read_to_string(src.join(&page))?));
            }
            found.extend(crate::figures::hard_coded(&figures, &texts));
        }
        Err(e) => found.push(format!("{e:#}")),
    }

    // Pages that look like exercise pages must be exercises.
    for page in pages(root)? {
        let Some((chapter, file)) = page.split_once('/') else {
            continue;
        };
        let stem = file.trim_end_matches(".md");
        let numbered = |s: &str| s.len() > 3 && s.as_bytes()[..2].iter().all(u8::is_ascii_digit);
        if numbered(chapter)
            && numbered(stem)
            && !course
                .exercises
                .iter()
                .any(|e| e.dir == format!("{chapter}/{stem}"))
        {
            found.push(format!(
                "src/{page}: an exercise page for no exercise in course.toml"
            ));
        }
        let text = std::fs::read_to_string(src.join(&page))?;
        for name in commands(&text) {
            if !names.contains(&name.as_str()) {
                found.push(format!("src/{page}: `run {name}` names no exercise"));
            }
        }
        for line in untested_rust(&text) {
            found.push(format!(
                "src/{page}:{line}: a ```rust,ignore block that is not an include of a real file: make it compile (hide set-up lines with `# `), or mark it `compile_fail` if not compiling is its point"
            ));
        }
        let folder = Path::new(&page).parent().unwrap_or(Path::new(""));
        for (_, path) in quiz::directives(&text) {
            let file = src.join(folder).join(&path);
            if let Err(e) = Quiz::load(&file) {
                found.push(format!("src/{page}: quiz {path}: {e:#}"));
            }
        }
    }

    // Quiz files no page shows.
    let used: Vec<PathBuf> = pages(root)?
        .iter()
        .flat_map(|page| {
            let text = std::fs::read_to_string(src.join(page)).unwrap_or_default();
            let folder = Path::new(page).parent().unwrap_or(Path::new("")).to_owned();
            quiz::directives(&text)
                .into_iter()
                .map(move |(_, p)| normalise(&folder.join(p)))
                .collect::<Vec<_>>()
        })
        .collect();
    for file in files(&src, "toml")? {
        let rel = PathBuf::from(relative(&src, &file));
        if rel != Path::new(crate::figures::FILE) && !used.contains(&rel) {
            found.push(format!("src/{}: a quiz no page shows", rel.display()));
        }
    }
    Ok(found)
}

/// The exercise names in `checker -- run <name>` commands of a page.
fn commands(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("checker -- run ") {
        rest = &rest[at + "checker -- run ".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            names.push(name);
        }
    }
    names
}

/// The lines of `rust,ignore` code blocks that rustdoc would skip and that
/// are not an `{{#include}}` of a file the workspace compiles.
fn untested_rust(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let attrs: Vec<&str> = info.split(',').map(str::trim).collect();
        let body: Vec<&str> = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| !l.trim_start().starts_with("```"))
            .collect();
        let rust = attrs.first().is_some_and(|a| *a == "rust");
        let included = body.len() == 1 && body[0].trim().starts_with("{{#include ");
        if rust && attrs.contains(&"ignore") && !included {
            found.push(n + 1);
        }
    }
    found
}

fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Pages and words per chapter folder (`introduction.md` and other
/// top-level pages under "front matter").
pub fn word_counts(root: &Path) -> Result<BTreeMap<String, (usize, usize)>> {
    let src = root.join("src");
    let mut counts = BTreeMap::new();
    for page in pages(root)? {
        if page == "SUMMARY.md" {
            continue;
        }
        let text = std::fs::read_to_string(src.join(&page))?;
        let words = text.split_whitespace().count();
        let chapter = match page.split_once('/') {
            Some((c, _)) => c.to_owned(),
            None => "front matter".to_owned(),
        };
        let entry = counts.entry(chapter).or_insert((0, 0));
        entry.0 += 1;
        entry.1 += words;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_rust_is_allowed_only_for_includes() {
        let text = "a\n```rust,ignore\n{{#include ../x.rs}}\n```\n```rust,ignore\nlet x = y;\n```\n```rust\nfn main() {}\n```\n```text\nignore me\n```\n";
        assert_eq!(untested_rust(text), [5]);
    }

    #[test]
    fn run_commands_are_found_and_placeholders_skipped() {
        let text = "Run `cargo run -p checker -- run gather` or `checker -- run NAME`, then `cargo run -p checker -- run <name>`.";
        assert_eq!(commands(text), ["gather"]);
    }
}
