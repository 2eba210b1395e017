//! Text made safe for the XML the reporters write by hand (JUnit, the
//! timeline's SVG).

/// Text safe in XML content and quoted attributes: the five special
/// characters escaped, and the control characters XML 1.0 forbids dropped
/// (a learner's output may hold terminal colour codes, `\x1b[1m`). Tab, line
/// feed and carriage return are allowed, and kept.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if c.is_control() => {}
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_five_special_characters_are_escaped() {
        assert_eq!(
            escape(r#"a < b && "c" > 'd'"#),
            "a &lt; b &amp;&amp; &quot;c&quot; &gt; &apos;d&apos;"
        );
    }

    #[test]
    fn control_characters_are_dropped_but_whitespace_is_kept() {
        assert_eq!(escape("\x1b[1mbold\x1b[0m\x00\x07"), "[1mbold[0m");
        assert_eq!(escape("a\tb\nc\r\n"), "a\tb\nc\r\n");
    }

    #[test]
    fn other_text_is_left_as_it_is() {
        assert_eq!(
            escape("peak 2 of 2 workers, 1.96 µs"),
            "peak 2 of 2 workers, 1.96 µs"
        );
    }
}
