//! Wrong: the workers are started together, but each pushes its page into
//! a shared list with `list.lock().unwrap().push((i, fetch(url)))`. A
//! method call evaluates its receiver first: the lock is taken, then the
//! page is fetched while every other worker waits for the lock, so one
//! request is in flight at a time. (`list[i] = fetch(..)` through a guard
//! would not do this: an assignment evaluates its value first.)

use std::sync::Mutex;
use std::thread;

fn fetch(url: &str) -> Result<String, ureq::Error> {
    ureq::get(url).call()?.body_mut().read_to_string()
}

pub fn download_all(urls: &[String], workers: usize) -> Result<Vec<String>, ureq::Error> {
    let workers = workers.clamp(1, urls.len().max(1));
    let list = Mutex::new(Vec::with_capacity(urls.len()));
    thread::scope(|s| {
        for w in 0..workers {
            let list = &list;
            s.spawn(move || {
                for i in (w..urls.len()).step_by(workers) {
                    // Wrong: the lock is taken before `fetch` runs, so fetches queue
                    list.lock().unwrap().push((i, fetch(&urls[i])));
                }
            });
        }
    });
    let mut list = list.into_inner().unwrap();
    list.sort_by_key(|(i, _)| *i);
    list.into_iter().map(|(_, page)| page).collect()
}
