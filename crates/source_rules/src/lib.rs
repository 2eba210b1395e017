//! What running cannot show, reading can: the checker reads an exercise's
//! sources before it builds them, and fails the exercise when they
//!
//! - reach outside their own crate ([`Family::OwnWork`]): a `#[path]` or an
//!   `include!`/`include_str!`/`include_bytes!` of a file outside the
//!   crate's `src/` (the checker reads nothing else, so nothing else may be
//!   loaded),
//!   a string naming the solutions, the checker's crates or its report, or
//!   an attribute that places code or symbols where the linker, not the
//!   program, decides when they run (`#[no_mangle]`, `#[export_name]`,
//!   `#[link_section]`, `#[used]`, ...);
//! - build a lock on `Relaxed` atomics ([`Family::MemoryOrdering`]): a data
//!   race that x86 hides, so no run on this machine can show it.
//!
//! [`scan_source`] is pure: a file's text and where it is in, findings out.
//! [`scan_crate`] walks a crate's `src/` and calls it on every `.rs` file;
//! it also refuses links that point outside `src/`, and a `src/` that is a
//! link itself.
//!
//! A file is read twice: as tokens for the own-work rules (so that macro
//! bodies, `cfg_attr` and files meant for `include!` are read too), and as
//! a syntax tree for the lock rule. A file that does not tokenize yields no
//! finding, and one that does not parse no lock finding: the compiler will
//! say why.

mod ordering;
mod reach;

use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The kind of mistake a finding belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// The source reaches outside its crate (issue 12, family 7).
    OwnWork,
    /// A lock taken or given back with `Relaxed` (issue 12, family 9).
    MemoryOrdering,
}

impl Family {
    /// The name of the evidence a finding of this family fails.
    pub fn evidence(self) -> &'static str {
        match self {
            Family::OwnWork => "own work",
            Family::MemoryOrdering => "memory ordering",
        }
    }

    /// What the learner should do, whatever the finding.
    pub fn diagnosis(self) -> &'static str {
        match self {
            Family::OwnWork => {
                "your code reaches outside its own crate, so the checker cannot tell what your code does by itself. Write the exercise in your crate's own files: `mod` files and `include_str!` data inside your `src/` are fine; a `#[path]` or `include!` of a file elsewhere, a string naming the solutions, the checker's crates or its report, and attributes that place symbols or code for the linker (`#[no_mangle]`, `#[export_name]`, `#[link_section]`, `#[used]`) are not"
            }
            Family::MemoryOrdering => {
                "your lock is built on `Relaxed` atomics: Relaxed keeps that one atomic variable consistent but orders nothing around it, so the data the lock protects is read and written with no lock at all, a data race. On x86 the hardware orders ordinary loads and stores strongly (TSO), so a Relaxed lock usually seems to work there, but the compiler may move the protected accesses across a Relaxed operation, and ARM machines (Apple silicon, phones, many cloud servers) reorder them. Use `Ordering::Acquire` when taking the lock (the success ordering of `compare_exchange`, or `swap`, or the load that sees your turn) and `Ordering::Release` when giving it back (the `store`), or `SeqCst` for both"
            }
        }
    }
}

/// Which rules apply to a crate. The own-work rules apply to every exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rules {
    /// Read locks built on atomics for `Relaxed` orderings (lock exercises).
    pub memory_ordering: bool,
}

/// One thing found in a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Its family: the evidence it fails.
    pub family: Family,
    /// The file, as it was given.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// What is wrong there, in one sentence.
    pub what: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.what)
    }
}

/// Reads one source file: `text` is the content of `file`, which belongs to
/// the crate whose `Cargo.toml` is in `crate_root`. `file` and `crate_root`
/// must both be absolute or both relative to the same folder; they are
/// compared as written (no file system access).
pub fn scan_source(text: &str, file: &Path, crate_root: &Path, rules: Rules) -> Vec<Finding> {
    let mut findings = reach::scan(text, file, crate_root);
    if rules.memory_ordering {
        findings.extend(ordering::scan(text, file));
    }
    // One finding per line and family: the first says the most (an
    // `include!` is judged before the strings it is made of).
    findings.sort_by_key(|f| (f.family, f.line));
    findings.dedup_by_key(|f| (f.family, f.line));
    findings
}

/// A link at `file` (inside the crate's `src/`) that points at `target`: a
/// finding when the target is outside `src/`. Both paths as the file system
/// resolves them (canonical).
pub fn scan_link(file: &Path, target: &Path, crate_root: &Path) -> Option<Finding> {
    if normalize(target).starts_with(normalize(&crate_root.join("src"))) {
        return None;
    }
    Some(Finding {
        family: Family::OwnWork,
        file: file.to_owned(),
        line: 1,
        what: format!(
            "this is a link to {}, outside your crate's `src/`",
            target.display()
        ),
    })
}

