//! Wrong: a thread for every page, ignoring `workers`: fast here, but it
//! would open thousands of connections at once on a long list.

use std::thread;

fn fetch(url: &str) -> Result<String, ureq::Error> {
    ureq::get(url).call()?.body_mut().read_to_string()
}

pub fn download_all(urls: &[String], workers: usize) -> Result<Vec<String>, ureq::Error> {
    let _ = workers;
    thread::scope(|s| {
        // Wrong: a thread per page, ignoring `workers`: fast here, a flood on a long list
        let handles: Vec<_> = urls.iter().map(|url| s.spawn(move || fetch(url))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
