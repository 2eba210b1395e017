//! The machine report behind `checker doctor`: how many cores the OS
//! claims, and how much parallel speed the machine gives right now.

use measured::grade::MIN_CEILING;
use measured::measure::{measure_ceiling, parallelism};
use verdict::{Evidence, Report};

use crate::harness::{ms, time_chart};

/// The report's name.
pub const NAME: &str = "machine";

/// Measures the ceiling and reports it.
pub fn check() -> Report {
    let p = parallelism();
    let sample = measure_ceiling(p);
    let ceiling = sample.ceiling();
    let report = Report::new(NAME).with(Evidence::pass(
        "cores",
        format!("the OS offers {p} (std::thread::available_parallelism)"),
    ));
    let line = format!(
        "the checker's perfectly parallel kernel ran {ceiling:.2}x faster on {p} threads than on one ({} vs {})",
        ms(sample.reference),
        ms(sample.sequential)
    );
    let mut report = if p < 2 {
        report
            .with(Evidence::inconclusive("ceiling", line))
            .diagnose("Only one core: speed checks will be graded on structure alone.")
    } else if sample.capped || ceiling < MIN_CEILING {
        report.with(Evidence::inconclusive("ceiling", line)).diagnose(format!(
            "Below {MIN_CEILING}x the machine has no spare parallel capacity right now (another program is probably using the CPU): speed checks will say 'inconclusive' and grade on structure. Close other programs and run `checker doctor` again."
        ))
    } else {
        report.with(Evidence::pass("ceiling", line))
    };
    report.chart = Some(time_chart(
        "the same work, one thread and all threads",
        &[
            ("one thread", sample.sequential),
            (&format!("{p} threads"), sample.reference),
        ],
    ));
    report
}
