//! Checks `answer` and writes the report as a JSON literal.

fn main() {
    let report = if pass::answer() == 42 {
        r#"{"format_version":1,"exercise":"pass","evidence":[{"name":"correct","status":"pass","summary":"42, as expected"},{"name":"concurrent","status":"pass","summary":"2 items in flight at most, 1.96 on average (need 2)"},{"name":"speed","status":"pass","summary":"1.9x faster than one at a time (ideal 2.0x)"}],"chart":{"title":"wall time","unit":"ms","bars":[{"label":"one at a time","value":200.0},{"label":"yours","value":105.3},{"label":"ideal","value":100.0}]},"speedup":{"measured":1.9,"ceiling":2.0},"notes":["p = 2 (a fixture: these numbers are fixed)"]}"#
    } else {
        r#"{"format_version":1,"exercise":"pass","evidence":[{"name":"correct","status":"fail","summary":"41, expected 42"},{"name":"concurrent","status":"skipped","summary":"not measured: the result is wrong"}],"diagnosis":"off by one: did you start counting at 1?"}"#
    };
    fixture_report::send(report);
}
