//! Family 2 (witness counts not compared with the work): "hedged" requests:
//! every job sends two identical requests at once and keeps whichever
//! answers first, each pair under the job's timeout and the deadline. The
//! outcomes and their times are right; the server does every job twice.

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
    let client = &client;
    join_all(jobs.iter().map(|(url, limit)| async move {
        // Wrong: "hedged": two identical requests per job, so the server does each twice
        let first = async {
            tokio::select! {
                a = client.get(url) => a,
                b = client.get(url) => b,
            }
        };
        match timeout_at(at, timeout(*limit, first)).await {
            Err(_) => Outcome::Cancelled,
            Ok(Err(_)) => Outcome::TimedOut,
            Ok(Ok(Ok(page))) => Outcome::Page(page),
            Ok(Ok(Err(e))) => Outcome::Failed(e),
        }
    }))
    .await
}
