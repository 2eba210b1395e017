//! Wrong: the overall deadline as one `select!` around the whole batch.
//! When it fires, the batch is dropped, and the outcomes that were already
//! known are lost with it: everything is reported cancelled.

use std::time::Duration;

use futures::future::join_all;
use measured::fetch::{Client, Outcome};
use tokio::time::{sleep, timeout};

pub async fn fetch_with_deadlines(
    client: Client,
    jobs: Vec<(String, Duration)>,
    deadline: Duration,
) -> Vec<Outcome> {
    let all = join_all(jobs.iter().map(|(url, limit)| async {
        match timeout(*limit, client.get(url)).await {
            Err(_) => Outcome::TimedOut,
            Ok(Ok(page)) => Outcome::Page(page),
            Ok(Err(e)) => Outcome::Failed(e),
        }
    }));
    // Wrong: one `select!` around the batch drops the finished outcomes with it
    tokio::select! {
        outcomes = all => outcomes,
        _ = sleep(deadline) => vec![Outcome::Cancelled; jobs.len()],
    }
}
