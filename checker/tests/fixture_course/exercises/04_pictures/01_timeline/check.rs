//! Writes a fixed report with a timeline: two threads taking turns, as a
//! version that joins each thread right after spawning it does.

fn main() {
    let spans = if timeline::joins_at_once() {
        r#"[{"lane":0,"start_ms":0.0,"end_ms":10.0},{"lane":1,"start_ms":10.0,"end_ms":20.0},{"lane":0,"start_ms":20.0,"end_ms":30.0},{"lane":1,"start_ms":30.0,"end_ms":40.0}]"#
    } else {
        r#"[{"lane":0,"start_ms":0.0,"end_ms":20.0},{"lane":1,"start_ms":0.0,"end_ms":20.0}]"#
    };
    fixture_report::send(&format!(
        r#"{{"format_version":1,"exercise":"timeline","evidence":[{{"name":"correct","status":"pass","summary":"4 of 4 items right"}},{{"name":"concurrent","status":"fail","summary":"1 item in flight at most (need 2)"}}],"diagnosis":"1 item in flight at a time: are you joining each thread right after spawning it?","timeline":{{"caption":"your last measured run, one row per thread","lanes":["thread 1","thread 2"],"spans":{spans}}}}}"#
    ));
}
