//! Writes a report's [`Timeline`] as a self-contained SVG picture: the
//! exercise and its verdict as the title, one row per lane with a bar per
//! work item, the items in flight, an axis in ms and a legend. No fonts,
//! scripts or styles from elsewhere: any browser opens it as it is.

use crate::report::chart::format_value;
use crate::report::timeline::Layout;
use crate::report::xml::escape;
use std::fmt::Write as _;
use std::io::{self, Write};
use verdict::Timeline;

/// Rows drawn; more are counted in a line below.
pub const MAX_ROWS: usize = 200;
/// The picture's width in pixels.
const WIDTH: f64 = 960.0;
/// Pixels per row, and of a bar in it.
const ROW: f64 = 18.0;
const BAR: f64 = 12.0;
/// Items at least this many pixels wide are drawn one by one.
const ITEM_PIXELS: f64 = 3.0;
/// Height of the in-flight chart.
const IN_FLIGHT: f64 = 48.0;
/// Where the rows start.
const TOP: f64 = 64.0;

const BUSY_FILL: &str = "#2f6fb0";
const TRACK_FILL: &str = "#eef2f6";
const TEXT_FILL: &str = "#24292f";
const DIM_FILL: &str = "#57606a";
const FLIGHT_FILL: &str = "#9cc3e6";

/// What the picture is of: `04/01 map_reduce` and its verdict.
#[derive(Debug, Clone, Copy)]
pub struct Heading<'a> {
    /// The exercise, as the terminal shows it: `04/01 map_reduce`.
    pub exercise: &'a str,
    /// The verdict in words: `PASS`, `FAIL`.
    pub verdict: &'a str,
    /// Whether the verdict completes the exercise (its colour).
    pub done: bool,
}

/// Writes `timeline` as an SVG document.
pub fn write_svg(
    out: &mut dyn Write,
    heading: &Heading<'_>,
    timeline: &Timeline,
) -> io::Result<()> {
    out.write_all(render(heading, timeline).as_bytes())
}

