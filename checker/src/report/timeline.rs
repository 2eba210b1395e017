//! Draws a report's [`Timeline`] in the terminal: one row per thread (or
//! worker process, or request in flight), time across, a row counting the
//! items in flight, a time axis and a one-line legend.
//!
//! ```text
//!   thread 1  │████████░░░░████████│
//!   thread 2  │░░░░████████████░░░░│
//!   in flight │11112222222222221111│
//!          ms 0         20        40
//! ```
//!
//! A sequential version shows one row busy at a time; a parallel one, every
//! row busy together.

use crate::style::{Paint, Style};
use std::io::{self, Write};
use verdict::Timeline;

/// Columns when the terminal's width is unknown.
pub const DEFAULT_WIDTH: usize = 80;
/// Rows drawn in the terminal; the SVG has them all.
pub const MAX_ROWS: usize = 16;
/// The widest a row's name may be.
const MAX_LABEL: usize = 24;
/// The name of the row that counts the items in flight.
const IN_FLIGHT: &str = "in flight";

/// A busy cell, one busy for part of its time, an idle one.
pub const BUSY: char = '█';
/// See [`BUSY`].
pub const PARTLY: char = '▒';
/// See [`BUSY`].
pub const IDLE: char = '░';

/// One row of the picture: a lane, or the part of a lane that ran a second
/// item at the same time (a thread interleaving async tasks).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `thread 1`, `worker pid 4121`, `request 3`.
    pub label: String,
    /// (start, end) in ms, not overlapping, in order.
    pub spans: Vec<(f64, f64)>,
}

/// A timeline laid out for drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Lane by lane.
    pub rows: Vec<Row>,
    /// Where time ends: the last item's end (at least a microsecond).
    pub end_ms: f64,
}

impl Layout {
    /// Lays `timeline` out: one row per lane, more when a lane's items
    /// overlap, each extra item on its lane's lowest free row.
    pub fn of(timeline: &Timeline) -> Layout {
        let mut rows = Vec::new();
        for lane in 0..timeline.lane_count() as u32 {
            let label = timeline.label(lane);
            let mut items: Vec<(f64, f64)> = timeline
                .spans
                .iter()
                .filter(|s| s.lane == lane && s.start_ms.is_finite() && s.end_ms.is_finite())
                .map(|s| (s.start_ms.max(0.0), s.end_ms.max(s.start_ms).max(0.0)))
                .collect();
            items.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut sub: Vec<Vec<(f64, f64)>> = Vec::new();
            for item in items {
                match sub
                    .iter_mut()
                    .find(|r| r.last().is_none_or(|l| l.1 <= item.0))
                {
                    Some(row) => row.push(item),
                    None => sub.push(vec![item]),
                }
            }
            if sub.is_empty() {
                sub.push(Vec::new());
            }
            for (k, spans) in sub.into_iter().enumerate() {
                let label = if k == 0 {
                    label.clone()
                } else {
                    format!("{label} ({})", k + 1)
                };
                rows.push(Row { label, spans });
            }
        }
        let end_ms = rows
            .iter()
            .flat_map(|r| r.spans.iter().map(|s| s.1))
            .fold(0.001, f64::max);
        Layout { rows, end_ms }
    }

    /// How busy each of `columns` equal slices of time was on `row`, from 0
    /// (idle) to 1 (busy all of it).
    pub fn coverage(&self, row: &Row, columns: usize) -> Vec<f64> {
        let mut busy = vec![0.0; columns];
        let width = self.end_ms / columns as f64;
        for &(start, end) in &row.spans {
            let first = ((start / width) as usize).min(columns - 1);
            let last = ((end / width) as usize).min(columns - 1);
            for (c, cell) in busy.iter_mut().enumerate().take(last + 1).skip(first) {
                let (from, to) = (c as f64 * width, (c + 1) as f64 * width);
                let overlap = end.min(to) - start.max(from);
                if overlap > 0.0 {
                    *cell += overlap / width;
                }
            }
        }
        busy.iter().map(|b| b.min(1.0)).collect()
    }

    /// The items in flight in each column, averaged over its time.
    pub fn in_flight(&self, columns: usize) -> Vec<f64> {
        let mut total = vec![0.0; columns];
        for row in &self.rows {
            for (t, c) in total.iter_mut().zip(self.coverage(row, columns)) {
                *t += c;
            }
        }
        total
    }
}

/// The terminal's width in columns: `COLUMNS` if set, else what the
/// terminal on standard output says, else [`DEFAULT_WIDTH`].
pub fn terminal_width() -> usize {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return columns;
    }
    // Fails on a descriptor that is not a terminal.
    match rustix::termios::tcgetwinsize(std::io::stdout()) {
        Ok(size) if size.ws_col > 0 => usize::from(size.ws_col),
        _ => DEFAULT_WIDTH,
    }
}

