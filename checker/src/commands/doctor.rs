//! `doctor`: what this machine can show right now. Prints the cores and the
//! toolchain, builds and runs the `machine_report` binary of the `checks`
//! package (the parallel speedup available now, measured several times to
//! show how noisy the machine is), renders its report, then gives advice.

use crate::app::{App, Grade};
use crate::build::BuildTarget;
use crate::outcome::Outcome;
use crate::report::course_view;
use crate::report::live::Live;
use crate::report::outcome_view;
use crate::runner::CheckTarget;
use crate::style::Paint;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The package holding the machine report.
pub const MACHINE_PACKAGE: &str = "checks";
/// The binary that measures the machine and writes a report.
pub const MACHINE_BIN: &str = "machine_report";

/// `doctor`.
pub fn doctor(app: &mut App, out: &mut dyn Write) -> anyhow::Result<Grade> {
    let style = app.style;
    let root = app.course.root.clone();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    writeln!(out, "{}", style.paint(Paint::Bold, "checker doctor"))?;
    writeln!(out, "  course    {}", root.display())?;
    writeln!(
        out,
        "  progress  {}",
        course_view::summary_line(&app.course, &app.progress)
    )?;
    writeln!(
        out,
        "  cores     {cores} (what the checker's threads can use: p)"
    )?;
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    writeln!(out, "  rustc     {}", version_of(&rustc))?;
    writeln!(out, "  cargo     {}", version_of(&app.cargo))?;
    writeln!(out)?;
    out.flush()?;

    let crate_dir = PathBuf::from("crates").join(MACHINE_PACKAGE);
    let target = CheckTarget {
        exercise: "machine".into(),
        build: BuildTarget {
            package: MACHINE_PACKAGE.into(),
            bin: MACHINE_BIN.into(),
            manifest: root.join(&crate_dir).join("Cargo.toml"),
        },
        crate_dir,
        timeout: std::time::Duration::from_secs(app.course.info.timeout_secs),
        rules: None,
    };
    let live = Live::spinner();
    let run = app
        .runner(style.color)
        .run(&[target], &mut |event| live.on_event(&event));
    live.finish();
    let summary = run?;
    let outcome = &summary.results[0].outcome;
    if let Outcome::CompileError { rendered } = outcome {
        writeln!(
            out,
            "machine report: not available. It comes from binary `{MACHINE_BIN}` of package `{MACHINE_PACKAGE}`, which did not build:"
        )?;
        writeln!(out)?;
        write!(out, "{rendered}")?;
        return Ok(Grade::Unavailable);
    }
    let Outcome::Report(report) = outcome else {
        outcome_view::write_outcome(out, &style, &root, "", "machine", outcome)?;
        return Ok(Grade::Unavailable);
    };
    // The machine passes or fails nothing: say what it can show right now.
    let headline = match report.verdict() {
        verdict::Verdict::Pass => style.paint(
            Paint::Green,
            "spare cores now: speed checks can measure your speedup",
        ),
        _ => style.paint(
            Paint::Yellow,
            "busy now: speed checks will grade on structure and say so",
        ),
    };
    writeln!(out, "{} {headline}", style.paint(Paint::Bold, "machine"))?;
    outcome_view::write_report(out, &style, &root, report)?;
    writeln!(out)?;
    writeln!(out, "{}", style.paint(Paint::Bold, "advice"))?;
    for line in advice(on_battery(Path::new(POWER_SUPPLY))) {
        writeln!(out, "  - {line}")?;
    }
    Ok(Grade::Passed)
}

/// Where Linux describes the power supplies.
const POWER_SUPPLY: &str = "/sys/class/power_supply";

/// What to do for steadier measurements; `battery` is whether the machine
/// runs on battery now (`None`: unknown).
fn advice(battery: Option<bool>) -> Vec<&'static str> {
    let mut lines = vec![
        "Close other programs before speed checks (browsers, builds, video calls, indexers): they use the cores the checks measure.",
    ];
    lines.push(match battery {
        Some(true) => {
            "This machine is on battery now: plug it in. On battery the CPU slows down and speeds up, which blurs every timing."
        }
        _ => {
            "On a laptop, plug it in: on battery the CPU slows down and speeds up, which blurs every timing."
        }
    });
    lines.push(
        "A wide noise range means single measurements wander: run the check again, or run `doctor` again after closing programs.",
    );
    lines
}

/// Whether the machine runs on battery, from Linux's power supplies: `None`
/// when it has no mains supply to ask about (a desktop, a VM, macOS).
fn on_battery(dir: &Path) -> Option<bool> {
    let read = |path: PathBuf| std::fs::read_to_string(path).ok();
    let mut mains_online = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if read(path.join("type")).as_deref().map(str::trim) == Some("Mains") {
            let online = read(path.join("online")).is_some_and(|s| s.trim() == "1");
            mains_online = Some(mains_online.unwrap_or(false) || online);
        }
    }
    mains_online.map(|online| !online)
}

/// The first line `program -V` prints, or why there is none.
fn version_of(program: &OsStr) -> String {
    match Command::new(program).arg("-V").output() {
        Ok(output) if output.status.success() => String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_owned(),
        Ok(output) => format!(
            "`{} -V` failed ({})",
            program.to_string_lossy(),
            output.status
        ),
        Err(e) => format!("`{}` not found ({e})", program.to_string_lossy()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_laptop_on_battery_is_told_to_plug_in() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(on_battery(dir.path()), None);
        let ac = dir.path().join("AC");
        std::fs::create_dir(&ac).unwrap();
        std::fs::write(ac.join("type"), "Mains\n").unwrap();
        std::fs::write(ac.join("online"), "0\n").unwrap();
        assert_eq!(on_battery(dir.path()), Some(true));
        assert!(advice(Some(true))[1].starts_with("This machine is on battery now"));
        std::fs::write(ac.join("online"), "1\n").unwrap();
        assert_eq!(on_battery(dir.path()), Some(false));
    }
}