/// Reads every file under `crate_root/src`: each text file with
/// [`scan_source`] (`include!` can compile a file of any name), each link
/// with [`scan_link`]. A file that cannot be read
/// is skipped (the compiler will complain about it if it matters).
pub fn scan_crate(crate_root: &Path, rules: Rules) -> Vec<Finding> {
    let root = crate_root
        .canonicalize()
        .unwrap_or_else(|_| crate_root.to_owned());
    let mut findings = Vec::new();
    let src = root.join("src");
    if let Ok(real) = src.canonicalize()
        && real != src
        && let Some(finding) = scan_link(&src, &real, &root)
    {
        findings.push(finding);
        return findings;
    }
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_symlink() {
                // A link that resolves nowhere points nowhere: the compiler
                // will say so if it is used.
                if let Ok(target) = path.canonicalize()
                    && let Some(finding) = scan_link(&path, &target, &root)
                {
                    findings.push(finding);
                }
            } else if kind.is_dir() {
                dirs.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                // Every text file, not only `.rs` ones: `include!("x.txt")`
                // compiles whatever it names. Prose and data rarely even
                // tokenize, and then yield nothing.
                findings.extend(scan_source(&text, &path, &root, rules));
            }
        }
    }
    findings.sort_by(|a, b| (a.family, &a.file, a.line).cmp(&(b.family, &b.file, b.line)));
    findings
}

/// `path` with `.` and `..` resolved as written (no file system access). A
/// `..` above the start is kept, so the result is outside any folder that
/// does not start with `..`.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match parts.last() {
                Some(Component::Normal(_)) => {
                    parts.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => parts.push(component),
            },
            other => parts.push(other),
        }
    }
    parts.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_dots_as_written() {
        assert_eq!(
            normalize(Path::new("/c/ex/src/../../solutions/x")),
            Path::new("/c/solutions/x")
        );
        assert_eq!(normalize(Path::new("/../a")), Path::new("/a"));
        assert_eq!(normalize(Path::new("a/../../b")), Path::new("../b"));
        assert!(!normalize(Path::new("ex/src/../../x")).starts_with("ex"));
    }

    #[test]
    fn a_crate_is_read_from_disk_links_and_all() {
        let dir = std::env::temp_dir().join(format!("source_rules_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = dir.join("exercises/a");
        std::fs::create_dir_all(root.join("src/parts")).unwrap();
        std::fs::create_dir_all(dir.join("solutions/a/src")).unwrap();
        std::fs::write(dir.join("solutions/a/src/lib.rs"), "pub fn f() {}").unwrap();
        std::fs::write(root.join("src/lib.rs"), "mod parts;").unwrap();
        std::fs::write(root.join("src/parts/mod.rs"), "// mine").unwrap();
        std::fs::write(root.join("src/notes.txt"), "See the solutions/ folder.").unwrap();
        std::fs::write(root.join("src/data.bin"), [0xff, 0xfe, 0x00]).unwrap();
        assert_eq!(scan_crate(&root, Rules::default()), []);

        // A source deeper in src/ is read too, with its own line.
        std::fs::write(
            root.join("src/parts/mod.rs"),
            "\n#[path = \"../../../../solutions/a/src/lib.rs\"] mod s;",
        )
        .unwrap();
        let found = scan_crate(&root, Rules::default());
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].file.ends_with("src/parts/mod.rs"));
        assert_eq!(found[0].line, 2);
        std::fs::write(root.join("src/parts/mod.rs"), "// mine").unwrap();

        // Code in a file of another name, for `include!("code.txt")`.
        std::fs::write(
            root.join("src/code.txt"),
            "#[path = \"../../../solutions/a/src/lib.rs\"] mod s;",
        )
        .unwrap();
        let found = scan_crate(&root, Rules::default());
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].file.ends_with("src/code.txt"));
        std::fs::remove_file(root.join("src/code.txt")).unwrap();

        #[cfg(unix)]
        {
            // A file that is a link to the solution.
            std::os::unix::fs::symlink(
                dir.join("solutions/a/src/lib.rs"),
                root.join("src/parts/answer.rs"),
            )
            .unwrap();
            let found = scan_crate(&root, Rules::default());
            assert_eq!(found.len(), 1, "{found:#?}");
            assert!(found[0].what.contains("is a link to"), "{found:#?}");
            std::fs::remove_file(root.join("src/parts/answer.rs")).unwrap();
            // A src/ that is a link to the solution's.
            std::fs::rename(root.join("src"), root.join("mine")).unwrap();
            std::os::unix::fs::symlink(dir.join("solutions/a/src"), root.join("src")).unwrap();
            let found = scan_crate(&root, Rules::default());
            assert_eq!(found.len(), 1, "{found:#?}");
            assert!(found[0].what.contains("solutions/a/src"), "{found:#?}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn links_outside_the_crate_are_findings() {
        let root = Path::new("/c/exercises/a");
        assert!(scan_link(&root.join("src/x.rs"), &root.join("src/y.rs"), root).is_none());
        assert!(scan_link(&root.join("src/x.rs"), &root.join("x.rs"), root).is_some());
        let finding = scan_link(
            &root.join("src/x.rs"),
            Path::new("/c/solutions/a/src/lib.rs"),
            root,
        )
        .unwrap();
        assert_eq!(finding.family, Family::OwnWork);
        assert!(finding.what.contains("/c/solutions/a/src/lib.rs"));
    }
}
