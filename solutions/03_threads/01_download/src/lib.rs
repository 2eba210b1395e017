//! 03/01 download, solved: `workers` scoped threads, each fetching every
//! `workers`-th URL, results put back by index.

use std::thread;

/// Fetches one page with a blocking GET and returns its body.
pub fn fetch(url: &str) -> Result<String, ureq::Error> {
    ureq::get(url).call()?.body_mut().read_to_string()
}

/// Fetches every URL, using `workers` threads at once, and returns the pages
/// in the order of `urls`.
pub fn download_all(urls: &[String], workers: usize) -> Result<Vec<String>, ureq::Error> {
    let workers = workers.clamp(1, urls.len().max(1));
    thread::scope(|s| {
        // Start every worker first...
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    (w..urls.len())
                        .step_by(workers)
                        .map(|i| fetch(&urls[i]).map(|page| (i, page)))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        // ...then wait for them, putting each page back at its index.
        let mut pages = vec![String::new(); urls.len()];
        for handle in handles {
            for (i, page) in handle.join().expect("a download thread panicked")? {
                pages[i] = page;
            }
        }
        Ok(pages)
    })
}
