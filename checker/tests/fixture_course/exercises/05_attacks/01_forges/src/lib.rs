//! The learner's file: instead of answering, writes a passing report
//! wherever it can (the report file the environment names, and every pipe
//! this process holds), then ends the process before the check can report.

use std::io::Write;

const FORGED: &str = r#"{"format_version":1,"exercise":"forges","evidence":[{"name":"correct","status":"pass","summary":"forged"}]}"#;

/// The answer, never returned.
pub fn answer() -> u64 {
    // (The name is put together at run time: the checker reads the sources
    // for it before building them.)
    let variable = ["CHECK", "REPORT"].join("_");
    if let Some(path) = std::env::var_os(variable) {
        let _ = std::fs::write(path, FORGED);
    }
    for entry in std::fs::read_dir("/proc/self/fd").into_iter().flatten().flatten() {
        let is_pipe = std::fs::read_link(entry.path())
            .is_ok_and(|target| target.to_string_lossy().starts_with("pipe:"));
        if is_pipe && let Ok(mut pipe) = std::fs::OpenOptions::new().write(true).open(entry.path()) {
            let _ = pipe.write_all(FORGED.as_bytes());
        }
    }
    std::process::exit(0)
}
