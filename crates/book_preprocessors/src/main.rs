//! The book's preprocessors as mdBook runs a preprocessor command
//! (`book.toml`: `[preprocessor.quiz] command = "cargo run ... -- quiz"`):
//! `book_preprocessors <name> supports <renderer>` exits 0 when `<name>`
//! works for that renderer, 1 when not; `book_preprocessors <name>` reads
//! the book as JSON on standard input and writes it back, processed, on
//! standard output.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: the book's preprocessor failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(name) = args.first() else {
        bail!("usage: book_preprocessors <quiz|figure|externs> [supports <renderer>]");
    };
    let Some(preprocessor) = book_preprocessors::by_name(name) else {
        bail!("no preprocessor `{name}` here (there are `quiz`, `figure` and `externs`)");
    };
    if args.get(1).map(String::as_str) == Some("supports") {
        let renderer = args.get(2).context("`supports` needs a renderer's name")?;
        return Ok(if preprocessor.supports_renderer(renderer)? {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let (ctx, book) = mdbook_preprocessor::parse_input(std::io::stdin().lock())?;
    if ctx.mdbook_version.split('.').take(2).collect::<Vec<_>>()
        != mdbook_preprocessor::MDBOOK_VERSION
            .split('.')
            .take(2)
            .collect::<Vec<_>>()
    {
        eprintln!(
            "warning: the book's preprocessors were built for mdBook {}; this is mdBook {}",
            mdbook_preprocessor::MDBOOK_VERSION,
            ctx.mdbook_version
        );
    }
    let book = preprocessor.run(&ctx, book)?;
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &book)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
