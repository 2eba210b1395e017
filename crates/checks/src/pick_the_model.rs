//! 09/02 pick the model: the course's flowchart and decision matrix as a
//! function. The check asks `choose` about the workloads the book describes
//! and about workloads made up afresh every run (every kind, library and
//! isolation, at 99, 100 and 101 operations and at counts drawn per run),
//! so only the rules pass, not a table of the known answers. The answers
//! come from the checker's own flowchart in `references`, which no
//! exercise crate can name.

use measured::choosing::{Model, Workload};
use references::decisions::models::{Scenario, described, made_up};
use verdict::{Evidence, Report};

/// The exercise's short name.
pub const NAME: &str = "pick_the_model";

/// Checks a `choose` and writes the report.
pub fn main(choose: impl Fn(&Workload) -> Model) {
    crate::main(NAME, || check(choose));
}

/// Checks a `choose`.
pub fn check(choose: impl Fn(&Workload) -> Model) -> Report {
    let known = described();
    let unseen = made_up(crate::harness::seed());
    let answers = |table: Vec<Scenario>| -> Vec<(Scenario, Model)> {
        table
            .into_iter()
            .map(|s| {
                let got = choose(&s.workload);
                (s, got)
            })
            .collect()
    };
    judge(&answers(known), &answers(unseen))
}

/// The verdict on `choose`'s answers: `(scenario, its choice)` for the
/// book's workloads and for the made-up ones.
fn judge(known: &[(Scenario, Model)], unseen: &[(Scenario, Model)]) -> Report {
    let report = Report::new(NAME);
    let wrong = |answers: &'_ [(Scenario, Model)]| -> Vec<(Scenario, Model)> {
        answers
            .iter()
            .filter(|(s, got)| *got != s.model)
            .cloned()
            .collect()
    };
    let (wrong_known, wrong_unseen) = (wrong(known), wrong(unseen));
    let total = known.len() + unseen.len();
    if wrong_known.is_empty() && wrong_unseen.is_empty() {
        return report.with(Evidence::pass(
            "correct",
            format!(
                "{} of {} workloads matched to the right model: the book's {} and {} made up for this run",
                total,
                total,
                known.len(),
                unseen.len()
            ),
        ));
    }
    let explain = |(s, got): &(Scenario, Model)| {
        format!(
            "\"{}\": you chose {got:?}; {:?}, because {}",
            s.what, s.model, s.because
        )
    };
    let all_wrong: Vec<&(Scenario, Model)> = wrong_known.iter().chain(&wrong_unseen).collect();
    let mut shown: Vec<String> = all_wrong.iter().take(3).map(|w| explain(w)).collect();
    if all_wrong.len() > 3 {
        shown.push(format!("and {} more", all_wrong.len() - 3));
    }
    let mut cause = format!("First mistake: {}.", explain(all_wrong[0]));
    if wrong_known.is_empty() {
        cause.push_str(&format!(
            " Every workload the book describes was right, but {} of the {} made up for this run were not: encode the rules themselves, not answers for the known workloads.",
            wrong_unseen.len(),
            unseen.len()
        ));
    }
    report
        .with(Evidence::fail(
            "correct",
            format!(
                "{} of {} workloads right (the book's: {} of {}; made up for this run: {} of {}); {}",
                total - all_wrong.len(),
                total,
                known.len() - wrong_known.len(),
                known.len(),
                unseen.len() - wrong_unseen.len(),
                unseen.len(),
                shown.join("; ")
            ),
        ))
        .diagnose(cause)
}

#[cfg(test)]
mod tests {
    use super::*;
    use measured::choosing::Kind;
    use references::decisions::models::rule;
    use verdict::Verdict;

    fn answered(
        table: Vec<Scenario>,
        choose: impl Fn(&Workload) -> Model,
    ) -> Vec<(Scenario, Model)> {
        table
            .into_iter()
            .map(|s| {
                let got = choose(&s.workload);
                (s, got)
            })
            .collect()
    }

    #[test]
    fn the_rules_pass() {
        let report = judge(
            &answered(described(), |w| rule(w).0),
            &answered(made_up(7), |w| rule(w).0),
        );
        assert_eq!(report.verdict(), Verdict::Pass);
    }

    #[test]
    fn one_off_the_volume_threshold_fails_at_100() {
        let off_by_one = |w: &Workload| match w.kind {
            Kind::Io if w.async_library && !w.needs_isolation && w.operations == 100 => {
                Model::Threads
            }
            _ => rule(w).0,
        };
        let report = judge(
            &answered(described(), off_by_one),
            &answered(made_up(7), off_by_one),
        );
        assert_eq!(report.verdict(), Verdict::Fail);
        let cause = report.diagnosis.unwrap();
        assert!(cause.contains("100 operations or more"), "{cause}");
        assert!(
            cause.contains("not: encode the rules themselves"),
            "{cause}"
        );
    }

    #[test]
    fn a_table_of_the_known_answers_fails_on_the_made_up_ones() {
        let known = described();
        let table: Vec<(Workload, Model)> = known.iter().map(|s| (s.workload, s.model)).collect();
        let lookup = |w: &Workload| {
            table
                .iter()
                .find(|(k, _)| k == w)
                .map_or(Model::Threads, |(_, m)| *m)
        };
        let report = judge(
            &answered(known.clone(), lookup),
            &answered(made_up(3), lookup),
        );
        assert_eq!(report.verdict(), Verdict::Fail);
        assert!(report.evidence[0].summary.contains("the book's: 16 of 16"));
    }

    #[test]
    fn a_wrong_known_answer_is_explained_first() {
        let python = |w: &Workload| match w.kind {
            Kind::Cpu if !w.needs_isolation => Model::Processes,
            _ => rule(w).0,
        };
        let report = judge(
            &answered(described(), python),
            &answered(made_up(3), python),
        );
        let cause = report.diagnosis.unwrap();
        assert!(
            cause.starts_with("First mistake: \"resize 10,000 photos\""),
            "{cause}"
        );
    }
}
