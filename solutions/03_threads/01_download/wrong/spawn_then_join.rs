//! Wrong: each thread is joined right after it is spawned, so only one
//! request is ever in flight.

use std::thread;

fn fetch(url: &str) -> Result<String, ureq::Error> {
    ureq::get(url).call()?.body_mut().read_to_string()
}

pub fn download_all(urls: &[String], workers: usize) -> Result<Vec<String>, ureq::Error> {
    let _ = workers;
    let mut pages = Vec::new();
    for url in urls {
        let url = url.clone();
        // Wrong: joined right after spawn: one request in flight, yet it "uses threads"
        let worker = thread::spawn(move || fetch(&url));
        pages.push(worker.join().unwrap()?);
    }
    Ok(pages)
}
