//! Runs the learner's allocation. A checker that limits memory stops it
//! before the report.

fn main() {
    println!("remembering everything");
    let held = allocates::remember_everything();
    fixture_report::send(&format!(
        r#"{{"format_version":1,"exercise":"allocates","evidence":[{{"name":"correct","status":"pass","summary":"held {held} MiB: no limit stopped it"}}]}}"#
    ));
}
