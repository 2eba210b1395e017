//! An attack on the checker, run as a check: see src/lib.rs.

fn main() {
    let channel = fixture_report::Channel::take();
    let answer = escapes::answer();
    channel.send(&format!(
        r#"{{"format_version":1,"exercise":"escapes","evidence":[{{"name":"correct","status":"pass","summary":"{answer}"}}]}}"#
    ));
}
