//! How output looks: colour, hyperlinks and redaction, decided once from the
//! terminal and the environment. Plain by default, so tests see plain text.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

/// Set to `1` to print `[time]` instead of every duration the checker
/// measures itself (build and run times), for stable snapshots.
pub const REDACT_ENV: &str = "CHECKER_REDACT";

/// A colour or weight for a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// Passing.
    Green,
    /// Failing.
    Red,
    /// Neither: inconclusive, not started.
    Yellow,
    /// Names and headings.
    Bold,
    /// Secondary information.
    Dim,
}

/// The output settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// ANSI colours.
    pub color: bool,
    /// OSC 8 hyperlinks on file paths.
    pub hyperlinks: bool,
    /// Durations printed as `[time]`.
    pub redact: bool,
}

impl Style {
    /// No colour, no links, real durations.
    #[cfg(test)]
    pub fn plain() -> Self {
        Style::default()
    }

    /// From the terminal and the environment: colour when stdout is a
    /// terminal and `NO_COLOR` is unset (or `CLICOLOR_FORCE=1`), links when
    /// the terminal supports them.
    pub fn detect() -> Self {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0" && !v.is_empty());
        let terminal = std::io::stdout().is_terminal();
        Style {
            color: !set("NO_COLOR") && (terminal || forced),
            hyperlinks: supports_hyperlinks::on(supports_hyperlinks::Stream::Stdout),
            redact: std::env::var_os(REDACT_ENV).is_some_and(|v| v == "1"),
        }
    }

    /// `text` in `paint`, when colour is on.
    pub fn paint(&self, paint: Paint, text: &str) -> String {
        if !self.color {
            return text.to_owned();
        }
        let code = match paint {
            Paint::Green => "32",
            Paint::Red => "31",
            Paint::Yellow => "33",
            Paint::Bold => "1",
            Paint::Dim => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    /// A path relative to `root`, shown relative and linked to its absolute
    /// `file://` URL when the terminal supports links.
    pub fn path(&self, root: &Path, relative: &Path) -> String {
        let shown = relative.display().to_string();
        if !self.hyperlinks {
            return shown;
        }
        let url = file_url(&root.join(relative));
        format!("\x1b]8;;{url}\x1b\\{shown}\x1b]8;;\x1b\\")
    }

    /// A duration the checker measured, like `1.2 s` or `340 ms`.
    pub fn duration(&self, duration: Duration) -> String {
        if self.redact {
            return "[time]".to_owned();
        }
        let ms = duration.as_secs_f64() * 1000.0;
        if ms < 1000.0 {
            format!("{ms:.0} ms")
        } else {
            format!("{:.1} s", ms / 1000.0)
        }
    }
}

/// `file:///a%20b/c.rs` for `/a b/c.rs`.
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_style_adds_nothing() {
        let style = Style::plain();
        assert_eq!(style.paint(Paint::Red, "FAIL"), "FAIL");
        assert_eq!(
            style.path(Path::new("/c"), Path::new("src/a.md")),
            "src/a.md"
        );
        assert_eq!(style.duration(Duration::from_millis(340)), "340 ms");
        assert_eq!(style.duration(Duration::from_millis(1250)), "1.2 s");
    }

    #[test]
    fn links_and_colours_when_asked() {
        let style = Style {
            color: true,
            hyperlinks: true,
            redact: true,
        };
        assert_eq!(style.paint(Paint::Green, "PASS"), "\x1b[32mPASS\x1b[0m");
        assert_eq!(
            style.path(Path::new("/my course"), Path::new("src/a.md")),
            "\x1b]8;;file:///my%20course/src/a.md\x1b\\src/a.md\x1b]8;;\x1b\\"
        );
        assert_eq!(style.duration(Duration::from_secs(3)), "[time]");
    }
}
