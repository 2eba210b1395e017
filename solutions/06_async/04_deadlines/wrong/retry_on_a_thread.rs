//! Family 8 (cleanup not checked): right outcomes at the right times; then
//! the jobs that did not give a page are retried on a `std::thread` with a
//! runtime of its own, a moment later, "so the page is there next time".
//! Nothing is left on the caller's runtime; the thread outlives the call.

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
    let outcomes = join_all(jobs.iter().map(|(url, limit)| {
        let request = timeout(*limit, client.get(url));
        async move {
            match timeout_at(at, request).await {
                Err(_) => Outcome::Cancelled,
                Ok(Err(_)) => Outcome::TimedOut,
                Ok(Ok(Ok(page))) => Outcome::Page(page),
                Ok(Ok(Err(e))) => Outcome::Failed(e),
            }
        }
    }))
    .await;
    let retry: Vec<String> = jobs
        .iter()
        .zip(&outcomes)
        .filter(|(_, outcome)| !matches!(outcome, Outcome::Page(_)))
        .map(|((url, _), _)| url.clone())
        .collect();
    // Wrong: retries on a thread with its own runtime: it outlives the call
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(600));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let _ = tokio::time::timeout(
                Duration::from_millis(200),
                join_all(retry.iter().map(|url| client.get(url))),
            )
            .await;
        });
    });
    outcomes
}
