//! Running the learner's exercises one at a time: the overview (no
//! subcommand), `run <name>` (with its `--timeline` picture) and `next`.

use crate::app::{App, Grade};
use crate::cli::INVOCATION;
use crate::outcome::{Outcome, OutcomeKind};
use crate::report::course_view;
use crate::report::live::Live;
use crate::report::outcome_view;
use crate::report::timeline::{terminal_width, write_timeline};
use crate::report::timeline_svg::{self, Heading};
use crate::runner::{self, CheckTarget};
use crate::style::{Paint, Style};
use crate::timestamp::UtcTime;
use std::io::Write;
use std::path::Path;

/// No subcommand: progress so far, then the current exercise's checks.
pub fn overview(app: &mut App, out: &mut dyn Write) -> anyhow::Result<Grade> {
    let current = app.current();
    app.set_current(current);
    course_view::write_progress(out, &app.style, &app.course, &app.progress, current)?;
    writeln!(out)?;
    Ok(Grade::of(check_one(app, out, current, false)?))
}

/// `run <name>`: that exercise becomes current and runs; with `timeline`,
/// its timeline is drawn too.
pub fn run_named(
    app: &mut App,
    out: &mut dyn Write,
    name: &str,
    timeline: bool,
) -> anyhow::Result<Grade> {
    let index = app.index_of(name)?;
    app.set_current(index);
    Ok(Grade::of(check_one(app, out, index, timeline)?))
}

/// `next`: the next exercise not done becomes current, is introduced, and runs.
pub fn next(app: &mut App, out: &mut dyn Write) -> anyhow::Result<Grade> {
    let Some(index) = app.progress.next_not_done(&app.course, app.current()) else {
        writeln!(
            out,
            "{}",
            course_view::summary_line(&app.course, &app.progress)
        )?;
        writeln!(out, "Every exercise is done. Well measured!")?;
        return Ok(Grade::Passed);
    };
    app.set_current(index);
    app.save()?;
    introduce(app, out, index)?;
    Ok(Grade::of(check_one(app, out, index, false)?))
}

/// `Next up: 03/01 download: Download pages with threads`.
pub fn introduce(app: &App, out: &mut dyn Write, index: usize) -> std::io::Result<()> {
    let exercise = &app.course.exercises[index];
    writeln!(
        out,
        "Next up: {}",
        app.style.paint(
            Paint::Bold,
            &format!("{} {}: {}", exercise.label(), exercise.name, exercise.title)
        )
    )?;
    writeln!(out)
}

/// Builds and runs exercise `index`'s check, shows the outcome (and, with
/// `timeline`, its timeline), records it.
pub fn check_one(
    app: &mut App,
    out: &mut dyn Write,
    index: usize,
    timeline: bool,
) -> anyhow::Result<OutcomeKind> {
    let exercise = app.course.exercises[index].clone();
    let target = CheckTarget::for_exercise(&app.course, &exercise, false);
    let svg = runner::report_path(&app.course.root, &target.build.bin).with_extension("svg");
    out.flush()?;
    let live = Live::spinner();
    let run = app
        .runner(app.style.color)
        .run(&[target], &mut |event| live.on_event(&event));
    live.finish();
    let summary = run?;
    let result = summary
        .results
        .into_iter()
        .next()
        .expect("one target, one result");
    let style = app.style;
    let root = app.course.root.clone();
    outcome_view::write_outcome(
        out,
        &style,
        &root,
        exercise.label(),
        &exercise.name,
        &result.outcome,
    )?;
    if timeline {
        let title = format!("{} {}", exercise.label(), exercise.name);
        let heading = Heading {
            exercise: &title,
            verdict: outcome_view::verdict_word(result.outcome.kind()).0,
            done: result.outcome.kind().is_done(),
        };
        draw_timeline(out, &style, &root, &heading, &result.outcome, &svg)?;
    }
    writeln!(
        out,
        "{}",
        timings(
            &style,
            summary.build_time,
            result.elapsed,
            matches!(result.outcome, Outcome::Report(_))
        )
    )?;

    let kind = result.outcome.kind();
    app.progress
        .record(&exercise.name, kind, UtcTime::now().rfc3339());
    app.save()?;
    writeln!(out)?;
    writeln!(out, "  edit  {}", style.path(&root, &exercise.lib_file()))?;
    writeln!(out, "  read  {}", style.path(&root, &exercise.page()))?;
    if kind.is_done() {
        writeln!(out)?;
        writeln!(
            out,
            "  {} Move on with `{INVOCATION} next`.",
            style.paint(Paint::Green, "Done!")
        )?;
    }
    Ok(kind)
}

/// `--timeline`: the report's timeline in the terminal, and as an SVG at
/// `svg`, beside the report, whose path is printed.
fn draw_timeline(
    out: &mut dyn Write,
    style: &Style,
    root: &Path,
    heading: &Heading<'_>,
    outcome: &Outcome,
    svg: &Path,
) -> anyhow::Result<()> {
    writeln!(out)?;
    let timeline = match outcome {
        Outcome::Report(report) => match &report.timeline {
            Some(timeline) => timeline,
            None if report.panicked.as_ref().is_some_and(|p| p.is_todo()) => {
                let _ = std::fs::remove_file(svg);
                writeln!(out, "  No timeline yet: nothing ran but the `todo!()`.")?;
                return Ok(());
            }
            None => {
                let _ = std::fs::remove_file(svg);
                writeln!(
                    out,
                    "  No timeline in this report: a check records one once your results are right, and only where it watches threads, processes or requests at work."
                )?;
                return Ok(());
            }
        },
        _ => {
            let _ = std::fs::remove_file(svg);
            writeln!(out, "  No timeline: the check ended without a report.")?;
            return Ok(());
        }
    };
    write_timeline(out, style, timeline, terminal_width())?;
    let mut file = std::fs::File::create(svg)
        .map_err(|e| anyhow::anyhow!("could not write {}: {e}", svg.display()))?;
    timeline_svg::write_svg(&mut file, heading, timeline)?;
    let shown = crate::state::shown(root, svg);
    writeln!(
        out,
        "  The same picture, to open in any browser: {}",
        style.path(root, &shown)
    )?;
    Ok(())
}

/// How long building and checking took. A report that no run made came
/// from reading the sources: nothing was built.
fn timings(
    style: &Style,
    build: std::time::Duration,
    run: Option<std::time::Duration>,
    report: bool,
) -> String {
    let text = match run {
        Some(run) => format!(
            "  built in {}, checked in {}",
            style.duration(build),
            style.duration(run)
        ),
        None if report => "  read, not built".to_owned(),
        None => format!("  built in {}", style.duration(build)),
    };
    style.paint(Paint::Dim, &text)
}
