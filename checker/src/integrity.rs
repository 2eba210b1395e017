//! The integrity manifest: the sha256 of every file a learner must not
//! change (the checks, the support crates, `course.toml`, each exercise's
//! `check.rs` and `Cargo.toml`, the checker itself), so that `grade` can
//! refuse a tree where one was edited, and name it.
//!
//! Line endings are normalised (CRLF to LF) before hashing, so a Windows
//! checkout hashes like a Unix one. A file in a protected folder that the
//! manifest does not list counts as a change too: a new `build.rs` runs as
//! surely as an edited one.

use crate::course::Course;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The manifest's file name, at the course root.
pub const MANIFEST_FILE: &str = "integrity.toml";

/// The `format_version` of the manifest this checker writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// How a course author regenerates the manifest, quoted in messages.
pub const REGENERATE: &str = "cargo run -p checker -- manifest --write";

/// Folders whose every file is protected, relative to the course root.
const PROTECTED_DIRS: &[&str] = &[
    "crates/checks",
    "crates/course_model",
    "crates/measured",
    "crates/references",
    "crates/source_rules",
    "crates/verdict",
    "checker/src",
];

/// Single files that are protected when they exist. The cargo files decide
/// which code is built (a `[patch]` could swap a support crate), so they
/// count as much as the code.
const PROTECTED_FILES: &[&str] = &[
    "Cargo.toml",
    "course.toml",
    "checker/Cargo.toml",
    ".cargo/config.toml",
    ".cargo/config",
];

/// Files of each exercise's crate that are protected when they exist.
const PROTECTED_IN_EXERCISE: &[&str] = &["check.rs", "Cargo.toml", "build.rs"];

/// `integrity.toml` as written.
#[derive(Debug, Serialize, Deserialize)]
struct ManifestFile {
    format_version: u32,
    files: BTreeMap<String, String>,
}

/// The protected files and their hashes, by path relative to the course
/// root with `/` separators.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Manifest {
    /// Path to lowercase hex sha256.
    pub files: BTreeMap<String, String>,
}

/// One way the tree differs from the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The file's content changed.
    Changed(String),
    /// The manifest lists it, the tree no longer has it.
    Missing(String),
    /// A protected place holds a file the manifest does not list.
    Added(String),
}

impl Difference {
    /// The file's path.
    pub fn path(&self) -> &str {
        match self {
            Difference::Changed(p) | Difference::Missing(p) | Difference::Added(p) => p,
        }
    }

    /// What happened to it, in one word.
    pub fn word(&self) -> &'static str {
        match self {
            Difference::Changed(_) => "changed",
            Difference::Missing(_) => "deleted",
            Difference::Added(_) => "added",
        }
    }
}

/// Why the tree's integrity could not be confirmed.
#[derive(Debug)]
pub enum IntegrityError {
    /// The course has no manifest.
    NoManifest {
        /// Where it should be.
        path: PathBuf,
    },
    /// The manifest could not be read or understood.
    BadManifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A protected file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Protected files differ from the manifest.
    Tampered(Vec<Difference>),
}

impl IntegrityError {
    /// The problem in one line, naming the first file: for JSON messages
    /// and summaries.
    pub fn headline(&self) -> String {
        match self {
            IntegrityError::Tampered(differences) => {
                let first = &differences[0];
                let more = match differences.len() {
                    1 => String::new(),
                    2 => " (and 1 more file)".to_owned(),
                    n => format!(" (and {} more files)", n - 1),
                };
                format!(
                    "{} was {}{more}: it must stay as the course ships it, so this tree was not graded",
                    first.path(),
                    first.word()
                )
            }
            other => other.to_string(),
        }
    }
}

impl fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntegrityError::NoManifest { path } => write!(
                f,
                "no {} at {}: the course's protected files cannot be verified (a course author runs `{REGENERATE}`)",
                MANIFEST_FILE,
                path.display()
            ),
            IntegrityError::BadManifest { path, message } => {
                write!(f, "{} is not a valid manifest: {message}", path.display())
            }
            IntegrityError::Read { path, source } => {
                write!(f, "could not read {}: {source}", path.display())
            }
            IntegrityError::Tampered(differences) => {
                writeln!(
                    f,
                    "these files must stay as the course ships them, and differ from {MANIFEST_FILE}:"
                )?;
                for difference in differences {
                    writeln!(f, "  {:<8} {}", difference.word(), difference.path())?;
                }
                write!(
                    f,
                    "Put them back as they were (`git checkout -- <file>` restores one; delete added files). Course authors: run `{REGENERATE}` and commit {MANIFEST_FILE}."
                )
            }
        }
    }
}

impl std::error::Error for IntegrityError {}

/// The sha256 of `bytes` with every CRLF read as LF, in lowercase hex.
pub fn hash(bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    let mut rest = bytes;
    while let Some(at) = rest.windows(2).position(|w| w == b"\r\n") {
        hasher.update(&rest[..at]);
        rest = &rest[at + 1..];
    }
    hasher.update(rest);
    format!("{:x}", hasher.finalize())
}

/// Every protected file that exists in the course now, sorted.
pub fn protected_files(course: &Course) -> Result<Vec<String>, IntegrityError> {
    let root = &course.root;
    let mut files = Vec::new();
    for dir in PROTECTED_DIRS {
        walk(root, Path::new(dir), &mut files)?;
    }
    let singles =
        PROTECTED_FILES
            .iter()
            .map(|f| (*f).to_owned())
            .chain(course.exercises.iter().flat_map(|exercise| {
                PROTECTED_IN_EXERCISE
                    .iter()
                    .map(move |file| format!("exercises/{}/{file}", exercise.dir))
            }));
    files.extend(singles.filter(|file| root.join(file).is_file()));
    files.sort();
    files.dedup();
    Ok(files)
}

