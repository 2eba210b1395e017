//! The machine report behind `checker doctor`: how many cores the OS
//! claims, and how much parallel speed the machine gives right now.

use measured::grade::MIN_CEILING;
use measured::measure::parallelism;
use references::ceiling::measure_ceiling;
use verdict::{Evidence, Report};

use crate::harness::{ms, time_chart};

/// How a check says the machine has one core for it, wherever that stops a
/// property from showing.
pub(crate) const ONE_CORE: &str = "this machine gives this program 1 core (`available_parallelism` is 1; a container or `taskset` may limit it), so threads can only take turns";

/// The report's name.
pub const NAME: &str = "machine";

/// How many times the ceiling is measured, to show how noisy it is.
pub const SAMPLES: usize = 5;

/// Measures the ceiling several times and reports it, with its spread.
pub fn check() -> Report {
    let p = parallelism();
    let mut samples: Vec<_> = (0..SAMPLES).map(|_| measure_ceiling(p)).collect();
    samples.sort_by(|a, b| a.ceiling().total_cmp(&b.ceiling()));
    // The median sample stands for the machine now; the spread says how
    // much a single check's measurement may wander.
    let sample = samples[SAMPLES / 2];
    let ceiling = sample.ceiling();
    let (low, high) = (samples[0].ceiling(), samples[SAMPLES - 1].ceiling());
    let one_thread: Vec<_> = samples.iter().map(|s| s.sequential).collect();
    let wander = one_thread.iter().max().unwrap().as_secs_f64()
        / one_thread.iter().min().unwrap().as_secs_f64()
        - 1.0;
    let report = Report::new(NAME)
        .with(Evidence::pass(
            "cores",
            format!("the OS offers {p} (std::thread::available_parallelism)"),
        ))
        .with(Evidence::pass(
            "noise",
            format!(
                "{SAMPLES} measurements: ceiling {low:.2} to {high:.2}; the same one-thread work took up to {:.0}% longer in one than in another",
                wander * 100.0
            ),
        ));
    let line = format!(
        "the checker's perfectly parallel kernel ran {ceiling:.2}x faster on {p} threads than on one ({} vs {}, median of {SAMPLES})",
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
