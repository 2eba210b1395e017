//! `python [<chapter>]`: Python beside Rust on this machine. Builds and
//! runs the `python_side` binary (its own package, so that the checker does
//! not depend on the latency server or the CPU kernels), which finds the
//! interpreters on PATH, measures each chapter's programs under them and in
//! Rust, prints the tables and writes `python.json` in the state folder.

use crate::app::App;
use crate::exit_codes;
use std::io::Write;
use std::process::Command;

/// The package and binary that measure.
pub const PYTHON_PACKAGE: &str = "python_side";

/// `python [<chapter>]`: the exit status of `python_side`, passed through.
pub fn python(app: &App, out: &mut dyn Write, chapter: Option<&str>) -> anyhow::Result<u8> {
    out.flush()?;
    let root = &app.course.root;
    let results = crate::state::state_dir(root).join("python.json");
    let mut command = Command::new(&app.cargo);
    command
        .current_dir(root)
        .arg("run")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .args(["-p", PYTHON_PACKAGE, "--bin", PYTHON_PACKAGE, "--"])
        .args(chapter)
        .arg("--results")
        .arg(&results);
    let status = command
        .status()
        .map_err(|source| crate::build::BuildError {
            program: app.cargo.clone(),
            source,
        })?;
    Ok(match status.code() {
        Some(code) => u8::try_from(code).unwrap_or(exit_codes::ENVIRONMENT_ERROR),
        // Killed by a signal: Ctrl-C, most likely.
        None => exit_codes::INTERRUPTED,
    })
}