/// The SVG document as text.
pub fn render(heading: &Heading<'_>, timeline: &Timeline) -> String {
    let layout = Layout::of(timeline);
    let drawn = if layout.rows.len() > MAX_ROWS {
        MAX_ROWS - 1
    } else {
        layout.rows.len()
    };
    let longest = layout.rows[..drawn]
        .iter()
        .map(|r| r.label.chars().count())
        .chain(["in flight".len()])
        .max()
        .unwrap_or(0);
    let left = (7.0 * longest as f64 + 24.0).clamp(90.0, 240.0);
    let plot = WIDTH - left - 24.0;
    let x = |ms: f64| left + ms / layout.end_ms * plot;

    let more_line = if drawn < layout.rows.len() { ROW } else { 0.0 };
    let rows_end = TOP + drawn as f64 * ROW + more_line;
    let flight_top = rows_end + 12.0;
    let axis_y = flight_top + IN_FLIGHT + 8.0;
    let legend_y = axis_y + 40.0;
    let height = legend_y + 16.0;

    let mut svg = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let verdict_fill = if heading.done { "#1a7f37" } else { "#cf222e" };
    let caption = timeline
        .caption
        .as_deref()
        .unwrap_or("which thread ran which work item when");
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" fill="{TEXT_FILL}">"#
    );
    let _ = writeln!(
        svg,
        "<title>{}: {} (timeline)</title>",
        escape(heading.exercise),
        escape(heading.verdict)
    );
    let _ = writeln!(
        svg,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        svg,
        r#"<text x="16" y="26" font-size="16" font-weight="bold">{}: <tspan fill="{verdict_fill}">{}</tspan></text>"#,
        escape(heading.exercise),
        escape(heading.verdict)
    );
    let _ = writeln!(
        svg,
        r#"<text x="16" y="46" fill="{DIM_FILL}">{}, 0 to {} ms</text>"#,
        escape(caption),
        format_value(layout.end_ms)
    );

    for (i, row) in layout.rows[..drawn].iter().enumerate() {
        let y = TOP + i as f64 * ROW;
        let _ = write!(
            svg,
            r#"<g class="row" data-lane="{}"><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text><rect x="{left:.1}" y="{:.1}" width="{plot:.1}" height="{BAR}" fill="{TRACK_FILL}"/>"#,
            escape(&row.label),
            left - 8.0,
            y + BAR - 2.0,
            escape(&row.label),
            y
        );
        for (from, to) in pixel_runs(&row.spans, &x) {
            let _ = write!(
                svg,
                r#"<rect x="{from:.2}" y="{y:.1}" width="{:.2}" height="{BAR}" fill="{BUSY_FILL}" stroke="{TRACK_FILL}" stroke-width="0.5"/>"#,
                to - from
            );
        }
        let _ = writeln!(svg, "</g>");
    }
    if drawn < layout.rows.len() {
        let _ = writeln!(
            svg,
            r#"<text x="{left:.1}" y="{:.1}" fill="{DIM_FILL}">… and {} more rows like these</text>"#,
            rows_end - 4.0,
            layout.rows.len() - drawn
        );
    }

    // The items in flight, as a step line scaled to its highest point.
    let columns = plot.round() as usize;
    let flight = layout.in_flight(columns);
    let peak = flight.iter().copied().fold(0.0, f64::max).max(1.0);
    let base = flight_top + IN_FLIGHT;
    let mut points = format!("{left:.1},{base:.1}");
    for (c, items) in flight.iter().enumerate() {
        let y = base - items / peak * (IN_FLIGHT - 4.0);
        let _ = write!(
            points,
            " {:.1},{y:.1} {:.1},{y:.1}",
            left + c as f64,
            left + c as f64 + 1.0
        );
    }
    let _ = write!(points, " {:.1},{base:.1}", left + plot);
    let _ = writeln!(
        svg,
        r#"<g class="in-flight"><text x="{:.1}" y="{:.1}" text-anchor="end">in flight</text><text x="{:.1}" y="{:.1}" text-anchor="end" fill="{DIM_FILL}">{}</text><polygon points="{points}" fill="{FLIGHT_FILL}" stroke="{BUSY_FILL}" stroke-width="1"/></g>"#,
        left - 8.0,
        base - 2.0,
        left - 8.0,
        flight_top + 10.0,
        format_value(peak)
    );

    // The axis.
    let _ = write!(
        svg,
        r#"<g class="axis" fill="{DIM_FILL}"><line x1="{left:.1}" y1="{axis_y:.1}" x2="{:.1}" y2="{axis_y:.1}" stroke="{DIM_FILL}"/>"#,
        left + plot
    );
    for t in ticks(layout.end_ms) {
        let tx = x(t);
        let _ = write!(
            svg,
            r#"<line x1="{tx:.1}" y1="{axis_y:.1}" x2="{tx:.1}" y2="{:.1}" stroke="{DIM_FILL}"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            axis_y + 5.0,
            axis_y + 18.0,
            format_value(t)
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end">ms</text></g>"#,
        left - 8.0,
        axis_y + 18.0
    );

    let _ = writeln!(
        svg,
        r#"<g class="legend"><rect x="{left:.1}" y="{:.1}" width="14" height="10" fill="{BUSY_FILL}"/><text x="{:.1}" y="{legend_y:.1}">running a work item</text><rect x="{:.1}" y="{:.1}" width="14" height="10" fill="{TRACK_FILL}" stroke="{DIM_FILL}" stroke-width="0.5"/><text x="{:.1}" y="{legend_y:.1}">idle</text><text x="{:.1}" y="{legend_y:.1}" fill="{DIM_FILL}">one row per lane; a right answer keeps several rows busy at once</text></g>"#,
        legend_y - 9.0,
        left + 20.0,
        left + 160.0,
        legend_y - 9.0,
        left + 180.0,
        left + 240.0
    );
    svg.push_str("</svg>\n");
    svg
}

/// Spans as pixel runs, every one at least half a pixel wide so that tiny
/// items show. Items narrower than [`ITEM_PIXELS`] less than half a pixel
/// from the run before are joined to it: ten thousand tiny tasks make a
/// small file, while items wide enough to tell apart keep their edges.
fn pixel_runs(spans: &[(f64, f64)], x: &dyn Fn(f64) -> f64) -> Vec<(f64, f64)> {
    let mut runs: Vec<(f64, f64)> = Vec::new();
    for &(start, end) in spans {
        let (from, to) = (x(start), x(end));
        let to = to.max(from + 0.5);
        match runs.last_mut() {
            Some(last)
                if from - last.1 < 0.5
                    && (to - from < ITEM_PIXELS || last.1 - last.0 < ITEM_PIXELS) =>
            {
                last.1 = last.1.max(to)
            }
            _ => runs.push((from, to)),
        }
    }
    runs
}

