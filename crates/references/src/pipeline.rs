//! 07/01 pipeline: lines whose seed the checker draws fresh every run and
//! keeps, and each line's expected record.

use measured::kernel::{mix, spin};
use measured::pipeline::{Lines, Record};
use measured::witness::InFlightWitness;

/// Lines with the answers to them: the seed stays here.
#[derive(Debug, Clone)]
pub struct Answered {
    lines: Lines,
    seed: u64,
    units: u64,
}

/// `count` new lines of `units` each, from a fresh seed: every call asks a
/// new question, so no answer can be kept from an earlier run.
pub fn lines(count: usize, units: u64) -> Answered {
    let seed = measured::salt::fresh();
    Answered {
        lines: Lines::new(count, units, seed),
        seed,
        units,
    }
}

impl Answered {
    /// The lines, for the pipeline (or the checker's own).
    pub fn lines(&self) -> &Lines {
        &self.lines
    }

    /// The same lines, new to the pipeline, their parsing reporting to
    /// `witness`.
    pub fn watched(&self, witness: &InFlightWitness) -> Answered {
        Answered {
            lines: self.lines.watched(witness),
            ..self.clone()
        }
    }

    /// What line `i` parses to, computed here (the same work as parsing it).
    pub fn expected(&self, i: usize) -> Record {
        Record {
            line: i,
            value: spin(self.units, mix(self.seed ^ i as u64)),
        }
    }

    /// Every line's record, one after another: the sequential baseline.
    pub fn sequential(&self) -> Vec<Record> {
        (0..self.lines.count()).map(|i| self.expected(i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expected_records_are_what_parsing_gives() {
        let answered = lines(8, 50);
        let parsed: Vec<Record> = answered.lines().source().map(|l| l.parse()).collect();
        assert_eq!(parsed, answered.sequential());
    }

    #[test]
    fn every_call_draws_new_lines() {
        let (a, b) = (lines(4, 50), lines(4, 50));
        assert_ne!(a.expected(0), b.expected(0));
    }

    #[test]
    fn watched_lines_report_every_parse() {
        let witness = InFlightWitness::new();
        let watched = lines(40, 10).watched(&witness);
        for line in watched.lines().source() {
            line.parse();
        }
        assert_eq!(witness.stats().items, 40);
    }
}
