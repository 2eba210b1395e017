//! The book's own preprocessors: `{{#quiz file.toml}}` becomes an
//! interactive quiz ([`quiz`]), `{{#figure name}}` a figure measured on
//! this machine ([`figures`]); and, for `mdbook test` only, each Rust block
//! learns the crates it uses ([`externs`]).
//!
//! Two ways run them, with the same code: the book crate registers them
//! in-process (`cargo run -p book`), and the released mdBook CLI runs this
//! crate's binary as the preprocessor commands `book.toml` declares
//! (`mdbook build`, `mdbook serve`, `mdbook test`).

pub mod externs;
pub mod figures;
pub mod quiz;

use mdbook_preprocessor::Preprocessor;

pub use externs::ExternsPreprocessor;
pub use figures::FigurePreprocessor;
pub use quiz::QuizPreprocessor;

/// The preprocessor called `name` in book.toml, if it is one of these.
pub fn by_name(name: &str) -> Option<Box<dyn Preprocessor>> {
    match name {
        "quiz" => Some(Box::new(QuizPreprocessor)),
        "figure" => Some(Box::new(FigurePreprocessor)),
        "externs" => Some(Box::new(ExternsPreprocessor)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_preprocessor_is_found_by_its_own_name() {
        for name in ["quiz", "figure", "externs"] {
            assert_eq!(
                super::by_name(name).map(|p| p.name().to_owned()).as_deref(),
                Some(name)
            );
        }
        assert!(super::by_name("links").is_none());
    }
}
