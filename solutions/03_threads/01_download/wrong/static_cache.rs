//! Family 1 (work skipped after the first round): the pages are kept in a
//! `static` after the first call; later calls make `workers` real requests
//! at once, on show for the server's in-flight count, and answer from the
//! cache.

use std::collections::HashMap;
use std::sync::Mutex;
use std::thread;

// Wrong: pages kept across calls: later calls answer from here, not the network
static CACHE: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

fn fetch(url: &str) -> Result<String, ureq::Error> {
    ureq::get(url).call()?.body_mut().read_to_string()
}

pub fn download_all(urls: &[String], workers: usize) -> Result<Vec<String>, ureq::Error> {
    let workers = workers.clamp(1, urls.len().max(1));
    let cached: Option<Vec<String>> = CACHE
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|cache| urls.iter().map(|u| cache.get(u).cloned()).collect());
    if let Some(pages) = cached {
        thread::scope(|s| {
            // Wrong: `workers` requests only for show, for the server's in-flight count
            for url in urls.iter().take(workers) {
                s.spawn(move || fetch(url).map(drop));
            }
        });
        return Ok(pages);
    }
    let pages: Vec<String> = thread::scope(|s| {
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
        let mut pages = vec![String::new(); urls.len()];
        for handle in handles {
            for (i, page) in handle.join().unwrap()? {
                pages[i] = page;
            }
        }
        Ok::<_, ureq::Error>(pages)
    })?;
    let mut cache = CACHE.lock().unwrap();
    let cache = cache.get_or_insert_with(HashMap::new);
    for (url, page) in urls.iter().zip(&pages) {
        cache.insert(url.clone(), page.clone());
    }
    Ok(pages)
}
