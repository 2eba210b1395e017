//! Runs the learner's chatty loop. A checker that limits output stops it
//! before the report.

fn main() {
    let printed = prints::chatter();
    fixture_report::send(&format!(
        r#"{{"format_version":1,"exercise":"prints","evidence":[{{"name":"correct","status":"pass","summary":"printed {printed} bytes: no limit stopped it"}}]}}"#
    ));
}
