//! An attack on the checker, run as a check: see src/lib.rs.

fn main() {
    if std::env::args().nth(1).as_deref() == Some("--hoard") {
        hoards::hoard();
        return;
    }
    let channel = fixture_report::Channel::take();
    let answer = hoards::answer();
    channel.send(&format!(
        r#"{{"format_version":1,"exercise":"hoards","evidence":[{{"name":"correct","status":"pass","summary":"{answer}"}}]}}"#
    ));
}
