//! Draws a report's [`Chart`] as horizontal bars in the terminal, scaled to
//! the longest bar, each with its value and unit.

use crate::style::{Paint, Style};
use std::io::{self, Write};
use verdict::Chart;

/// Characters of the longest bar.
pub const BAR_WIDTH: usize = 30;

/// Writes `chart` indented by two spaces.
pub fn write_chart(out: &mut dyn Write, style: &Style, chart: &Chart) -> io::Result<()> {
    writeln!(out, "  {}", style.paint(Paint::Bold, &chart.title))?;
    let label_width = chart
        .bars
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(0);
    let longest = chart
        .bars
        .iter()
        .map(|b| b.value)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    for bar in &chart.bars {
        let length = bar_length(bar.value, longest, BAR_WIDTH);
        let drawn = "█".repeat(length);
        let gap = if length == 0 { "" } else { " " };
        writeln!(
            out,
            "    {:<label_width$}  {drawn}{gap}{} {}",
            bar.label,
            format_value(bar.value),
            chart.unit
        )?;
    }
    Ok(())
}

/// Characters for `value` when `longest` gets `width`; a positive value gets
/// at least one so that it stays visible.
pub fn bar_length(value: f64, longest: f64, width: usize) -> usize {
    if !value.is_finite() || value <= 0.0 || longest <= 0.0 {
        return 0;
    }
    let length = (value / longest * width as f64).round() as usize;
    length.clamp(1, width)
}

/// A value with as many decimals as its size deserves: `640`, `81.5`, `1.96`.
pub fn format_value(value: f64) -> String {
    if !value.is_finite() {
        return "?".to_owned();
    }
    let magnitude = value.abs();
    if (value - value.round()).abs() < 1e-9 || magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::Bar;

    fn chart(values: &[(&str, f64)]) -> Chart {
        Chart {
            title: "wall time".into(),
            unit: "ms".into(),
            bars: values
                .iter()
                .map(|(label, value)| Bar {
                    label: (*label).into(),
                    value: *value,
                })
                .collect(),
        }
    }

    fn render(chart: &Chart) -> String {
        let mut out = Vec::new();
        write_chart(&mut out, &Style::plain(), chart).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn bars_scale_to_the_longest() {
        let text = render(&chart(&[
            ("one at a time", 640.0),
            ("yours", 160.0),
            ("ideal", 80.0),
        ]));
        let expected = format!(
            "  wall time\n    one at a time  {} 640 ms\n    yours          {} 160 ms\n    ideal          {} 80 ms\n",
            "█".repeat(30),
            "█".repeat(8),
            "█".repeat(4)
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn tiny_zero_and_odd_values_stay_readable() {
        assert_eq!(bar_length(0.1, 1000.0, 30), 1);
        assert_eq!(bar_length(0.0, 1000.0, 30), 0);
        assert_eq!(bar_length(f64::NAN, 1000.0, 30), 0);
        assert_eq!(bar_length(5.0, 0.0, 30), 0);
        let text = render(&chart(&[("none", 0.0), ("broken", f64::NAN)]));
        assert_eq!(text, "  wall time\n    none    0 ms\n    broken  ? ms\n");
        assert_eq!(render(&chart(&[])), "  wall time\n");
    }

    #[test]
    fn values_get_sensible_decimals() {
        assert_eq!(format_value(640.0), "640");
        assert_eq!(format_value(123.456), "123");
        assert_eq!(format_value(81.53), "81.5");
        assert_eq!(format_value(1.956), "1.96");
        assert_eq!(format_value(2.0), "2");
    }
}
