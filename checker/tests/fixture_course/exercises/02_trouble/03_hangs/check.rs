//! Starts a child process, then waits forever for the learner's code.
//! The checker must kill both.

fn main() {
    let child = std::process::Command::new("sleep")
        .arg("1000")
        .spawn()
        .expect("sleep can be started");
    // The test reads the child's pid to prove it was killed (the checker
    // runs a check from the course's folder).
    std::fs::write("child.pid", child.id().to_string()).expect("pid file written");
    println!("{}", hangs::answer());
}
