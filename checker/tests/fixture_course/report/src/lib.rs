//! How the fixture course's checks report, with the standard library only,
//! as the course's own harness does (`verdict::channel`): [`Channel::take`]
//! first thing in `main` reads the run's seal and closes its descriptor,
//! and moves the report's descriptor to one closed on `exec`;
//! [`Channel::send`] sends one report carrying the seal. Without the
//! checker's channel, the report goes to the file `CHECK_REPORT` names, or
//! to standard output.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::time::Instant;

/// The check's end of the checker's channel, when it opened one, when it
/// was taken, the checker's challenge and the checker's relay.
pub struct Channel(Option<(String, File)>, Instant, Option<u64>, Option<String>);

impl Channel {
    /// Takes the channel: call it before any "learner" code runs. Asked
    /// for the answer to a challenge (`--expect`), says it has none, as a
    /// course check without challenge work does, and exits.
    pub fn take() -> Channel {
        if std::env::args().nth(1).as_deref() == Some("--expect") {
            println!("none");
            std::process::exit(0);
        }
        let fd = |name: &str| std::env::var(name).ok()?.parse::<i32>().ok();
        let (Some(seal_fd), Some(report_fd)) = (fd("CHECK_SEAL_FD"), fd("CHECK_REPORT_FD")) else {
            return Channel(None, Instant::now(), None, None);
        };
        // Safety: called first in `main`, before any other thread exists.
        unsafe {
            std::env::remove_var("CHECK_SEAL_FD");
            std::env::remove_var("CHECK_REPORT_FD");
        }
        // Safety: the checker opened both descriptors for this process, and
        // each is wrapped once, here.
        let (mut seal_pipe, inherited) =
            unsafe { (File::from_raw_fd(seal_fd), File::from_raw_fd(report_fd)) };
        let mut seal = String::new();
        seal_pipe.read_to_string(&mut seal).expect("the seal can be read");
        drop(seal_pipe);
        let report = inherited.try_clone().expect("the report pipe can be moved");
        drop(inherited);
        // The seal is the first line; the challenge, in hex, the second;
        // the relay's address, when the checker runs one, the third.
        let mut lines = seal.lines();
        let seal = lines.next().unwrap_or_default().trim().to_owned();
        let challenge = lines.next().and_then(|c| u64::from_str_radix(c.trim(), 16).ok());
        let relay = lines
            .next()
            .and_then(|r| r.strip_prefix("relay "))
            .map(|r| r.trim().to_owned());
        Channel(Some((seal, report)), Instant::now(), challenge, relay)
    }

    /// The checker's challenge for this run, if it sent one.
    pub fn challenge(&self) -> Option<u64> {
        self.2
    }

    /// The checker's relay for this run (`127.0.0.1:port`), if it runs
    /// one: requests sent to `http://{relay}/{server port}/...` reach the
    /// server on that port, counted by the checker.
    pub fn relay(&self) -> Option<&str> {
        self.3.as_deref()
    }

    /// The seal and the report's descriptor themselves: what code that
    /// found them in the process's memory would hold (for attack tests).
    pub fn into_raw(self) -> Option<(String, File)> {
        self.0
    }

    /// Sends `json`, one report object, with what the process has spent
    /// so far.
    pub fn send(self, json: &str) {
        match self.0 {
            Some((seal, mut report)) => {
                let spent = spent(self.1);
                let sealed = json.replacen('{', &format!("{{\"seal\":\"{seal}\",{spent}"), 1);
                report
                    .write_all(sealed.as_bytes())
                    .expect("the report can be sent");
            }
            None => match std::env::var_os("CHECK_REPORT") {
                Some(path) => std::fs::write(path, json).expect("the report can be written"),
                None => println!("{json}"),
            },
        }
    }
}

/// Takes the channel and sends `json` at once (for checks that run no
/// learner code before they report).
pub fn send(json: &str) {
    Channel::take().send(json);
}

/// `"spent":{..},`: wall time since `taken`, and this process's CPU time
/// with its waited-for children's, from `/proc/self/stat` (in clock ticks,
/// 100 a second on Linux).
pub fn spent(taken: Instant) -> String {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after_name
        .split_whitespace()
        .skip(11)
        .take(4)
        .filter_map(|f| f.parse().ok())
        .collect();
    let cpu_ms = fields.iter().sum::<u64>() * 10;
    let wall_ms = taken.elapsed().as_secs_f64() * 1e3;
    format!("\"spent\":{{\"wall_ms\":{wall_ms},\"cpu_ms\":{cpu_ms}}},")
}
