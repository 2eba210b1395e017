//! Finding the Python interpreters on PATH (`python3`, `python3.N`, the
//! free-threaded `python3.Nt`) and asking each what it is: its version,
//! whether it is a free-threaded build (PEP 703) and whether the GIL is on
//! right now (`sys._is_gil_enabled()`, where it exists).

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::limited;

/// How long an interpreter may take to say what it is.
pub const PROBE_LIMIT: Duration = Duration::from_secs(20);

/// What each interpreter is asked. Before 3.13 there is no
/// `sys._is_gil_enabled`: the GIL is on.
pub const PROBE: &str = "import json, platform, sys, sysconfig; print(json.dumps({\
\"version\": platform.python_version(), \
\"gil\": getattr(sys, '_is_gil_enabled', lambda: True)(), \
\"free_threaded_build\": bool(sysconfig.get_config_var('Py_GIL_DISABLED')), \
\"executable\": sys.executable}))";

/// One interpreter found on PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    /// Where it was found.
    pub path: PathBuf,
    /// Its column's header: the version, `t` added for a free-threaded
    /// build (`3.14.0t`); the file's name when it could not say.
    pub label: String,
    /// Its version, as it says (`3.13.1`).
    pub version: Option<String>,
    /// Whether the GIL is on right now; `None` when it could not say.
    pub gil_enabled: Option<bool>,
    /// Whether it is built without the GIL (PEP 703), even if the GIL was
    /// turned back on (`PYTHON_GIL=1`).
    pub free_threaded_build: bool,
    /// The program it really is (`sys.executable`).
    pub executable: Option<PathBuf>,
    /// Why it cannot be used.
    pub error: Option<String>,
}

impl Interpreter {
    /// Whether it answered the probe, so it can run the programs.
    pub fn usable(&self) -> bool {
        self.error.is_none()
    }
}

/// Whether `name` is one the course looks for: `python3`, `python3.N` or
/// `python3.Nt`.
pub fn is_interpreter_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("python3") else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let Some(minor) = rest.strip_prefix('.') else {
        return false;
    };
    let minor = minor.strip_suffix('t').unwrap_or(minor);
    !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit())
}

/// The order within a folder: `python3` first, then by minor version, the
/// free-threaded build after the other.
fn order_key(name: &str) -> (u32, bool) {
    let rest = name.trim_start_matches("python3").trim_start_matches('.');
    let threaded = rest.ends_with('t');
    let minor = rest.trim_end_matches('t').parse().map_or(0, |m: u32| m + 1);
    (minor, threaded)
}

/// Every interpreter file on `path_var` (a PATH value), in PATH order,
/// each real file once (a `python3` that links to `python3.12` beside it
/// is the same program).
pub fn candidates(path_var: &OsStr) -> Vec<PathBuf> {
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    for dir in std::env::split_paths(path_var) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<(String, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                (is_interpreter_name(&name) && is_executable(&e.path())).then(|| (name, e.path()))
            })
            .collect();
        here.sort_by_key(|(name, _)| order_key(name));
        for (_, path) in here {
            let real = path.canonicalize().unwrap_or_else(|_| path.clone());
            if seen.insert(real) {
                found.push(path);
            }
        }
    }
    found
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// What the probe prints.
#[derive(Debug, Deserialize)]
struct ProbeAnswer {
    version: String,
    gil: bool,
    free_threaded_build: bool,
    executable: Option<PathBuf>,
}

/// Asks the interpreter at `path` what it is, within `limit`.
pub fn probe(path: &Path, limit: Duration) -> Interpreter {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    let answer = limited::run_json::<ProbeAnswer>(path, &["-c", PROBE], limit);
    match answer {
        Ok(answer) => Interpreter {
            path: path.to_owned(),
            label: format!(
                "{}{}",
                answer.version,
                if answer.free_threaded_build { "t" } else { "" }
            ),
            version: Some(answer.version),
            gil_enabled: Some(answer.gil),
            free_threaded_build: answer.free_threaded_build,
            executable: answer.executable.filter(|e| !e.as_os_str().is_empty()),
            error: None,
        },
        Err(error) => Interpreter {
            path: path.to_owned(),
            label: name,
            version: None,
            gil_enabled: None,
            free_threaded_build: false,
            executable: None,
            error: Some(error.to_string()),
        },
    }
}

/// Finds and asks every interpreter on `path_var`. Two names for one
/// program (a version manager's `python3` and `python3.12`, say) are kept
/// once, and labels are made unique (`3.12.1`, `3.12.1 #2`).
pub fn discover(path_var: &OsStr, limit: Duration) -> Vec<Interpreter> {
    let probed: Vec<Interpreter> = std::thread::scope(|s| {
        let handles: Vec<_> = candidates(path_var)
            .into_iter()
            .map(|path| s.spawn(move || probe(&path, limit)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut programs = HashSet::new();
    let mut labels = HashSet::new();
    let mut kept = Vec::new();
    for mut interpreter in probed {
        if let Some(exe) = &interpreter.executable {
            let real = exe.canonicalize().unwrap_or_else(|_| exe.clone());
            if !programs.insert(real) {
                continue;
            }
        }
        let base = interpreter.label.clone();
        let mut n = 1;
        while !labels.insert(interpreter.label.clone()) {
            n += 1;
            interpreter.label = format!("{base} #{n}");
        }
        kept.push(interpreter);
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_python3_names_are_interpreters() {
        for name in ["python3", "python3.12", "python3.14t", "python3.100"] {
            assert!(is_interpreter_name(name), "{name}");
        }
        for name in [
            "python",
            "python2.7",
            "python3-config",
            "python3.12-config",
            "python3.6m",
            "python3.",
            "python3.t",
            "python3.12-gdb.py",
        ] {
            assert!(!is_interpreter_name(name), "{name}");
        }
    }

    #[test]
    fn within_a_folder_python3_comes_first_then_by_version() {
        let mut names = vec!["python3.14t", "python3.9", "python3.14", "python3"];
        names.sort_by_key(|n| order_key(n));
        assert_eq!(names, ["python3", "python3.9", "python3.14", "python3.14t"]);
    }
}
