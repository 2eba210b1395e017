//! The learner's file: starts processes that leave the check's process
//! group and session (`setsid`), and one orphaned by a double fork, and
//! writes their pids to `escaped.pids` in the folder it runs from.

use std::process::Command;

/// The answer: 42, with three processes left running.
pub fn answer() -> u64 {
    let mut pids = Vec::new();
    let setsid = Command::new("setsid").args(["sleep", "1000"]).spawn();
    if let Ok(child) = setsid {
        pids.push(child.id());
    }
    let grouped = std::os::unix::process::CommandExt::process_group(
        &mut Command::new("sleep"),
        0,
    )
    .arg("1000")
    .spawn();
    if let Ok(child) = grouped {
        pids.push(child.id());
    }
    // The shell starts sleep in the background and exits: sleep is orphaned.
    if let Ok(out) = Command::new("sh").args(["-c", "sleep 1000 >/dev/null 2>&1 & echo $!"]).output() {
        if let Ok(pid) = String::from_utf8_lossy(&out.stdout).trim().parse::<u32>() {
            pids.push(pid);
        }
    }
    let text: Vec<String> = pids.iter().map(u32::to_string).collect();
    std::fs::write("escaped.pids", text.join("\n")).expect("pids written");
    42
}
