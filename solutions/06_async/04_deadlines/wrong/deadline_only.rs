//! Wrong: the overall deadline is there, each job's own timeout is not.
//! A request slower than its timeout, but done before the deadline, comes
//! back as a page.

use std::time::Duration;

use futures::future::join_all;
use measured::fetch::{Client, Outcome};
use tokio::time::{Instant, timeout_at};

pub async fn fetch_with_deadlines(
    client: Client,
    jobs: Vec<(String, Duration)>,
    deadline: Duration,
) -> Vec<Outcome> {
    let at = Instant::now() + deadline;
    join_all(jobs.iter().map(|(url, _timeout)| async {
        // Wrong: only the overall deadline: no per-job timeout, so slow pages still come back
        match timeout_at(at, client.get(url)).await {
            Err(_) => Outcome::Cancelled,
            Ok(Ok(page)) => Outcome::Page(page),
            Ok(Err(e)) => Outcome::Failed(e),
        }
    }))
    .await
}
