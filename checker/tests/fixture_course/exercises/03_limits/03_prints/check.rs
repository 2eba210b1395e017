//! Runs the learner's chatty loop. A checker that limits output stops it
//! before the report.

fn main() {
    let printed = prints::chatter();
    write_report(&format!(
        r#"{{"format_version":1,"exercise":"prints","evidence":[{{"name":"correct","status":"pass","summary":"printed {printed} bytes: no limit stopped it"}}]}}"#
    ));
}

/// Writes the report where the checker asked (`CHECK_REPORT`).
fn write_report(json: &str) {
    let path = std::env::var("CHECK_REPORT").expect("the checker sets CHECK_REPORT");
    std::fs::write(path, json).expect("the report can be written");
}
