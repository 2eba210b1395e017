//! Where the checker keeps what belongs to the learner and not the course:
//! progress, the reports of the last runs, backups made by `reset`.

use std::path::{Path, PathBuf};

/// Overrides the folder (default `<course>/.checker`); the course's own
/// tests point it at a temporary folder so they never touch real progress.
pub use verdict::STATE_DIR_ENV;

/// The state folder of the course at `root`.
pub fn state_dir(root: &Path) -> PathBuf {
    match std::env::var_os(STATE_DIR_ENV) {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join(".checker"),
    }
}

/// `path` as the learner should read it: relative to the course when it is
/// inside it.
pub fn shown(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Where check binary `bin` of the course at `root` writes its report:
/// `<state dir>/reports/<bin>.json`. Its pictures go beside it (the
/// timeline: the same path ending in `.svg`).
pub fn report_path(root: &Path, bin: &str) -> PathBuf {
    state_dir(root).join("reports").join(format!("{bin}.json"))
}
