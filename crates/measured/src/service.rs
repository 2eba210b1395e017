//! The service of exercise 06/03: requests whose handling needs a CPU-heavy
//! checksum and a call into a blocking "legacy" library. Both are fine on a
//! thread of their own and ruinous on an async runtime's thread.

use std::hash::BuildHasher;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::kernel::{mix, spin};

/// How long the legacy library blocks per call.
pub const LEGACY_LATENCY: Duration = Duration::from_millis(25);

/// One request to the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Which request.
    pub id: u64,
    /// The data to checksum.
    pub payload: Vec<u8>,
    /// How hard the checksum works (units of CPU work per byte block).
    pub rounds: u64,
}

/// The service's answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The request's id.
    pub id: u64,
    /// `checksum(&payload, rounds)`.
    pub checksum: u64,
    /// `legacy_lookup(id)`.
    pub owner: String,
}

/// A CPU-heavy checksum: a few milliseconds of computing, no waiting.
pub fn checksum(payload: &[u8], rounds: u64) -> u64 {
    payload.chunks(64).fold(0u64, |acc, block| {
        let seed = block.iter().fold(acc, |h, &b| mix(h ^ u64::from(b)));
        spin(rounds, seed)
    })
}

/// A call into a legacy, blocking library (a database driver with no async
/// API, say): it holds the calling thread for [`LEGACY_LATENCY`].
///
/// The owner it answers is a keyed hash of `id` under a key this process
/// drew at random and keeps private: the only way to learn an owner is to
/// make the call. Every call is counted (see [`legacy_calls`]).
pub fn legacy_lookup(id: u64) -> String {
    STARTED.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(LEGACY_LATENCY);
    let owner = format!("owner-{:016x}", key().hash_one(id));
    FINISHED.fetch_add(1, Ordering::SeqCst);
    owner
}

static STARTED: AtomicUsize = AtomicUsize::new(0);
static FINISHED: AtomicUsize = AtomicUsize::new(0);

fn key() -> &'static std::collections::hash_map::RandomState {
    static KEY: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    KEY.get_or_init(std::collections::hash_map::RandomState::new)
}

/// How many [`legacy_lookup`] calls this process has started and finished
/// so far. The counts only grow: a check reads them before and after a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LegacyCalls {
    /// Calls that began.
    pub started: usize,
    /// Calls that returned.
    pub finished: usize,
}

/// The [`legacy_lookup`] calls so far.
pub fn legacy_calls() -> LegacyCalls {
    LegacyCalls {
        finished: FINISHED.load(Ordering::SeqCst),
        started: STARTED.load(Ordering::SeqCst),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_is_deterministic_and_depends_on_every_block() {
        let a = vec![1u8; 256];
        let mut b = a.clone();
        b[200] = 2;
        assert_eq!(checksum(&a, 10), checksum(&a, 10));
        assert_ne!(checksum(&a, 10), checksum(&b, 10));
    }

    #[test]
    fn the_legacy_call_is_counted_and_its_answer_keyed() {
        let before = legacy_calls();
        let (a, b) = (legacy_lookup(7), legacy_lookup(7));
        assert_eq!(a, b);
        assert_ne!(a, legacy_lookup(8));
        assert_ne!(a, format!("owner-{:04x}", mix(7) & 0xffff));
        let after = legacy_calls();
        assert!(after.started >= before.started + 3);
        assert!(after.finished >= before.finished + 3);
    }
}
