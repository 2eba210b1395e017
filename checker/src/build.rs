//! Builds check binaries with one cargo invocation and reads cargo's JSON
//! messages: the executable of each binary, or the compiler's errors as it
//! printed them.

use serde::Deserialize;
use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;

/// How many of cargo's last stderr lines are kept for error messages.
const STDERR_TAIL: usize = 40;

/// One binary to build.
#[derive(Debug, Clone)]
pub struct BuildTarget {
    /// The cargo package.
    pub package: String,
    /// The binary in it.
    pub bin: String,
    /// The package's `Cargo.toml`, to attribute compiler errors.
    pub manifest: PathBuf,
}

/// Cargo could not be run at all.
#[derive(Debug)]
pub struct BuildError {
    /// The program that was started.
    pub program: OsString,
    /// Why it failed.
    pub source: std::io::Error,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not run `{}` to build the checks: {} (is Rust installed, and is cargo on PATH?)",
            self.program.to_string_lossy(),
            self.source
        )
    }
}

impl std::error::Error for BuildError {}

/// What one cargo invocation produced.
#[derive(Debug, Default)]
pub struct BuildOutput {
    /// Binary name to executable path.
    executables: HashMap<String, PathBuf>,
    /// Rendered errors, with the manifest of the package they belong to.
    errors: Vec<(PathBuf, String)>,
    /// Cargo's last stderr lines.
    stderr_tail: Vec<String>,
    /// Whether cargo exited unsuccessfully.
    failed: bool,
}

impl BuildOutput {
    /// Cargo's own words when it failed without a single compiler error
    /// and left some of `targets` unbuilt: the build itself could not run
    /// (a read-only or full disk, a missing tool, no network for a
    /// download), which is the machine's fault, not the code's.
    pub fn machine_failure(&self, targets: &[BuildTarget]) -> Option<String> {
        let unbuilt = targets
            .iter()
            .any(|t| !self.executables.contains_key(&t.bin));
        (self.failed && self.errors.is_empty() && unbuilt).then(|| {
            let text = self.stderr_tail.join("\n");
            if text.trim().is_empty() {
                "cargo failed without saying why".to_owned()
            } else {
                text
            }
        })
    }

    /// The executable of `target`, or the compiler's errors that explain why
    /// there is none.
    pub fn result_for(&self, target: &BuildTarget) -> Result<PathBuf, String> {
        if let Some(exe) = self.executables.get(&target.bin) {
            return Ok(exe.clone());
        }
        let wanted = canonical(&target.manifest);
        let own: Vec<&str> = self
            .errors
            .iter()
            .filter(|(manifest, _)| canonical(manifest) == wanted)
            .map(|(_, text)| text.as_str())
            .collect();
        if !own.is_empty() {
            return Err(own.concat());
        }
        if !self.errors.is_empty() {
            // The errors are in a crate this one depends on.
            let all: Vec<&str> = self.errors.iter().map(|(_, t)| t.as_str()).collect();
            return Err(all.concat());
        }
        let mut text = self.stderr_tail.join("\n");
        if text.is_empty() {
            text = format!("cargo built no binary `{}`", target.bin);
        }
        Err(text + "\n")
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}

/// One line of `cargo build --message-format json`.
#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    #[serde(default)]
    manifest_path: Option<PathBuf>,
    #[serde(default)]
    target: Option<CargoTarget>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    message: Option<Diagnostic>,
}

#[derive(Deserialize)]
struct CargoTarget {
    name: String,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    #[serde(default)]
    rendered: Option<String>,
}

enum Line {
    Stdout(String),
    Stderr(String),
}

