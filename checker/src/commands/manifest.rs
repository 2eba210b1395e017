//! `manifest`: for course authors. Checks the tree against the committed
//! integrity manifest, or (`--write`) writes a new one from the tree.

use crate::app::{App, Grade};
use crate::integrity::{self, MANIFEST_FILE, Manifest};
use std::io::Write;

/// `manifest [--write]`.
pub fn manifest(app: &App, out: &mut dyn Write, write: bool) -> anyhow::Result<Grade> {
    if write {
        let manifest = Manifest::compute(&app.course)?;
        manifest.write(&app.course.root)?;
        writeln!(
            out,
            "wrote {MANIFEST_FILE}: {} protected files; commit it with your change",
            manifest.files.len()
        )?;
    } else {
        let count = integrity::verify(&app.course)?;
        writeln!(
            out,
            "{MANIFEST_FILE} matches: {count} protected files as the course ships them"
        )?;
    }
    Ok(Grade::Passed)
}
