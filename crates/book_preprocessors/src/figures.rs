//! One source for every figure the book quotes for "this machine".
//!
//! `src/figures.toml` holds the machine (its CPU, cores, kernel, rustc and
//! Python) and each figure measured on it, written by
//! `cargo run --release -p book -- figures --write` (the book crate's
//! `measure` module).
//! Pages quote a figure with `{{#figure name}}`, which this preprocessor
//! replaces with its value (`{{#figure machine}}` gives the machine), so
//! a figure reads the same on every page and a new measurement updates
//! all of them. A page that writes out a value the file has, instead of
//! quoting it, is a problem [`hard_coded`] reports.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use anyhow::{Context, Result, bail};
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use serde::{Deserialize, Serialize};

/// Where the figures live, under the book's `src`.
pub const FILE: &str = "figures.toml";

/// The figures file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// The machine they were measured on.
    pub machine: Machine,
    /// Each figure, by name.
    pub figures: BTreeMap<String, Figure>,
}

/// The machine the figures were measured on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// The CPU's model name.
    pub cpu: String,
    /// The logical CPUs the measuring process could use.
    pub cpus: usize,
    /// The operating system and its kernel's release.
    pub kernel: String,
    /// `rustc --version`.
    pub rustc: String,
    /// The Python the Python figures came from.
    pub python: String,
    /// The day of the measurement.
    pub measured: String,
}

impl Machine {
    /// One line: what a page says when it says "this machine".
    pub fn summary(&self) -> String {
        format!(
            "{}, {} logical CPUs, {}, {}, {}",
            self.cpu, self.cpus, self.kernel, self.rustc, self.python
        )
    }
}

/// One measured figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// As the pages print it: `30 to 57 µs`, `about 2 ms`.
    pub value: String,
    /// What was measured, and how.
    pub what: String,
}

impl Figures {
    /// Reads `src/figures.toml` under `root`.
    pub fn read(root: &Path) -> Result<Figures> {
        Self::read_src(&root.join("src"))
    }

    /// Reads the figures file in the book's `src` folder.
    pub fn read_src(src: &Path) -> Result<Figures> {
        let path = src.join(FILE);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// The file's text, with a header that says where it comes from.
    pub fn to_toml(&self) -> Result<String> {
        Ok(format!(
            "# Every figure the book quotes for \"this machine\", and the machine.\n\
             # Pages quote them with {{{{#figure name}}}}. Written by\n\
             # `cargo run --release -p book -- figures --write` on a quiet machine:\n\
             # measure again rather than edit.\n\n{}",
            toml::to_string_pretty(self)?
        ))
    }

    /// What `{{#figure name}}` stands for.
    pub fn value(&self, name: &str) -> Result<String> {
        if name == "machine" {
            return Ok(self.machine.summary());
        }
        match self.figures.get(name) {
            Some(figure) => Ok(figure.value.clone()),
            None => bail!("no figure `{name}` in src/{FILE}"),
        }
    }

    /// `content` with every `{{#figure ...}}` replaced by its value.
    pub fn expand(&self, content: &str) -> Result<String> {
        let mut out = String::with_capacity(content.len());
        let mut last = 0;
        for (range, name) in directives(content) {
            out.push_str(&content[last..range.start]);
            out.push_str(&self.value(&name)?);
            last = range.end;
        }
        out.push_str(&content[last..]);
        Ok(out)
    }
}

/// Every `{{#figure name}}` in `content`: where it is and the name.
pub fn directives(content: &str) -> Vec<(Range<usize>, String)> {
    const OPEN: &str = "{{#figure ";
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = content[from..].find(OPEN).map(|i| from + i) {
        let Some(end) = content[start..].find("}}").map(|i| start + i + 2) else {
            break;
        };
        let name = content[start + OPEN.len()..end - 2].trim().to_owned();
        found.push((start..end, name));
        from = end;
    }
    found
}

/// Pages that write out a figure's value instead of quoting it: one line
/// each. Only values with a digit and a unit count (at least five
/// characters), so that a bare "2" elsewhere is not taken for a figure.
pub fn hard_coded(figures: &Figures, pages: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for (page, text) in pages {
        let mut bare = text.clone();
        for (range, _) in directives(text).into_iter().rev() {
            bare.replace_range(range, " ");
        }
        for (name, figure) in &figures.figures {
            let value = figure.value.as_str();
            let counts = value.len() >= 5
                && value.chars().any(|c| c.is_ascii_digit())
                && value.chars().any(char::is_alphabetic);
            if counts && contains_figure(&bare, value) {
                found.push(format!(
                    "src/{page}: writes out \"{value}\", the figure `{name}`: quote it with {{{{#figure {name}}}}}"
                ));
            }
        }
    }
    found
}

/// Whether `value` stands in `text` as a figure of its own, not inside a
/// longer number (`130 to 57 µs` does not hold `30 to 57 µs`).
fn contains_figure(text: &str, value: &str) -> bool {
    text.match_indices(value).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
    })
}

