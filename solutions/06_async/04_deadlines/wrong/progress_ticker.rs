//! Family 8 (cleanup not checked): right outcomes at the right times, with
//! a progress task `tokio::spawn`ed beside the requests to count what is
//! done; nobody stops or awaits it, so it ticks on after the call returns.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::join_all;
use measured::fetch::{Client, Outcome};
use tokio::time::{Instant, timeout, timeout_at};

pub async fn fetch_with_deadlines(
    client: Client,
    jobs: Vec<(String, Duration)>,
    deadline: Duration,
) -> Vec<Outcome> {
    let at = Instant::now() + deadline;
    let done = Arc::new(AtomicUsize::new(0));
    let progress = Arc::clone(&done);
    // Wrong: a progress task nobody stops or awaits: it ticks on after the call
    tokio::spawn(async move {
        let mut last = usize::MAX;
        loop {
            let now = progress.load(Ordering::Relaxed);
            if now != last {
                last = now;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    join_all(jobs.iter().map(|(url, limit)| {
        let request = timeout(*limit, client.get(url));
        let done = Arc::clone(&done);
        async move {
            let outcome = match timeout_at(at, request).await {
                Err(_) => Outcome::Cancelled,
                Ok(Err(_)) => Outcome::TimedOut,
                Ok(Ok(Ok(page))) => Outcome::Page(page),
                Ok(Ok(Err(e))) => Outcome::Failed(e),
            };
            done.fetch_add(1, Ordering::Relaxed);
            outcome
        }
    }))
    .await
}
