//! The crates a page's Rust blocks use, for `mdbook test`.
//!
//! `cargo test -p book` compiles every block as a doctest of the book crate,
//! where cargo names each dependency to rustdoc (`--extern`). `mdbook test`
//! runs rustdoc on the page alone: it finds crates only in the folders
//! given with `-L`, and, in edition 2018 and later, a crate found that way
//! is usable only after an `extern crate`. For the `test` renderer alone,
//! this preprocessor starts each Rust block that names one of [`CRATES`]
//! with a hidden `# extern crate <name>;`, so that the pages stay as a
//! reader sees them and both ways compile the same code. The README says
//! how to build the folder `-L` points at.

use anyhow::Result;
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// The crates the book's snippets may use: the book crate's
/// dev-dependencies, by the name code uses.
pub const CRATES: &[&str] = &["tokio", "measured", "rayon", "crossbeam", "futures"];

/// Adds the hidden `extern crate` lines, for `mdbook test` only.
pub struct ExternsPreprocessor;

impl Preprocessor for ExternsPreprocessor {
    fn name(&self) -> &str {
        "externs"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item {
                chapter.content = with_externs(&chapter.content);
            }
        });
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "test")
    }
}

/// `page` with `# extern crate <name>;` at the top of each Rust block that
/// names a crate of [`CRATES`] and does not say `extern crate` itself.
pub fn with_externs(page: &str) -> String {
    let lines: Vec<&str> = page.split_inclusive('\n').collect();
    let mut out = String::with_capacity(page.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        out.push_str(line);
        i += 1;
        let Some((fence, info)) = opening_fence(line) else {
            continue;
        };
        let end = (i..lines.len())
            .find(|&j| closes(lines[j], &fence))
            .unwrap_or(lines.len());
        let block = &lines[i..end];
        if is_rust(info) {
            let code: String = block.concat();
            let indent = &line[..line.len() - line.trim_start().len()];
            // After any inner attributes (`#![...]`), which open a crate.
            let attrs = block
                .iter()
                .take_while(|l| {
                    let t = l.trim_start().trim_start_matches("# ");
                    t.starts_with("#![")
                })
                .count();
            for l in &block[..attrs] {
                out.push_str(l);
            }
            for name in CRATES {
                if names(&code, name) && !code.contains(&format!("extern crate {name}")) {
                    out.push_str(&format!("{indent}# extern crate {name};\n"));
                }
            }
            for l in &block[attrs..] {
                out.push_str(l);
            }
        } else {
            block.iter().for_each(|l| out.push_str(l));
        }
        // The closing fence, which must not be read as an opening one.
        if let Some(close) = lines.get(end) {
            out.push_str(close);
        }
        i = end + 1;
    }
    out
}

/// The fence and info string of a line that opens a fenced code block.
fn opening_fence(line: &str) -> Option<(String, &str)> {
    let t = line.trim_start();
    let fence_char = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = t.chars().take_while(|c| *c == fence_char).count();
    (n >= 3).then(|| (fence_char.to_string().repeat(n), t[n..].trim()))
}

/// Whether `line` closes a block opened by `fence`.
fn closes(line: &str, fence: &str) -> bool {
    let t = line.trim();
    t.starts_with(fence)
        && t.trim_start_matches(fence.chars().next().unwrap_or('`'))
            .is_empty()
}

/// Whether rustdoc tests a block with this info string: `rust` first, or
/// no language at all (rustdoc takes an unmarked block as Rust).
fn is_rust(info: &str) -> bool {
    let lang = info.split([',', ' ']).next().unwrap_or("");
    lang.is_empty() || lang == "rust"
}

/// Whether `code` names the crate `name` (`name::`, `use name`).
fn names(code: &str, name: &str) -> bool {
    code.match_indices(name).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = &code[at + name.len()..];
        let starts_word = !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        starts_word
            && (after.starts_with("::") || after.starts_with(';') || after.starts_with(" as "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_that_uses_a_crate_learns_of_it_hidden() {
        let page = "Text tokio:: here.\n\n```rust\nuse tokio::time;\nfn main() { rayon::join(|| 1, || 2); }\n```\n";
        let out = with_externs(page);
        assert_eq!(
            out,
            "Text tokio:: here.\n\n```rust\n# extern crate tokio;\n# extern crate rayon;\nuse tokio::time;\nfn main() { rayon::join(|| 1, || 2); }\n```\n"
        );
    }

    #[test]
    fn other_blocks_and_other_names_are_left_alone() {
        for page in [
            "```text\ntokio::spawn\n```\n",
            "```console\ncargo run -p measured\n```\n",
            "```rust\nlet my_tokio::x = 1;\nlet m = not_measured::f();\n```\n",
            "```rust\nextern crate tokio;\nuse tokio::x;\n```\n",
            "```python\nimport asyncio\n```\n",
        ] {
            assert_eq!(with_externs(page), page);
        }
    }

    #[test]
    fn inner_attributes_stay_first_and_fences_nest() {
        let page = "````md\n```rust\ntokio::x\n```\n````\n```rust,no_run\n# #![allow(unused)]\n#[tokio::main]\nasync fn main() {}\n```\n";
        let out = with_externs(page);
        assert_eq!(
            out,
            "````md\n```rust\ntokio::x\n```\n````\n```rust,no_run\n# #![allow(unused)]\n# extern crate tokio;\n#[tokio::main]\nasync fn main() {}\n```\n"
        );
        // An unmarked block is Rust to rustdoc.
        assert_eq!(
            with_externs("```\nmeasured::x();\n```\n"),
            "```\n# extern crate measured;\nmeasured::x();\n```\n"
        );
    }

    #[test]
    fn only_the_test_renderer_runs_it() {
        assert!(ExternsPreprocessor.supports_renderer("test").unwrap());
        assert!(!ExternsPreprocessor.supports_renderer("html").unwrap());
    }
}
