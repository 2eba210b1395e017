//! `list`: every exercise with its label, title and status.

use crate::app::{App, Grade};
use crate::report::course_view;
use std::io::Write;

/// Prints the list; the current exercise is marked.
pub fn list(app: &App, out: &mut dyn Write) -> anyhow::Result<Grade> {
    course_view::write_list(out, &app.style, &app.course, &app.progress, app.current())?;
    Ok(Grade::Passed)
}