/// Writes `timeline` indented by two spaces, `width` columns wide.
pub fn write_timeline(
    out: &mut dyn Write,
    style: &Style,
    timeline: &Timeline,
    width: usize,
) -> io::Result<()> {
    let layout = Layout::of(timeline);
    let caption = timeline
        .caption
        .as_deref()
        .unwrap_or("which thread ran which work item when");
    writeln!(
        out,
        "  {}",
        style.paint(Paint::Bold, &format!("Timeline: {caption}"))
    )?;
    if layout.rows.iter().all(|r| r.spans.is_empty()) {
        return writeln!(out, "  (no work items were recorded)");
    }
    let shown = if layout.rows.len() > MAX_ROWS {
        MAX_ROWS - 1
    } else {
        layout.rows.len()
    };
    let label_width = layout.rows[..shown]
        .iter()
        .map(|r| r.label.chars().count().min(MAX_LABEL))
        .chain([IN_FLIGHT.len()])
        .max()
        .unwrap_or(0);
    // Two spaces, the name, a space and a bar on each side.
    let columns = width.saturating_sub(label_width + 5).clamp(10, 240);
    for row in &layout.rows[..shown] {
        let cells: String = layout
            .coverage(row, columns)
            .into_iter()
            .map(|busy| {
                if busy >= 0.5 {
                    BUSY
                } else if busy > 0.0 {
                    PARTLY
                } else {
                    IDLE
                }
            })
            .collect();
        writeln!(out, "  {} │{cells}│", pad(&row.label, label_width))?;
    }
    if shown < layout.rows.len() {
        let more = layout.rows.len() - shown;
        writeln!(
            out,
            "  {} {}",
            " ".repeat(label_width),
            style.paint(Paint::Dim, &format!("… and {more} more rows like these"))
        )?;
    }
    let counts: String = layout
        .in_flight(columns)
        .into_iter()
        .map(in_flight_digit)
        .collect();
    writeln!(out, "  {} │{counts}│", pad(IN_FLIGHT, label_width))?;
    writeln!(
        out,
        "  {:>label_width$} {}",
        "ms",
        axis(layout.end_ms, columns)
    )?;
    let many = if counts.contains('+') {
        "  + 10 or more at once"
    } else {
        ""
    };
    writeln!(
        out,
        "  {}",
        style.paint(
            Paint::Dim,
            &format!("{BUSY} running an item  {PARTLY} part of the time  {IDLE} idle{many}")
        )
    )
}

/// `name` cut or padded to `width` characters.
fn pad(name: &str, width: usize) -> String {
    let count = name.chars().count();
    if count > width {
        let cut: String = name.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        format!("{name}{}", " ".repeat(width - count))
    }
}

/// ` ` for nothing, `1` to `9`, `+` for ten or more.
fn in_flight_digit(items: f64) -> char {
    if items < 0.05 {
        ' '
    } else {
        let n = items.round().max(1.0) as u32;
        char::from_digit(n, 10).filter(|_| n < 10).unwrap_or('+')
    }
}

/// The time axis under `columns` cells for `end_ms`, in ms: round numbers
/// at their columns, starting one column before the first cell (under the
/// bar), at most `columns + 2` characters long.
pub fn axis(end_ms: f64, columns: usize) -> String {
    let step = tick_step(end_ms, columns);
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil() as usize
    };
    let mut line: Vec<char> = vec![' '; columns + 2];
    let mut free_from = 0;
    let mut k = 0u32;
    loop {
        let t = f64::from(k) * step;
        if t > end_ms * (1.0 + 1e-9) {
            break;
        }
        k += 1;
        let text = format!("{t:.decimals$}");
        // +1: the bar before the first cell. A label too long for the end
        // ends at the closing bar instead.
        let at = (1 + ((t / end_ms) * columns as f64).round() as usize)
            .min(line.len().saturating_sub(text.len()));
        if at < free_from {
            continue;
        }
        for (i, c) in text.chars().enumerate() {
            line[at + i] = c;
        }
        free_from = at + text.len() + 1;
    }
    let text: String = line.into_iter().collect();
    text.trim_end().to_owned()
}

