//! The learner's file: reports its progress on every step of a loop that
//! never ends. Gently: it stops by itself after 256 MiB of output.

use std::io::Write;

/// Prints progress lines; returns how many bytes it printed.
pub fn chatter() -> usize {
    let mut out = std::io::stdout().lock();
    let mut printed = 0;
    let mut step = 0u64;
    while printed < 256 << 20 {
        step += 1;
        let line = format!("step {step}: still working, all fine so far\n");
        if out.write_all(line.as_bytes()).is_err() {
            break;
        }
        printed += line.len();
    }
    printed
}
