//! The learner's file: a thread per item, 2,000 of them, all asleep at
//! once for up to 20 s.

/// Starts the threads and waits for them.
pub fn answer() -> u64 {
    let handles: Vec<_> = (0..2_000)
        .filter_map(|_| {
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(|| std::thread::sleep(std::time::Duration::from_secs(20)))
                .ok()
        })
        .collect();
    let started = handles.len() as u64;
    for handle in handles {
        let _ = handle.join();
    }
    started
}
