//! 02/02 one interpreter per worker: CPU-bound scripts on several
//! interpreters, each with its own lock. The results must equal one
//! interpreter's, in order; the common CPU rules ([`crate::cpu`]) then grade
//! the structure (a script counts as in flight only while it holds an
//! interpreter's lock, so threads queueing on one shared interpreter do not
//! count) and the speed against the same-run ceiling.

use measured::interpreter::{Script, Scripts};
use measured::measure::parallelism;
use verdict::Report;

use crate::cpu::{self, CpuExercise, CpuWork};

/// The exercise's short name.
pub const NAME: &str = "interpreters";
/// Scripts in a batch.
pub const SCRIPTS: usize = 32;

impl CpuWork for Scripts {
    type Output = Vec<u64>;

    fn watched(&self, witness: &measured::witness::InFlightWitness) -> Self {
        Scripts::watched(self, witness)
    }

    fn items(&self) -> usize {
        self.scripts().len()
    }

    fn item_name(&self) -> &'static str {
        "script"
    }

    fn sequential(&self) -> Vec<u64> {
        references::interpreter::sequential(self)
    }

    fn ideal_parallel(&self, threads: usize) -> Vec<u64> {
        references::interpreter::ideal_parallel(self, threads)
    }

    fn describe(&self, output: &Vec<u64>) -> String {
        format!("all {} results", output.len())
    }

    fn mismatch(&self, got: &Vec<u64>, want: &Vec<u64>) -> (String, String) {
        if got.len() != want.len() {
            return (
                format!("{} results for {} scripts", got.len(), want.len()),
                "Return one result per script.".into(),
            );
        }
        let first = (0..got.len()).find(|&i| got[i] != want[i]).unwrap_or(0);
        if want.contains(&got[first]) {
            (
                format!("result {first} belongs to another script"),
                "The results are right but out of order: put each script's result at the script's own index.".into(),
            )
        } else {
            (
                format!("result {first} is {}, not {}", got[first], want[first]),
                "Run each script with `Interpreter::run` and keep what it returns.".into(),
            )
        }
    }
}

/// Checks a `run_all` and writes the report.
pub fn main(run_all: impl Fn(&[Script], usize) -> Vec<u64>) {
    crate::main(NAME, || check(run_all));
}

/// Checks a `run_all`, asking it for one worker more than the machine has
/// cores: a version that ignores `workers` and starts one thread per core
/// then shows on every machine, and the extra thread costs nothing (the
/// scripts still share out over the cores).
pub fn check(run_all: impl Fn(&[Script], usize) -> Vec<u64>) -> Report {
    let workers = parallelism() + 1;
    cpu::check_with(
        CpuExercise {
            name: NAME,
            one_at_a_time: "1 script ran at a time: do your threads share one interpreter? Its lock lets one script run at once, whatever the number of threads: give each worker an `Interpreter::new()` of its own.",
            average_fraction: measured::grade::AVERAGE_FRACTION,
        },
        workers,
        |target| Scripts::sized(target, SCRIPTS),
        |scripts: &Scripts| run_all(scripts.scripts(), workers),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn missing_misplaced_and_wrong_results_are_told_apart() {
        let scripts = Scripts::sized(Duration::from_millis(1), 3);
        let want = CpuWork::sequential(&scripts);
        let (line, cause) = scripts.mismatch(&want[..2].to_vec(), &want);
        assert_eq!(line, "2 results for 3 scripts");
        assert!(cause.contains("one result per script"));

        let swapped = vec![want[1], want[0], want[2]];
        let (line, cause) = scripts.mismatch(&swapped, &want);
        assert_eq!(line, "result 0 belongs to another script");
        assert!(cause.contains("out of order"));

        let wrong = vec![want[0], want[1], want[2] ^ 1];
        let (line, cause) = scripts.mismatch(&wrong, &want);
        assert!(line.starts_with("result 2 is "), "{line}");
        assert!(cause.contains("Interpreter::run"));
    }

    #[test]
    fn scripts_are_the_items() {
        let scripts = Scripts::sized(Duration::from_millis(1), 5);
        assert_eq!(
            (CpuWork::items(&scripts), scripts.item_name()),
            (5, "script")
        );
        assert_eq!(
            CpuWork::ideal_parallel(&scripts, 2),
            CpuWork::sequential(&scripts)
        );
    }
}
