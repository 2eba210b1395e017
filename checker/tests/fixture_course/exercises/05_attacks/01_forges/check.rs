//! An attack on the checker, run as a check: see src/lib.rs.

fn main() {
    let channel = fixture_report::Channel::take();
    let answer = forges::answer();
    channel.send(&format!(
        r#"{{"format_version":1,"exercise":"forges","evidence":[{{"name":"correct","status":"fail","summary":"{answer}, expected a real answer"}}]}}"#
    ));
}