/// Adds the files under `dir` (relative to `root`), skipping build output
/// and hidden entries (editor and VCS files).
fn walk(root: &Path, dir: &Path, files: &mut Vec<String>) -> Result<(), IntegrityError> {
    let full = root.join(dir);
    if !full.is_dir() {
        return Ok(());
    }
    let entries = std::fs::read_dir(&full).map_err(|source| IntegrityError::Read {
        path: full.clone(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| IntegrityError::Read {
            path: full.clone(),
            source,
        })?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        let relative = dir.join(&*name);
        if entry.path().is_dir() {
            walk(root, &relative, files)?;
        } else {
            files.push(slashed(&relative));
        }
    }
    Ok(())
}

/// A relative path with `/` separators, as the manifest writes it.
fn slashed(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

impl Manifest {
    /// The manifest of the course as it is now.
    pub fn compute(course: &Course) -> Result<Manifest, IntegrityError> {
        let mut files = BTreeMap::new();
        for file in protected_files(course)? {
            let path = course.root.join(&file);
            let bytes =
                std::fs::read(&path).map_err(|source| IntegrityError::Read { path, source })?;
            files.insert(file, hash(&bytes));
        }
        Ok(Manifest { files })
    }

    /// Reads the course's committed manifest.
    pub fn load(root: &Path) -> Result<Manifest, IntegrityError> {
        let path = root.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(IntegrityError::NoManifest { path });
            }
            Err(source) => return Err(IntegrityError::Read { path, source }),
        };
        let bad = |message: String| IntegrityError::BadManifest {
            path: path.clone(),
            message,
        };
        let file: ManifestFile = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if file.format_version != FORMAT_VERSION {
            return Err(bad(format!(
                "format_version {} is not supported (this checker reads version {FORMAT_VERSION})",
                file.format_version
            )));
        }
        Ok(Manifest { files: file.files })
    }

    /// The manifest as its file's text.
    pub fn to_text(&self) -> String {
        let file = ManifestFile {
            format_version: FORMAT_VERSION,
            files: self.files.clone(),
        };
        let body = toml::to_string(&file).expect("a manifest always serialises");
        format!(
            "# The sha256 of every file a learner must not change, line endings read as LF.\n\
             # `checker grade` refuses to grade a tree where one differs. After changing\n\
             # one, run `{REGENERATE}` and commit this file.\n\
             {body}"
        )
    }

    /// Writes it to the course root.
    pub fn write(&self, root: &Path) -> std::io::Result<PathBuf> {
        let path = root.join(MANIFEST_FILE);
        std::fs::write(&path, self.to_text())?;
        Ok(path)
    }

    /// How `now` differs from this manifest, in path order.
    pub fn differences(&self, now: &Manifest) -> Vec<Difference> {
        let mut differences: Vec<Difference> = Vec::new();
        for (path, expected) in &self.files {
            match now.files.get(path) {
                None => differences.push(Difference::Missing(path.clone())),
                Some(actual) if actual != expected => {
                    differences.push(Difference::Changed(path.clone()))
                }
                Some(_) => {}
            }
        }
        for path in now.files.keys() {
            if !self.files.contains_key(path) {
                differences.push(Difference::Added(path.clone()));
            }
        }
        differences.sort_by(|a, b| a.path().cmp(b.path()));
        differences
    }
}

/// Checks the course against its committed manifest.
pub fn verify(course: &Course) -> Result<usize, IntegrityError> {
    let committed = Manifest::load(&course.root)?;
    let now = Manifest::compute(course)?;
    let differences = committed.differences(&now);
    if differences.is_empty() {
        Ok(now.files.len())
    } else {
        Err(IntegrityError::Tampered(differences))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_hashes_like_lf() {
        assert_eq!(hash(b"a\r\nb\r\n"), hash(b"a\nb\n"));
        assert_ne!(hash(b"a\rb"), hash(b"a\nb"));
        assert_eq!(
            hash(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    fn manifest(files: &[(&str, &str)]) -> Manifest {
        Manifest {
            files: files
                .iter()
                .map(|(p, h)| ((*p).to_owned(), (*h).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn changed_deleted_and_added_files_are_each_named() {
        let committed = manifest(&[("a.rs", "1"), ("b.rs", "2"), ("c.rs", "3")]);
        let now = manifest(&[("a.rs", "1"), ("b.rs", "X"), ("d.rs", "4")]);
        let differences = committed.differences(&now);
        assert_eq!(
            differences,
            [
                Difference::Changed("b.rs".into()),
                Difference::Missing("c.rs".into()),
                Difference::Added("d.rs".into()),
            ]
        );
        let error = IntegrityError::Tampered(differences);
        assert_eq!(
            error.headline(),
            "b.rs was changed (and 2 more files): it must stay as the course ships it, so this tree was not graded"
        );
        assert!(error.to_string().contains("  deleted  c.rs\n"), "{error}");
    }

    #[test]
    fn the_manifest_reads_back_what_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let written = manifest(&[("crates/checks/src/lib.rs", "ab12"), ("Cargo.toml", "cd34")]);
        written.write(dir.path()).unwrap();
        assert_eq!(Manifest::load(dir.path()).unwrap(), written);
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            "format_version = 2\n[files]\n",
        )
        .unwrap();
        assert!(matches!(
            Manifest::load(dir.path()),
            Err(IntegrityError::BadManifest { .. })
        ));
    }
}
