//! The course's book, built, served and tested in-process on mdBook's own
//! library crates (0.5), with the course's preprocessors (quizzes) run in
//! the same process: no `mdbook` or plug-in to install.
//!
//! This crate is heavy (mdBook, a browser driver); it is kept out of the
//! checker's dependency tree, so a learner's `cargo run -p checker` never
//! compiles it.

pub mod browser;
pub mod live;
pub mod measure;
pub mod scan;
pub mod sources;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use mdbook_driver::MDBook;

pub use book_preprocessors::{QuizPreprocessor, figures, quiz};

/// The course's root: the folder with `book.toml`, found from this crate.
pub fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the course root exists")
}

/// The book at `root`, loaded with the course's preprocessors; built into
/// `out` when given (default: `build-dir` of book.toml).
pub fn load(root: &Path, out: Option<&Path>) -> Result<MDBook> {
    let mut book =
        MDBook::load(root).with_context(|| format!("loading the book at {}", root.display()))?;
    if let Some(out) = out {
        book.config.build.build_dir = out.to_owned();
    }
    // The same preprocessors book.toml declares for the mdbook CLI, in
    // this process: each replaces the command of its name.
    book.with_preprocessor(QuizPreprocessor);
    book.with_preprocessor(figures::FigurePreprocessor);
    book.with_preprocessor(book_preprocessors::ExternsPreprocessor);
    Ok(book)
}

/// A finished build.
#[derive(Debug)]
pub struct Built {
    /// Where the HTML is.
    pub dir: PathBuf,
    /// How long the build took.
    pub took: Duration,
}

/// Builds the book at `root` into `out` (default: book.toml's `build-dir`).
pub fn build(root: &Path, out: Option<&Path>) -> Result<Built> {
    let started = Instant::now();
    let book = load(root, out)?;
    book.build().context("building the book")?;
    Ok(Built {
        dir: book.build_dir_for("html"),
        took: started.elapsed(),
    })
}

/// What can be wrong with a built book: each problem, one line each.
pub fn problems(built: &Path) -> Result<Vec<String>> {
    let site = scan::Site::read(built)?;
    let mut found = Vec::new();
    for load in site.external_loads()? {
        found.push(format!("loads from outside: {load}"));
    }
    for link in site.broken_links() {
        found.push(format!("broken link: {link}"));
    }
    for (path, page) in site.reader_pages() {
        for leftover in [
            "{{#figure",
            "{{#include",
            "{{#quiz",
            "{{#rustdoc_include",
            "{{#playground",
        ] {
            if page.html.contains(leftover) {
                found.push(format!("{path}: an unexpanded `{leftover}` directive"));
            }
        }
        if page.html.contains("play.rust-lang.org") {
            found.push(format!(
                "{path}: a playground run button (it calls play.rust-lang.org)"
            ));
        }
    }
    Ok(found)
}

/// What the browser test expects of the book built at `site`.
pub fn expectations(root: &Path, site: &Path) -> Result<browser::Expect> {
    let book = load(root, Some(site))?;
    let chapters = book
        .book
        .chapters()
        .map(|c| c.name.clone())
        .collect::<Vec<_>>();
    let course = sources::course(root)?;
    let scanned = scan::Site::read(site)?;
    let pages: Vec<String> = scanned.reader_pages().map(|(p, _)| p.clone()).collect();
    let quiz_page = scanned
        .reader_pages()
        .find(|(p, page)| *p != "print.html" && page.html.contains("class=\"quiz-question\""))
        .map(|(p, _)| p.clone())
        .context("no page of the book has a quiz")?;
    Ok(browser::Expect {
        site: site.to_owned(),
        pages,
        chapters,
        exercise_pages: course
            .exercises
            .iter()
            .map(|e| format!("{}.html", e.dir))
            .collect(),
        quiz_page,
        search_for: "GIL".to_owned(),
        screenshot: site.join("screenshot.png"),
    })
}

/// Every Rust snippet of the book, compiled (and run, unless marked
/// `no_run`) by `cargo test -p book` as a doctest, with the course's crates
/// available: one module per page, documented with the page (build.rs).
#[cfg(doctest)]
pub mod snippets {
    include!(concat!(env!("OUT_DIR"), "/snippets.rs"));
}
