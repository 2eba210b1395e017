//! Family 2 (witness theatre): after one honest call, `workers` real
//! requests keep the server's in-flight count right while every other page
//! is written from the pattern the first call showed (a page names its
//! number and the server's seed, so the rest "can be worked out").

use std::sync::Mutex;
use std::thread;

/// A page seen earlier, and the number it names.
static SAMPLE: Mutex<Option<(usize, String)>> = Mutex::new(None);

fn fetch(url: &str) -> Result<String, ureq::Error> {
    ureq::get(url).call()?.body_mut().read_to_string()
}

fn number(url: &str) -> usize {
    let tail = url.rsplit("/page/").next().unwrap_or("");
    tail.split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

pub fn download_all(urls: &[String], workers: usize) -> Result<Vec<String>, ureq::Error> {
    let workers = workers.clamp(1, urls.len().max(1));
    let sample = SAMPLE.lock().unwrap().clone();
    let shown: Vec<(usize, String)> = thread::scope(|s| {
        // Wrong: after the first call only `workers` pages are fetched, to fool the count
        let count = if sample.is_some() {
            workers
        } else {
            urls.len()
        };
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    (w..count)
                        .step_by(workers)
                        .map(|i| fetch(&urls[i]).map(|page| (i, page)))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut all = Vec::new();
        for handle in handles {
            all.extend(handle.join().unwrap()?);
        }
        Ok::<_, ureq::Error>(all)
    })?;
    let mut pages = vec![String::new(); urls.len()];
    for (i, page) in &shown {
        pages[*i] = page.clone();
    }
    // Wrong: the other pages written from the first call's pattern, not fetched
    if let Some((n, text)) = sample {
        for (i, url) in urls.iter().enumerate().skip(workers) {
            let from = format!("page {n}");
            pages[i] = text.replacen(&from, &format!("page {}", number(url)), 1);
        }
    } else if let Some((i, page)) = shown.first() {
        *SAMPLE.lock().unwrap() = Some((number(&urls[*i]), page.clone()));
    }
    Ok(pages)
}
