//! Family 8 (cleanup not checked): right outcomes at the right times; then
//! every job that timed out or was cancelled is retried in a task
//! `tokio::spawn`ed and never awaited, "so the page is there next time". The
//! retries outlive the call, keeping the server busy for nobody.

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
    for ((url, _), outcome) in jobs.iter().zip(&outcomes) {
        if !matches!(outcome, Outcome::Page(_)) {
            let (client, url) = (client.clone(), url.clone());
            // Wrong: retries spawned and never awaited: they outlive the call
            tokio::spawn(async move {
                let _ = client.get(&url).await;
            });
        }
    }
    outcomes
}
