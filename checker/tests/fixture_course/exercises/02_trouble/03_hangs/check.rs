//! Starts a child process, then waits forever for the learner's code.
//! The checker must kill both.

fn main() {
    let child = std::process::Command::new("sleep")
        .arg("1000")
        .spawn()
        .expect("sleep can be started");
    // The test reads the child's pid to prove it was killed.
    if let Ok(path) = std::env::var("FIXTURE_CHILD_PID_FILE") {
        std::fs::write(path, child.id().to_string()).expect("pid file written");
    }
    println!("{}", hangs::answer());
}
