//! The book as a reader gets it: built once into the target folder, then
//! checked against the course model, for anything loaded from outside, for
//! links that land nowhere, and in headless Chromium.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use book::browser::{self, Tools};

/// The book, built once for every test of this binary.
fn built() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("book");
        let _ = std::fs::remove_dir_all(&out);
        let built = book::build(&book::course_root(), Some(&out)).expect("the book builds");
        eprintln!("built the book in {:.1} s", built.took.as_secs_f64());
        built.dir
    })
}

fn assert_none(what: &str, problems: Vec<String>) {
    assert!(problems.is_empty(), "{what}:\n  {}", problems.join("\n  "));
}

#[test]
fn every_exercise_has_its_page_and_every_page_its_exercise() {
    assert_none(
        "the book's sources disagree with course.toml",
        book::sources::problems(&book::course_root()).unwrap(),
    );
}

#[test]
fn the_book_loads_nothing_from_outside_and_every_link_lands() {
    assert_none("the built book", book::problems(built()).unwrap());
}

#[test]
fn every_page_and_quiz_is_built() {
    let site = book::scan::Site::read(built()).unwrap();
    let root = book::course_root();
    let course = book::sources::course(&root).unwrap();
    for ex in &course.exercises {
        assert!(
            site.pages.contains_key(&format!("{}.html", ex.dir)),
            "no page built for {}",
            ex.name
        );
    }
    let written: usize = book::sources::pages(&root)
        .unwrap()
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(root.join("src").join(p)).unwrap();
            book::quiz::directives(&text).len()
        })
        .sum();
    let rendered = site
        .reader_pages()
        .filter(|(p, _)| p.as_str() != "print.html")
        .map(|(_, page)| page.html.matches("<div class=\"quiz\"").count())
        .sum::<usize>();
    assert_eq!(rendered, written, "every {{{{#quiz}}}} becomes a quiz");
}

#[test]
fn in_a_real_browser() {
    let Some(tools) = Tools::find() else {
        let why = "no chromium and chromedriver on PATH (Debian: apt-get install chromium chromium-driver; .ci/run installs them)";
        if std::env::var_os("CI").is_some_and(|v| v == "true") {
            panic!("the browser test cannot be skipped in CI: {why}");
        }
        eprintln!("SKIPPED: the browser test: {why}");
        return;
    };
    let expect = book::expectations(&book::course_root(), built()).unwrap();
    let seen = browser::check(&tools, &expect).unwrap();
    eprintln!("{}", seen.summary(&expect));
    assert_none("in the browser", seen.problems());
    assert!(expect.screenshot.metadata().unwrap().len() > 10_000);
}