/// Builds `targets` in the workspace at `root` with one cargo call
/// (`--locked` when `locked`, into `target_dir` when given). `on_line` sees
/// each line cargo prints to stderr as it arrives.
#[allow(clippy::too_many_arguments)]
pub fn build(
    cargo: &OsString,
    root: &Path,
    color: bool,
    locked: bool,
    target_dir: Option<&Path>,
    targets: &[BuildTarget],
    on_line: &mut dyn FnMut(&str),
) -> Result<BuildOutput, BuildError> {
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .arg("build")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--keep-going");
    if let Some(dir) = target_dir {
        command.arg("--target-dir").arg(dir);
    }
    if locked {
        // The course's own Cargo.lock, exactly: nothing resolved anew.
        command.arg("--locked");
    }
    if color {
        command.args(["--message-format", "json-diagnostic-rendered-ansi"]);
    } else {
        // The ANSI variant ignores `--color never`: plain JSON renders plain.
        command.args(["--message-format", "json", "--color", "never"]);
    }
    for target in targets {
        command.args(["-p", &target.package, "--bin", &target.bin]);
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|source| BuildError {
        program: cargo.clone(),
        source,
    })?;

    let (sender, lines) = mpsc::channel();
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let out_sender = sender.clone();
    let readers = [
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = out_sender.send(Line::Stdout(line));
            }
        }),
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = sender.send(Line::Stderr(line));
            }
        }),
    ];

    let mut output = BuildOutput::default();
    for line in lines {
        match line {
            Line::Stdout(json) => output.read_message(&json),
            Line::Stderr(text) => {
                on_line(text.trim());
                output.stderr_tail.push(text);
                if output.stderr_tail.len() > STDERR_TAIL {
                    output.stderr_tail.remove(0);
                }
            }
        }
    }
    for reader in readers {
        let _ = reader.join();
    }
    output.failed = !child.wait().is_ok_and(|status| status.success());
    Ok(output)
}

impl BuildOutput {
    fn read_message(&mut self, json: &str) {
        let Ok(message) = serde_json::from_str::<CargoMessage>(json) else {
            return;
        };
        match message.reason.as_str() {
            "compiler-artifact" => {
                if let (Some(target), Some(exe)) = (message.target, message.executable) {
                    self.executables.insert(target.name, exe);
                }
            }
            "compiler-message" => {
                if let Some(diagnostic) = message.message
                    && diagnostic.level == "error"
                    && let Some(rendered) = diagnostic.rendered
                {
                    let manifest = message.manifest_path.unwrap_or_default();
                    self.errors.push((manifest, rendered));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(bin: &str, manifest: &str) -> BuildTarget {
        BuildTarget {
            package: bin.trim_start_matches("check_").into(),
            bin: bin.into(),
            manifest: manifest.into(),
        }
    }

    #[test]
    fn reads_executables_and_attributes_errors() {
        let mut output = BuildOutput::default();
        output.read_message(r#"{"reason":"compiler-artifact","package_id":"x","manifest_path":"/c/a/Cargo.toml","target":{"name":"check_a","kind":["bin"]},"executable":"/t/check_a"}"#);
        output.read_message(r#"{"reason":"compiler-artifact","manifest_path":"/c/b/Cargo.toml","target":{"name":"b","kind":["lib"]},"executable":null}"#);
        output.read_message(r#"{"reason":"compiler-message","manifest_path":"/c/b/Cargo.toml","target":{"name":"b"},"message":{"level":"warning","rendered":"warning: unused\n"}}"#);
        output.read_message(r#"{"reason":"compiler-message","manifest_path":"/c/b/Cargo.toml","target":{"name":"b"},"message":{"level":"error","rendered":"error[E0308]: mismatched types\n"}}"#);
        output.read_message("not json");
        output.read_message(r#"{"reason":"build-finished","success":false}"#);
        assert_eq!(
            output.result_for(&target("check_a", "/c/a/Cargo.toml")),
            Ok(PathBuf::from("/t/check_a"))
        );
        assert_eq!(
            output.result_for(&target("check_b", "/c/b/Cargo.toml")),
            Err("error[E0308]: mismatched types\n".into())
        );
        // An error in another crate explains a missing binary too.
        assert_eq!(
            output.result_for(&target("check_c", "/c/c/Cargo.toml")),
            Err("error[E0308]: mismatched types\n".into())
        );
    }

    #[test]
    fn without_diagnostics_cargo_s_own_words_explain() {
        let output = BuildOutput {
            stderr_tail: vec!["error: package `nope` not found".into()],
            ..BuildOutput::default()
        };
        assert_eq!(
            output.result_for(&target("check_nope", "/c/nope/Cargo.toml")),
            Err("error: package `nope` not found\n".into())
        );
    }
}
