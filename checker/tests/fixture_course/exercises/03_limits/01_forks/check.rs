//! Runs the learner's workers; started with `--worker`, is one of them.
//! A checker that limits processes stops it long before the report.

fn main() {
    if std::env::args().nth(1).as_deref() == Some(forks::WORKER) {
        forks::work();
        return;
    }
    let started = forks::start_workers();
    fixture_report::send(&format!(
        r#"{{"format_version":1,"exercise":"forks","evidence":[{{"name":"correct","status":"pass","summary":"{started} workers started and ended: no limit stopped them"}}]}}"#
    ));
}
