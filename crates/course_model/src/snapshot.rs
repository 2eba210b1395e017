//! What a watcher compares to tell a real change from a file being read:
//! every file under some folders with its size and time of last change.
//! File-system watchers report reads too (a build reads every source), so
//! `checker watch` and the book's server act only when the snapshot moved.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Every file under the given paths (a file given is taken as it is), in
/// path order, with its size and time of last change.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot(Vec<(PathBuf, u64, Option<SystemTime>)>);

impl Snapshot {
    /// The files under `paths` now; a path that does not exist adds
    /// nothing.
    pub fn of<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Snapshot {
        let mut files = Vec::new();
        let mut pending: Vec<PathBuf> = paths.into_iter().map(Path::to_owned).collect();
        while let Some(path) = pending.pop() {
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if let Ok(entries) = std::fs::read_dir(&path) {
                    pending.extend(entries.flatten().map(|e| e.path()));
                }
            } else {
                files.push((path, meta.len(), meta.modified().ok()));
            }
        }
        files.sort();
        Snapshot(files)
    }

    /// How many files it holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it holds no file.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_moves_when_a_file_changes_and_not_when_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("src/deep")).unwrap();
        std::fs::write(dir.path().join("src/deep/lib.rs"), "fn main() {}").unwrap();
        std::fs::write(dir.path().join("book.toml"), "[book]").unwrap();
        let paths = [
            dir.path().join("src"),
            dir.path().join("book.toml"),
            dir.path().join("absent"),
        ];
        let of = || Snapshot::of(paths.iter().map(PathBuf::as_path));
        let before = of();
        assert_eq!(before.len(), 2);
        std::fs::read_to_string(dir.path().join("src/deep/lib.rs")).unwrap();
        assert_eq!(of(), before, "reading changes nothing");
        std::fs::write(dir.path().join("src/deep/lib.rs"), "fn main() { }").unwrap();
        assert_ne!(of(), before, "a longer file");
        let grown = of();
        std::fs::write(dir.path().join("src/new.rs"), "").unwrap();
        assert_ne!(of(), grown, "a new file");
        assert!(Snapshot::of([dir.path().join("absent").as_path()]).is_empty());
    }
}
