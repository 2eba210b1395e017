//! How the fixture course's checks report, with the standard library only:
//! through the checker's sealed channel when it opened one (the protocol
//! of `verdict::channel`: the seal is read from one descriptor, the report
//! written, carrying it, to the other), else to the file `CHECK_REPORT`
//! names, else to standard output.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;

/// Sends `json`, one report object, to the checker.
pub fn send(json: &str) {
    let fd = |name: &str| std::env::var(name).ok()?.parse::<i32>().ok();
    if let (Some(seal_fd), Some(report_fd)) = (fd("CHECK_SEAL_FD"), fd("CHECK_REPORT_FD")) {
        // Safety: the checker opened both descriptors for this process, and
        // each is wrapped once, here.
        let (mut seal_pipe, mut report) =
            unsafe { (File::from_raw_fd(seal_fd), File::from_raw_fd(report_fd)) };
        let mut seal = String::new();
        seal_pipe.read_to_string(&mut seal).expect("the seal can be read");
        let sealed = json.replacen('{', &format!("{{\"seal\":\"{}\",", seal.trim()), 1);
        report
            .write_all(sealed.as_bytes())
            .expect("the report can be sent");
        return;
    }
    match std::env::var_os("CHECK_REPORT") {
        Some(path) => std::fs::write(path, json).expect("the report can be written"),
        None => println!("{json}"),
    }
}
