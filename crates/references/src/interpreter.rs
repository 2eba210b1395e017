//! The checker's own runs of 02/02's scripts: one interpreter for all, and
//! one interpreter per thread.

use measured::interpreter::{Interpreter, Scripts};

/// Every script on one interpreter, one after another.
pub fn sequential(scripts: &Scripts) -> Vec<u64> {
    let interpreter = Interpreter::new();
    scripts
        .scripts()
        .iter()
        .map(|s| interpreter.run(s))
        .collect()
}

/// `threads` threads, each with an interpreter of its own, scripts dealt
/// round-robin, results put back in order.
pub fn ideal_parallel(scripts: &Scripts, threads: usize) -> Vec<u64> {
    crate::schedule::round_robin(
        scripts.scripts().len(),
        threads,
        Interpreter::new,
        |interpreter, i| interpreter.run(&scripts.scripts()[i]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn one_interpreter_each_gives_the_same_results() {
        let scripts = Scripts::sized(Duration::from_millis(10), 8);
        assert_eq!(ideal_parallel(&scripts, 2), sequential(&scripts));
    }
}
