//! 06/04 deadlines, solved: each request wrapped in its own timeout, and
//! that in the overall deadline, fixed once as an instant.

use std::time::Duration;

use futures::future::join_all;
use measured::fetch::{Client, Outcome};
use tokio::time::{Instant, timeout, timeout_at};

/// Runs every job at once; none runs past `deadline` from now.
pub async fn fetch_with_deadlines(
    client: Client,
    jobs: Vec<(String, Duration)>,
    deadline: Duration,
) -> Vec<Outcome> {
    // One instant for all: every job is cut at the same moment.
    let at = Instant::now() + deadline;
    join_all(jobs.iter().map(|(url, limit)| {
        let request = timeout(*limit, client.get(url));
        // When a timer fires, the request's future is dropped: the request
        // stops there.
        async move {
            match timeout_at(at, request).await {
                Err(_) => Outcome::Cancelled,
                Ok(Err(_)) => Outcome::TimedOut,
                Ok(Ok(Ok(page))) => Outcome::Page(page),
                Ok(Ok(Err(e))) => Outcome::Failed(e),
            }
        }
    }))
    .await
}
