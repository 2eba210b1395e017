//! Chapter 05's answers: what each worker task must return, which seeds are
//! poison, and the task lists the checks hand out. `measured::process`
//! keeps the poison test private (a worker must find out the hard way), so
//! the formula is repeated here; both crates test it on the same recorded
//! seeds.

use measured::kernel::{mix, spin};
use measured::process::Task;

/// Seeds whose mix has this remainder are malformed input (05/03), as in
/// `measured::process`.
const POISON_MODULUS: u64 = 1_009;
/// The salt of the poison test, as in `measured::process`.
const POISON_SALT: u64 = 0x05_03;

/// Would `task.run()` abort its process?
pub fn is_poison(task: &Task) -> bool {
    poison_seed_test(task.seed)
}

fn poison_seed_test(seed: u64) -> bool {
    mix(seed ^ POISON_SALT).is_multiple_of(POISON_MODULUS)
}

/// The value `task.run()` answers with (poison tasks have none: 0).
pub fn expected(task: &Task) -> u64 {
    if is_poison(task) {
        0
    } else {
        spin(task.units, task.seed)
    }
}

/// Each task's expected value, in order.
pub fn expected_all(tasks: &[Task]) -> Vec<u64> {
    tasks.iter().map(expected).collect()
}

/// The first seed from `from` on that is not malformed input.
pub fn good_seed(from: u64) -> u64 {
    (from..).find(|&s| !poison_seed_test(s)).unwrap_or(from)
}

/// The first seed from `from` on that is malformed input.
pub fn poison_seed(from: u64) -> u64 {
    (from..).find(|&s| poison_seed_test(s)).unwrap_or(from)
}

/// `count` tasks, ids from 0, of `units` each, none of them poison, their
/// seeds drawn from `seed` (a fresh one per run, or per round, so no answer
/// can be remembered from an earlier one).
pub fn batch(count: usize, units: u64, seed: u64) -> Vec<Task> {
    (0..count as u64)
        .map(|id| Task::new(id, units, good_seed(mix(seed ^ mix(id)))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first poison seeds, recorded: `measured::process`'s test holds
    /// the same list, so the two copies of the formula agree.
    const RECORDED_POISON: [u64; 4] = [69, 1_555, 2_927, 3_798];

    #[test]
    fn the_poison_test_matches_the_recorded_seeds() {
        let found: Vec<u64> = (0..3_800).filter(|&s| poison_seed_test(s)).collect();
        assert_eq!(found, RECORDED_POISON);
    }

    #[test]
    fn a_batch_has_no_poison_and_poison_seeds_exist() {
        let tasks = batch(5_000, 1, 7);
        assert!(tasks.iter().all(|t| !is_poison(t)));
        let poison = Task::new(0, 1, poison_seed(12_345));
        assert!(is_poison(&poison));
        assert_eq!(expected(&poison), 0);
    }

    #[test]
    fn batches_from_different_seeds_share_no_seed() {
        let a = batch(100, 1, 1);
        let b = batch(100, 1, 2);
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.seed != y.seed && x.id == y.id)
        );
    }

    #[test]
    fn expected_is_the_kernel_on_the_seed() {
        let task = Task::new(3, 1_000, good_seed(9));
        assert_eq!(expected(&task), spin(1_000, task.seed));
    }
}
