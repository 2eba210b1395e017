//! The book as the released mdbook CLI builds it, against the book crate's
//! own build: `book.toml` declares the course's preprocessors as commands
//! (`cargo run -p book_preprocessors`), so `mdbook build` must give the same
//! pages as `cargo run -p book`, with every quiz and figure in place.
//! Skipped, with a message, where no mdbook 0.5 is installed (`.ci/run`
//! installs it; with CI=true its absence fails).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The installed mdbook, if it is 0.5.
fn mdbook() -> Option<String> {
    let output = Command::new("mdbook").arg("--version").output().ok()?;
    let version = String::from_utf8(output.stdout).ok()?;
    version
        .trim()
        .strip_prefix("mdbook v0.5")
        .map(|_| version.trim().to_owned())
}

/// What a reader sees of a page: the content of its `<main>`.
fn main_of(html: &str) -> &str {
    let start = html.find("<main>").unwrap_or(0);
    let end = html[start..]
        .find("</main>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

fn html_pages(dir: &Path) -> Vec<String> {
    book::scan::Site::read(dir)
        .unwrap()
        .pages
        .keys()
        .cloned()
        .collect()
}

#[test]
fn the_mdbook_cli_builds_the_same_book_as_the_book_crate() {
    let Some(version) = mdbook() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "mdbook 0.5 is not installed (`.ci/run` installs it with `cargo install mdbook --locked`)"
        );
        eprintln!(
            "SKIPPED: no mdbook 0.5 on PATH (cargo install mdbook --version 0.5.4 --locked): the CLI build was not compared"
        );
        return;
    };
    let root = book::course_root();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let (cli, crate_out) = (tmp.join("book-mdbook-cli"), tmp.join("book-crate"));
    for dir in [&cli, &crate_out] {
        let _ = std::fs::remove_dir_all(dir);
    }
    // The preprocessor commands build in a target folder of their own, so
    // that they never wait on the one this test runs from.
    let output = Command::new("mdbook")
        .arg("build")
        .arg("--dest-dir")
        .arg(&cli)
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", tmp.join("mdbook-cli-target"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{version} build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    book::build(&root, Some(&crate_out)).expect("the book crate builds the book");

    let (by_cli, by_crate) = (html_pages(&cli), html_pages(&crate_out));
    assert_eq!(by_cli, by_crate, "the two builds made different pages");
    let mut differ = Vec::new();
    let (mut quizzes_cli, mut quizzes_crate) = (0, 0);
    for page in &by_cli {
        let a = std::fs::read_to_string(cli.join(page)).unwrap();
        let b = std::fs::read_to_string(crate_out.join(page)).unwrap();
        for (who, html) in [("mdbook", &a), ("book crate", &b)] {
            assert!(
                !html.contains("{{#"),
                "{page}, built by the {who}: a directive was left unexpanded"
            );
        }
        quizzes_cli += a.matches("class=\"quiz-question\"").count();
        quizzes_crate += b.matches("class=\"quiz-question\"").count();
        if main_of(&a) != main_of(&b) {
            differ.push(page.clone());
        }
    }
    assert!(quizzes_cli > 0, "no quiz in the mdbook CLI's build");
    assert_eq!(
        quizzes_cli, quizzes_crate,
        "the two builds have different quizzes"
    );
    assert!(
        differ.is_empty(),
        "pages whose content differs between {version} and the book crate: {differ:?}"
    );
    eprintln!(
        "{version} and the book crate built the same {} pages ({quizzes_cli} quiz questions)",
        by_cli.len()
    );
}

/// Where `mdbook` is on PATH.
fn mdbook_path() -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("mdbook"))
        .find(|p| p.is_file())
}

/// Where the preprocessors cannot run (here: no cargo on PATH), the CLI
/// stops with an error naming the preprocessor and its command, and no
/// page with a raw `{{#quiz}}` is written.
#[test]
fn without_cargo_the_mdbook_cli_stops_and_writes_no_raw_directive() {
    let (Some(version), Some(mdbook)) = (mdbook(), mdbook_path()) else {
        eprintln!("SKIPPED: no mdbook 0.5 on PATH: the build without cargo was not tried");
        return;
    };
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("book-mdbook-no-cargo");
    let _ = std::fs::remove_dir_all(&out);
    let output = Command::new(mdbook)
        .arg("build")
        .arg("--dest-dir")
        .arg(&out)
        .current_dir(book::course_root())
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !output.status.success(),
        "{version} built without cargo:\n{said}"
    );
    assert!(
        said.contains("Unable to run the preprocessor") && said.contains("cargo run"),
        "the error does not name the preprocessor and its command:\n{said}"
    );
    let raw: Vec<String> = if out.exists() {
        html_pages(&out)
            .into_iter()
            .filter(|page| {
                std::fs::read_to_string(out.join(page)).is_ok_and(|html| html.contains("{{#"))
            })
            .collect()
    } else {
        Vec::new()
    };
    assert!(raw.is_empty(), "pages with raw directives: {raw:?}");
    eprintln!(
        "{version} without cargo: {}",
        said.lines()
            .find(|l| l.contains("preprocessor"))
            .unwrap_or_default()
    );
}

/// `mdbook test` compiles every page's Rust blocks with rustdoc, as the
/// book crate's doctests do: the crates they use come from one build of
/// `checks` (which depends on every one of them) in a folder of its own,
/// so that `-L` finds exactly one copy of each, and the `externs`
/// preprocessor names them to rustdoc.
#[test]
fn mdbook_test_compiles_every_pages_rust() {
    let Some(version) = mdbook() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "mdbook 0.5 is not installed (`.ci/run` installs it with `cargo install mdbook --locked`)"
        );
        eprintln!(
            "SKIPPED: no mdbook 0.5 on PATH (cargo install mdbook --version 0.5.4 --locked): `mdbook test` was not run"
        );
        return;
    };
    let root = book::course_root();
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let deps_target = tmp.join("mdbook-test-deps");
    // The README's two commands, with target folders of the test's own.
    let built = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "--locked",
            "-p",
            "checks",
            "--target-dir",
        ])
        .arg(&deps_target)
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        built.status.success(),
        "building the snippets' crates failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let output = Command::new("mdbook")
        .arg("test")
        .arg("-L")
        .arg(deps_target.join("debug/deps"))
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", tmp.join("mdbook-cli-target"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{version} test failed:\n{said}");
    let chapters = said.matches("Testing chapter").count();
    let pages = book::sources::pages(&root).unwrap().len() - 1; // not SUMMARY.md
    assert_eq!(chapters, pages, "{said}");
    eprintln!("{version} test compiled and ran the Rust of all {chapters} pages");
}
