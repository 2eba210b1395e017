//! The learner's file: writes a file of 256 MiB, a mebibyte at a time.

use std::io::Write;

/// Writes `written.bin` in the folder it runs from; the MiB written.
pub fn answer() -> u64 {
    let mut file = std::fs::File::create("written.bin").expect("a file can be created");
    let chunk = vec![7u8; 1 << 20];
    let mut written = 0;
    while written < 256 {
        if file.write_all(&chunk).is_err() {
            break;
        }
        written += 1;
    }
    written
}