/// The preprocessor that replaces `{{#figure ...}}` with the figure.
#[derive(Debug, Default)]
pub struct FigurePreprocessor;

impl Preprocessor for FigurePreprocessor {
    fn name(&self) -> &str {
        "figure"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let figures = Figures::read_src(&ctx.root.join(&ctx.config.book.src))?;
        let mut error = None;
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            if error.is_some() || directives(&chapter.content).is_empty() {
                return;
            }
            match figures.expand(&chapter.content) {
                Ok(content) => chapter.content = content,
                Err(e) => {
                    let page = chapter
                        .source_path
                        .as_ref()
                        .map_or_else(|| chapter.name.clone(), |p| p.display().to_string());
                    error = Some(e.context(format!("page {page}")));
                }
            }
        });
        match error {
            Some(e) => Err(e),
            None => Ok(book),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> Figures {
        let figure = |value: &str| Figure {
            value: value.to_owned(),
            what: "a test figure".to_owned(),
        };
        Figures {
            machine: Machine {
                cpu: "Some CPU".to_owned(),
                cpus: 2,
                kernel: "Linux 6.18".to_owned(),
                rustc: "rustc 1.95.0".to_owned(),
                python: "CPython 3.11.7".to_owned(),
                measured: "2026-12-04".to_owned(),
            },
            figures: BTreeMap::from([
                ("thread_spawn".to_owned(), figure("30 to 57 µs")),
                ("cores".to_owned(), figure("2")),
            ]),
        }
    }

    #[test]
    fn directives_are_replaced_by_their_figures_and_the_machine() {
        let f = figures();
        assert_eq!(
            f.expand("A thread: {{#figure thread_spawn}}, on {{#figure machine}}.")
                .unwrap(),
            "A thread: 30 to 57 µs, on Some CPU, 2 logical CPUs, Linux 6.18, rustc 1.95.0, CPython 3.11.7."
        );
        assert_eq!(f.expand("nothing to do").unwrap(), "nothing to do");
        let err = f.expand("{{#figure nope}}").unwrap_err().to_string();
        assert!(err.contains("no figure `nope`"), "{err}");
    }

    #[test]
    fn a_page_that_writes_out_a_figure_is_found_and_one_that_quotes_it_is_not() {
        let f = figures();
        let pages = vec![
            (
                "a.md".to_owned(),
                "A thread costs 30 to 57 µs here.".to_owned(),
            ),
            (
                "b.md".to_owned(),
                "A thread costs {{#figure thread_spawn}}.".to_owned(),
            ),
            ("c.md".to_owned(), "Took 130 to 57 µs, 2 cores.".to_owned()),
        ];
        assert_eq!(
            hard_coded(&f, &pages),
            [
                "src/a.md: writes out \"30 to 57 µs\", the figure `thread_spawn`: quote it with {{#figure thread_spawn}}"
            ]
        );
    }

    #[test]
    fn the_file_reads_back_what_was_written() {
        let f = figures();
        let text = f.to_toml().unwrap();
        assert!(text.starts_with("# Every figure"), "{text}");
        let back: Figures = toml::from_str(&text).unwrap();
        assert_eq!(back, f);
    }
}
