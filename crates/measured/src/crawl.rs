//! The parser of exercise 08/01: CPU work on each fetched page, which the
//! in-flight witness watches.

use std::time::Duration;

use crate::kernel::{mix, spin, units_for};
use crate::witness::InFlightWitness;

/// Parses pages: about the same CPU time for every page. Cheap to clone:
/// clones share one witness.
#[derive(Debug, Clone)]
pub struct Parser {
    units: u64,
    witness: InFlightWitness,
}

impl Parser {
    /// A parser that computes for about `cpu` per page.
    pub fn new(cpu: Duration) -> Self {
        Parser {
            units: units_for(cpu),
            witness: InFlightWitness::new(),
        }
    }

    /// Parses one page: CPU work, no waiting. Run it on a thread pool, not
    /// on an async runtime's thread.
    pub fn parse(&self, page: &str) -> u64 {
        let _in_flight = self.witness.enter();
        let seed = page.bytes().fold(0u64, |h, b| mix(h ^ u64::from(b)));
        spin(self.units, seed)
    }

    /// Where parsing reports in and out.
    pub fn witness(&self) -> &InFlightWitness {
        &self.witness
    }
}
