//! Wrong: workers send pages down a channel as they finish, and the pages
//! are returned in that order rather than the order of the URLs.

use std::sync::mpsc;
use std::thread;

fn fetch(url: &str) -> Result<String, ureq::Error> {
    ureq::get(url).call()?.body_mut().read_to_string()
}

pub fn download_all(urls: &[String], workers: usize) -> Result<Vec<String>, ureq::Error> {
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        for w in 0..workers {
            let tx = tx.clone();
            s.spawn(move || {
                for url in urls.iter().skip(w).step_by(workers) {
                    tx.send(fetch(url)).unwrap();
                }
            });
        }
    });
    drop(tx);
    // Wrong: pages in the order they finished, not the URLs' order: a channel looks tidy
    rx.into_iter().collect()
}