/// A round step (1, 2 or 5 times a power of ten) giving at most one label
/// per eight columns.
fn tick_step(end_ms: f64, columns: usize) -> f64 {
    let most = (columns / 8).max(1) as f64;
    let raw = end_ms / most;
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::Span;

    /// Two threads, `items` items of 10 ms each: one after the other on one
    /// thread, or side by side on both.
    fn fake(parallel: bool, items: u32) -> Timeline {
        let spans = (0..items)
            .map(|i| {
                let (lane, slot) = if parallel { (i % 2, i / 2) } else { (0, i) };
                Span {
                    lane,
                    start_ms: f64::from(slot) * 10.0,
                    end_ms: f64::from(slot) * 10.0 + 10.0,
                }
            })
            .collect();
        Timeline {
            caption: Some("a fake run".into()),
            lanes: vec!["thread 1".into(), "thread 2".into()],
            spans,
        }
    }

    fn render(timeline: &Timeline, width: usize) -> String {
        let mut out = Vec::new();
        write_timeline(&mut out, &Style::plain(), timeline, width).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// The cells of each lane row (not the in-flight row), as characters.
    fn lane_cells(text: &str) -> Vec<Vec<char>> {
        text.lines()
            .filter(|l| l.contains('│') && !l.trim_start().starts_with(IN_FLIGHT))
            .map(|l| {
                let inner = l.split('│').nth(1).unwrap();
                inner.chars().collect()
            })
            .collect()
    }

    /// Columns where at least two rows are busy.
    fn overlapping_columns(text: &str) -> usize {
        let rows = lane_cells(text);
        (0..rows[0].len())
            .filter(|&c| rows.iter().filter(|r| r[c] == BUSY).count() >= 2)
            .count()
    }

    #[test]
    fn a_sequential_run_has_one_row_busy_at_a_time_and_a_parallel_one_both() {
        let sequential = render(&fake(false, 8), 60);
        let parallel = render(&fake(true, 8), 60);
        assert_eq!(overlapping_columns(&sequential), 0, "{sequential}");
        let rows = lane_cells(&parallel);
        let columns = rows[0].len();
        assert_eq!(overlapping_columns(&parallel), columns, "{parallel}");
        // The sequential version leaves the second thread idle throughout.
        let rows = lane_cells(&sequential);
        assert!(rows[1].iter().all(|&c| c == IDLE), "{sequential}");
        assert!(rows[0].iter().all(|&c| c == BUSY), "{sequential}");
        // And counts one in flight everywhere, the parallel one two.
        assert!(sequential.contains(&format!("│{}│", "1".repeat(columns))));
        assert!(parallel.contains(&format!("│{}│", "2".repeat(columns))));
    }

    #[test]
    fn a_small_timeline_draws_like_this() {
        let timeline = Timeline {
            caption: Some("your last measured run, one row per thread".into()),
            lanes: vec!["thread 1".into(), "thread 2".into()],
            spans: vec![
                Span {
                    lane: 0,
                    start_ms: 0.0,
                    end_ms: 20.0,
                },
                Span {
                    lane: 1,
                    start_ms: 2.0,
                    end_ms: 12.0,
                },
                Span {
                    lane: 0,
                    start_ms: 24.0,
                    end_ms: 40.0,
                },
                Span {
                    lane: 1,
                    start_ms: 12.5,
                    end_ms: 37.0,
                },
            ],
        };
        insta::assert_snapshot!(render(&timeline, 60));
    }

    #[test]
    fn rows_are_capped_in_the_terminal_and_overlaps_get_rows_of_their_own() {
        let spans = (0..40)
            .map(|i| Span {
                lane: 0,
                start_ms: f64::from(i),
                end_ms: 100.0,
            })
            .collect();
        let timeline = Timeline {
            spans,
            ..Timeline::default()
        };
        let layout = Layout::of(&timeline);
        assert_eq!(layout.rows.len(), 40, "one thread, 40 items at once");
        assert_eq!(layout.rows[1].label, "thread 1 (2)");
        let text = render(&timeline, 80);
        assert_eq!(lane_cells(&text).len(), MAX_ROWS - 1, "{text}");
        assert!(text.contains("… and 25 more rows like these"), "{text}");
        assert!(text.contains("++++"), "{text}");
        assert!(text.ends_with("idle  + 10 or more at once\n"), "{text}");
    }

    #[test]
    fn the_picture_fits_the_width_and_short_items_stay_visible() {
        let timeline = Timeline {
            spans: vec![
                Span {
                    lane: 0,
                    start_ms: 0.0,
                    end_ms: 1000.0,
                },
                Span {
                    lane: 1,
                    start_ms: 500.0,
                    end_ms: 500.01,
                },
            ],
            ..Timeline::default()
        };
        for width in [40, 80, 132] {
            let text = render(&timeline, width);
            for line in text.lines().skip(1).take(3) {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
            assert!(lane_cells(&text)[1].contains(&PARTLY), "{text}");
        }
    }

    #[test]
    fn the_axis_has_round_numbers_at_their_columns() {
        assert!((tick_step(100.0, 40) - 20.0).abs() < 1e-9);
        assert!((tick_step(0.9, 80) - 0.1).abs() < 1e-12);
        let line = axis(100.0, 40);
        assert_eq!(line.find('0'), Some(1), "{line:?}");
        assert_eq!(line.find("20"), Some(9), "{line:?}");
        assert_eq!(line.find("80"), Some(33), "{line:?}");
        // 100 belongs at column 41; it ends at the closing bar instead.
        assert!(line.ends_with("100"), "{line:?}");
        assert!(line.chars().count() <= 42, "{line:?}");
        assert_eq!(axis(0.35, 20).split_whitespace().nth(1), Some("0.2"));
        assert_eq!(pad("worker pid 123456", 8), "worker …");
        assert_eq!(in_flight_digit(0.0), ' ');
        assert_eq!(in_flight_digit(0.3), '1');
        assert_eq!(in_flight_digit(12.0), '+');
    }
}
