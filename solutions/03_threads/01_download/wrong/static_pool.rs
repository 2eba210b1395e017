//! Family 8 (cleanup not checked): a pool of `workers` threads kept in a
//! `static` so that later calls need not start threads again. The pages
//! are right and `workers` are in flight, but the threads are never ended:
//! they outlive every call.

use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

type Job = (String, usize, Sender<(usize, Result<String, ureq::Error>)>);

// Wrong: a pool kept in a `static`: its threads never end; reuse looks cheaper
static POOL: OnceLock<Mutex<Sender<Job>>> = OnceLock::new();

fn fetch(url: &str) -> Result<String, ureq::Error> {
    ureq::get(url).call()?.body_mut().read_to_string()
}

fn pool(workers: usize) -> &'static Mutex<Sender<Job>> {
    POOL.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..workers {
            let rx = Arc::clone(&rx);
            thread::spawn(move || {
                loop {
                    let job = rx.lock().unwrap().recv();
                    let Ok((url, i, back)) = job else { break };
                    let _ = back.send((i, fetch(&url)));
                }
            });
        }
        Mutex::new(tx)
    })
}

pub fn download_all(urls: &[String], workers: usize) -> Result<Vec<String>, ureq::Error> {
    let jobs = pool(workers.max(1)).lock().unwrap().clone();
    let (back, results) = mpsc::channel();
    for (i, url) in urls.iter().enumerate() {
        jobs.send((url.clone(), i, back.clone())).unwrap();
    }
    drop(back);
    let mut pages = vec![String::new(); urls.len()];
    for (i, page) in results {
        pages[i] = page?;
    }
    Ok(pages)
}
