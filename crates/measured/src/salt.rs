//! Fresh, unpredictable numbers for the work a check hands out: each run's
//! inputs differ, so no answer can be kept from an earlier run.

use std::hash::{BuildHasher, Hasher};

/// A random number, different on every call (from the standard library's
/// randomly keyed hasher, mixed with a counter and the clock).
pub fn fresh() -> u64 {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_salts_differ() {
        assert_ne!(super::fresh(), super::fresh());
    }
}
