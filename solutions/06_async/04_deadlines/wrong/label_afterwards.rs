//! Wrong: every request is awaited to the end, and then labelled by how
//! long it took. The outcomes are right; but nothing was stopped, the
//! server worked for nothing, and the answer comes at the slowest request.

use std::time::Duration;

use futures::future::join_all;
use measured::fetch::{Client, Outcome};
use tokio::time::Instant;

pub async fn fetch_with_deadlines(
    client: Client,
    jobs: Vec<(String, Duration)>,
    deadline: Duration,
) -> Vec<Outcome> {
    let start = Instant::now();
    let client = &client;
    join_all(jobs.iter().map(|(url, limit)| async move {
        // Wrong: awaited to the end, then labelled by its time: nothing is ever stopped
        let result = client.get(url).await;
        let took = start.elapsed();
        if took.min(*limit) >= deadline {
            Outcome::Cancelled
        } else if took >= *limit {
            Outcome::TimedOut
        } else {
            match result {
                Ok(page) => Outcome::Page(page),
                Err(e) => Outcome::Failed(e),
            }
        }
    }))
    .await
}
