//! The parser of exercise 08/01: CPU work on each fetched page, which the
//! in-flight witness the check hands in watches.

use std::hash::BuildHasher;
use std::time::Duration;

use crate::kernel::{mix, spin, units_for};
use crate::witness::InFlightWitness;

/// Parses pages: CPU work whose cost differs from page to page (from a
/// third of the mean to five thirds of it, by the page's text). Cheap to
/// clone: clones share one witness and one key.
#[derive(Debug, Clone)]
pub struct Parser {
    units: u64,
    /// A key drawn when the parser is made and kept private: a parse's
    /// answer cannot be computed without this parser.
    key: u64,
    witness: InFlightWitness,
}

impl Parser {
    /// A parser that computes for about `cpu` per page on average, unwatched.
    pub fn new(cpu: Duration) -> Self {
        Self::watched(cpu, InFlightWitness::new())
    }

    /// A parser that computes for about `cpu` per page on average and marks
    /// each parse on `witness` (a check keeps a clone of it; the parser
    /// gives no way back to it).
    pub fn watched(cpu: Duration, witness: InFlightWitness) -> Self {
        Parser {
            units: units_for(cpu),
            key: std::collections::hash_map::RandomState::new().hash_one(cpu),
            witness,
        }
    }

    /// Parses one page: CPU work, no waiting. Run it on a thread pool, not
    /// on an async runtime's thread.
    pub fn parse(&self, page: &str) -> u64 {
        let _in_flight = self.witness.enter();
        let seed = page.bytes().fold(self.key, |h, b| mix(h ^ u64::from(b)));
        spin(self.units * (1 + seed % 5) / 3, seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parse_is_watched_keyed_and_uneven() {
        let witness = InFlightWitness::new();
        let parser = Parser::watched(Duration::from_micros(200), witness.clone());
        assert_eq!(parser.parse("a"), parser.clone().parse("a"));
        assert_ne!(parser.parse("a"), parser.parse("b"));
        let other = Parser::watched(Duration::from_micros(200), InFlightWitness::new());
        assert_ne!(parser.parse("a"), other.parse("a"));
        assert_eq!(witness.stats().items, 5);
        let weights: std::collections::HashSet<u64> = (0..50)
            .map(|i| {
                let page = format!("page {i}");
                page.bytes().fold(parser.key, |h, b| mix(h ^ u64::from(b))) % 5
            })
            .collect();
        assert_eq!(weights.len(), 5);
    }
}
