//! The pages the I/O checks serve (03/01, 06/01 to 06/04, 08/01): each
//! page's text carries a salt that only this table knows, drawn afresh
//! for every measured round, so a page cannot be made up, remembered from
//! an earlier round or worked out from another page: it must be fetched,
//! in this round. Each page's latency is the table's too, chosen by the
//! check to tell right shapes from wrong ones.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use measured::server::Pages;

/// A table of pages with secret, per-round text.
#[derive(Debug)]
pub struct SecretPages {
    key: RandomState,
    round: AtomicU64,
    latency: Box<[Duration]>,
    default: Duration,
}

impl SecretPages {
    /// Pages `0..latencies.len()` take `latencies[n]`; any other page
    /// takes `default`.
    pub fn new(latencies: Vec<Duration>, default: Duration) -> Self {
        SecretPages {
            key: RandomState::new(),
            round: AtomicU64::new(0),
            latency: latencies.into_boxed_slice(),
            default,
        }
    }

    /// Every page takes `latency`.
    pub fn uniform(latency: Duration) -> Self {
        Self::new(Vec::new(), latency)
    }

    /// A new round: every page's text changes, unpredictably.
    pub fn next_round(&self) {
        self.round.fetch_add(1, Ordering::SeqCst);
    }

    /// What page `n` says in this round.
    pub fn expected(&self, n: usize) -> String {
        let round = self.round.load(Ordering::SeqCst);
        let a = self.key.hash_one((round, n, 1u8));
        let b = self.key.hash_one((round, n, 2u8));
        format!("page {n}: {a:016x}{b:016x}\n")
    }

    /// How long page `n` takes.
    pub fn latency(&self, n: usize) -> Duration {
        self.latency.get(n).copied().unwrap_or(self.default)
    }
}

impl Pages for SecretPages {
    fn page(&self, n: usize) -> Option<(String, Duration)> {
        Some((self.expected(n), self.latency(n)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_differ_by_number_by_round_and_by_table() {
        let ms = Duration::from_millis;
        let pages = SecretPages::new(vec![ms(5), ms(7)], ms(1));
        let other = SecretPages::uniform(ms(1));
        let first = pages.expected(1);
        assert_eq!(pages.page(1), Some((first.clone(), ms(7))));
        assert_eq!(pages.latency(9), ms(1));
        assert_ne!(first, pages.expected(0));
        assert_ne!(first, other.expected(1));
        pages.next_round();
        assert_ne!(first, pages.expected(1));
        assert!(first.starts_with("page 1: "));
    }
}
