//! Spreading threads over cores. Race checks need two threads running at
//! the same instant; on a busy machine the scheduler may otherwise keep
//! both on one core, taking turns, and a race never shows.

/// Pins the calling thread to the `n`-th core this process may use
/// (wrapping round). Returns whether it did: false where the OS offers no
/// way (not Linux) or refuses.
pub fn pin_to_nth_core(n: usize) -> bool {
    #[cfg(target_os = "linux")]
    {
        // Safety: a zeroed cpu_set_t is a valid empty set, and both calls
        // get a pointer to it with its true size; pid 0 is this thread.
        unsafe {
            let mut allowed: libc::cpu_set_t = std::mem::zeroed();
            let size = std::mem::size_of::<libc::cpu_set_t>();
            if libc::sched_getaffinity(0, size, &mut allowed) != 0 {
                return false;
            }
            let cores: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
                .filter(|&c| libc::CPU_ISSET(c, &allowed))
                .collect();
            if cores.len() < 2 {
                return false;
            }
            let mut one: libc::cpu_set_t = std::mem::zeroed();
            libc::CPU_SET(cores[n % cores.len()], &mut one);
            libc::sched_setaffinity(0, size, &one) == 0
        }
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
