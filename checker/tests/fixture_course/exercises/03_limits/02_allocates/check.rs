//! Runs the learner's allocation. A checker that limits memory stops it
//! before the report.

fn main() {
    println!("remembering everything");
    let held = allocates::remember_everything();
    write_report(&format!(
        r#"{{"format_version":1,"exercise":"allocates","evidence":[{{"name":"correct","status":"pass","summary":"held {held} MiB: no limit stopped it"}}]}}"#
    ));
}

/// Writes the report where the checker asked (`CHECK_REPORT`).
fn write_report(json: &str) {
    let path = std::env::var("CHECK_REPORT").expect("the checker sets CHECK_REPORT");
    std::fs::write(path, json).expect("the report can be written");
}
