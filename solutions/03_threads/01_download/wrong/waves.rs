//! Family 5 (inputs that cannot tell two shapes apart): waves of K instead
//! of a window of K. `workers` threads fetch the first `workers` URLs, all
//! are joined, then the next `workers` start: every wave waits for its
//! slowest page while the other threads idle. With equal latencies it takes
//! exactly as long as a fair split.

use std::thread;

fn fetch(url: &str) -> Result<String, ureq::Error> {
    ureq::get(url).call()?.body_mut().read_to_string()
}

pub fn download_all(urls: &[String], workers: usize) -> Result<Vec<String>, ureq::Error> {
    let mut pages = Vec::with_capacity(urls.len());
    // Wrong: waves of `workers`: each waits for its slowest page; chunks look natural
    for wave in urls.chunks(workers.max(1)) {
        let fetched: Vec<Result<String, ureq::Error>> = thread::scope(|s| {
            let handles: Vec<_> = wave.iter().map(|url| s.spawn(move || fetch(url))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for page in fetched {
            pages.push(page?);
        }
    }
    Ok(pages)
}
