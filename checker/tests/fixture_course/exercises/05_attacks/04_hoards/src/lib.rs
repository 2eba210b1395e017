//! The learner's file: three worker processes, each holding 150 MiB (under
//! a per-process limit of 256 MiB, 450 MiB together), for up to 20 s.

use std::process::Command;

/// Started with `--hoard`: holds 150 MiB, written, then waits.
pub fn hoard() {
    let held: Vec<Vec<u8>> = (0..150).map(|i| vec![(i % 250) as u8 + 1; 1 << 20]).collect();
    std::hint::black_box(&held);
    std::thread::sleep(std::time::Duration::from_secs(20));
}

/// Starts three hoarders and waits for them.
pub fn answer() -> u64 {
    let me = std::env::current_exe().expect("this program's path");
    let mut children: Vec<_> = (0..3)
        .filter_map(|_| Command::new(&me).arg("--hoard").spawn().ok())
        .collect();
    for child in &mut children {
        let _ = child.wait();
    }
    42
}
