//! Lists the book's pages for `snippets` in lib.rs: one empty module per
//! page, documented with the page itself, so that rustdoc compiles and runs
//! every ```rust block of the book as a doctest of this crate.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn pages(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            pages(&path, found);
        } else if path.extension().is_some_and(|e| e == "md") {
            found.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let src = manifest.join("../../src");
    println!("cargo::rerun-if-changed={}", src.display());
    let mut found = Vec::new();
    pages(&src, &mut found);
    found.sort();
    let mut code = String::new();
    for page in found {
        let rel = page.strip_prefix(&src).unwrap_or(&page);
        let name: String = rel
            .with_extension("")
            .to_string_lossy()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let _ = writeln!(
            code,
            "#[doc = include_str!({:?})]\npub mod page_{name} {{}}",
            page.display().to_string()
        );
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("snippets.rs"), code).expect("OUT_DIR is writable");
}
