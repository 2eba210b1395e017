//! Live feedback while checks build and run: an indicatif spinner showing
//! cargo's current `Compiling` line, or a bar over many checks. Hidden when
//! standard error is not a terminal.

use crate::outcome::Event;
use crate::report::outcome_view::verdict_word;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A spinner or progress bar fed by runner events.
pub struct Live {
    bar: ProgressBar,
}

impl Live {
    /// A spinner for one check.
    pub fn spinner() -> Live {
        let bar = ProgressBar::with_draw_target(None, target());
        bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("valid template"));
        bar.enable_steady_tick(Duration::from_millis(100));
        Live { bar }
    }

    /// A bar over `total` checks.
    pub fn bar(total: usize) -> Live {
        let bar = ProgressBar::with_draw_target(Some(total as u64), target());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(100));
        Live { bar }
    }

    /// Shows what the runner is doing.
    pub fn on_event(&self, event: &Event<'_>) {
        match *event {
            Event::BuildStarted { count } => {
                let checks = if count == 1 { "check" } else { "checks" };
                self.bar.set_message(format!("building {count} {checks}"));
            }
            Event::BuildLine(line) => {
                if line.starts_with("Compiling") {
                    self.bar
                        .set_message(format!("{line} (the first build takes a few minutes)"));
                }
            }
            Event::BuildFinished { elapsed } => self
                .bar
                .set_message(format!("built in {:.1} s", elapsed.as_secs_f64())),
            Event::CheckStarted { exercise } => {
                self.bar.set_message(format!("checking {exercise}"))
            }
            Event::CheckFinished {
                exercise,
                outcome,
                elapsed,
            } => {
                let (word, _) = verdict_word(outcome.kind());
                self.bar.set_message(format!(
                    "{exercise}: {word} in {:.1} s",
                    elapsed.as_secs_f64()
                ));
                self.bar.inc(1);
            }
        }
    }

    /// Removes it from the screen.
    pub fn finish(self) {
        self.bar.finish_and_clear();
    }
}

fn target() -> ProgressDrawTarget {
    if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}