/// Round times for the axis: about eight of them.
fn ticks(end_ms: f64) -> Vec<f64> {
    let raw = end_ms / 8.0;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * power);
    (0..)
        .map(|k| f64::from(k) * step)
        .take_while(|&t| t <= end_ms * (1.0 + 1e-9))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::Span;

    /// Checks that `svg` is well-formed XML as far as a picture needs: tags
    /// balanced and properly nested, attributes quoted, `&` only in
    /// entities. Returns the opening tags in order, with their attributes.
    fn parse(svg: &str) -> Vec<String> {
        let mut open: Vec<String> = Vec::new();
        let mut seen = Vec::new();
        let mut rest = svg;
        while let Some(lt) = rest.find('<') {
            check_text(&rest[..lt]);
            let gt = rest[lt..].find('>').expect("every tag closes") + lt;
            let tag = &rest[lt + 1..gt];
            rest = &rest[gt + 1..];
            if tag.starts_with('?') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop().as_deref(), Some(name.trim()), "nesting");
                continue;
            }
            assert_eq!(tag.matches('"').count() % 2, 0, "quotes in <{tag}>");
            check_text(&tag.replace('"', ""));
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect();
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "<{tag}>"
            );
            seen.push(tag.to_owned());
            if !tag.ends_with('/') {
                open.push(name);
            }
        }
        check_text(rest);
        assert!(open.is_empty(), "unclosed: {open:?}");
        seen
    }

    fn check_text(text: &str) {
        assert!(!text.contains('>'), "a bare > in {text:?}");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "a bare & in {text:?}"
            );
        }
    }

    fn heading() -> Heading<'static> {
        Heading {
            exercise: "04/01 map_reduce",
            verdict: "FAIL",
            done: false,
        }
    }

    #[test]
    fn the_svg_is_well_formed_with_one_row_per_lane() {
        let timeline = Timeline {
            caption: Some("a <fake> run & more".into()),
            lanes: vec![
                "thread 1".into(),
                "worker \"pid\" 7".into(),
                "thread 3".into(),
            ],
            spans: vec![
                Span {
                    lane: 0,
                    start_ms: 0.0,
                    end_ms: 10.0,
                },
                Span {
                    lane: 1,
                    start_ms: 10.0,
                    end_ms: 20.0,
                },
                Span {
                    lane: 0,
                    start_ms: 20.0,
                    end_ms: 30.0,
                },
            ],
        };
        let svg = render(&heading(), &timeline);
        assert!(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
        let tags = parse(&svg);
        assert!(tags[0].starts_with("svg xmlns=\"http://www.w3.org/2000/svg\""));
        let rows = tags
            .iter()
            .filter(|t| t.starts_with("g class=\"row\""))
            .count();
        assert_eq!(rows, 3, "one row per lane, the idle one too");
        assert!(svg.contains("04/01 map_reduce: <tspan fill=\"#cf222e\">FAIL</tspan>"));
        assert!(svg.contains("a &lt;fake&gt; run &amp; more"));
        // Two bars (lane 0's items are apart), one bar, none.
        let bars = tags
            .iter()
            .filter(|t| t.contains(BUSY_FILL) && t.starts_with("rect"))
            .count();
        assert_eq!(bars, 3 + 1, "three items and the legend's swatch");
        assert!(
            !svg.contains("http://") || svg.matches("http://").count() == 1,
            "nothing fetched"
        );
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn many_rows_are_counted_and_tiny_items_show() {
        let spans = (0..300)
            .map(|i| Span {
                lane: i,
                start_ms: f64::from(i),
                end_ms: f64::from(i) + 0.001,
            })
            .collect();
        let timeline = Timeline {
            spans,
            ..Timeline::default()
        };
        let svg = render(&heading(), &timeline);
        let tags = parse(&svg);
        let rows = tags
            .iter()
            .filter(|t| t.starts_with("g class=\"row\""))
            .count();
        assert_eq!(rows, MAX_ROWS - 1);
        assert!(svg.contains("… and 101 more rows like these"));
        let ms = |ms: f64| ms;
        assert_eq!(pixel_runs(&[(0.0, 0.0)], &ms), [(0.0, 0.5)]);
        // Wide items keep their edges; tiny ones are joined.
        assert_eq!(pixel_runs(&[(0.0, 10.0), (10.0, 20.0)], &ms).len(), 2);
        assert_eq!(
            pixel_runs(&[(0.0, 1.0), (1.0, 2.0), (2.0, 2.5)], &ms),
            [(0.0, 2.5)]
        );
    }

    #[test]
    fn axis_ticks_are_round() {
        assert_eq!(ticks(100.0), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(7.0).len(), 8);
    }
}
