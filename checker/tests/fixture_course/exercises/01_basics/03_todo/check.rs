//! Catches the learner's panic and reports it, as the real checks do.

use std::sync::{Arc, Mutex};

fn main() {
    let location = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&location);
    std::panic::set_hook(Box::new(move |info| {
        *seen.lock().unwrap() = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
    }));
    match std::panic::catch_unwind(todo::answer) {
        Ok(_) => fixture_report::send(
            r#"{"format_version":1,"exercise":"todo","evidence":[{"name":"correct","status":"pass","summary":"42, as expected"},{"name":"concurrent","status":"pass","summary":"2 items in flight at most, 1.96 on average (need 2)"},{"name":"speed","status":"pass","summary":"1.9x faster than one at a time (ideal 2.0x)"}],"chart":{"title":"wall time","unit":"ms","bars":[{"label":"one at a time","value":200.0},{"label":"yours","value":105.3},{"label":"ideal","value":100.0}]},"notes":["p = 2 (a fixture: these numbers are fixed)"]}"#,
        ),
        Err(_) => {
            let at = location.lock().unwrap().clone().unwrap_or_default();
            fixture_report::send(&format!(
                r#"{{"format_version":1,"exercise":"todo","evidence":[],"panicked":{{"message":"not yet implemented","location":"{at}","thread":"main"}}}}"#
            ));
        }
    }
}
