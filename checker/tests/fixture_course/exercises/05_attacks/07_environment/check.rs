//! An attack on the checker, run as a check: see src/lib.rs.

fn main() {
    let channel = fixture_report::Channel::take();
    let names = environment::answer();
    channel.send(&format!(
        r#"{{"format_version":1,"exercise":"environment","evidence":[{{"name":"correct","status":"pass","summary":"sees {names}"}}]}}"#
    ));
}
