//! The service of exercise 06/03: requests whose handling needs a CPU-heavy
//! checksum and a call into a blocking "legacy" library. Both are fine on a
//! thread of their own and ruinous on an async runtime's thread.

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
pub fn legacy_lookup(id: u64) -> String {
    std::thread::sleep(LEGACY_LATENCY);
    owner_of(id)
}

/// What [`legacy_lookup`] answers for `id`, without the wait: for checks.
pub fn owner_of(id: u64) -> String {
    format!("owner-{:04x}", mix(id) & 0xffff)
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
}
