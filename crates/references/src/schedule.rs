//! How the checker's own parallel versions share out work: the ideal
//! parallel reference (R in src/how_checks_work.md,
//! "3. Fast, measured against this machine, right now") splits the items
//! evenly over p threads.

/// Runs `work(i)` for every `i` in `0..count` on `threads` scoped threads,
/// items dealt round-robin (thread `t` takes `t, t + threads, ...`), and
/// returns the results in index order. Each thread first makes its own
/// state with `init` (an interpreter, say).
pub fn round_robin<S, T: Send>(
    count: usize,
    threads: usize,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&S, usize) -> T + Sync,
) -> Vec<T> {
    let threads = threads.clamp(1, count.max(1));
    let (init, work) = (&init, &work);
    let mut parts: Vec<Vec<(usize, T)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    let state = init();
                    (t..count)
                        .step_by(threads)
                        .map(|i| (i, work(&state, i)))
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut results: Vec<(usize, T)> = parts.iter_mut().flat_map(std::mem::take).collect();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_index_order_and_gives_each_thread_its_state() {
        let results = round_robin(10, 3, || std::thread::current().id(), |id, i| (i, *id));
        assert_eq!(
            results.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            (0..10).collect::<Vec<_>>()
        );
        // Items 0, 3, 6, 9 ran on one thread, with that thread's own state.
        assert!([0, 3, 6, 9].iter().all(|&i| results[i].1 == results[0].1));
        assert_ne!(results[0].1, results[1].1);
    }

    #[test]
    fn more_threads_than_items_is_fine() {
        assert_eq!(round_robin(2, 8, || (), |_, i| i * 10), vec![0, 10]);
        assert!(round_robin(0, 3, || (), |_, i| i).is_empty());
    }
}
