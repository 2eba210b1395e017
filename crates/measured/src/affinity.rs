//! Spreading threads over cores. Race checks need two threads running at
//! the same instant; on a busy machine the scheduler may otherwise keep
//! both on one core, taking turns, and a race never shows.

/// Pins the calling thread to the `n`-th core this process may use
/// (wrapping round). Returns whether it did: false where the OS offers no
/// way (not Linux) or refuses.
pub fn pin_to_nth_core(n: usize) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::thread::{CpuSet, sched_getaffinity, sched_setaffinity};
        // `None`: the calling thread.
        let Ok(allowed) = sched_getaffinity(None) else {
            return false;
        };
        let cores: Vec<usize> = (0..CpuSet::MAX_CPU)
            .filter(|&c| allowed.is_set(c))
            .collect();
        if cores.len() < 2 {
            return false;
        }
        let mut one = CpuSet::new();
        one.set(cores[n % cores.len()]);
        sched_setaffinity(None, &one).is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = n;
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn pinning_a_thread_leaves_others_alone() {
        let pinned = std::thread::spawn(|| super::pin_to_nth_core(1))
            .join()
            .unwrap();
        // Where the machine has one core there is nothing to spread over.
        if std::thread::available_parallelism().map_or(1, |n| n.get()) > 1 {
            assert!(pinned);
        }
    }
}
