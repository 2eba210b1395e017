//! Family 5 (inputs that cannot tell two shapes apart): `limit` tasks,
//! each with a fixed share of the URLs (every `limit`-th one), fetched one
//! after another. Never more than `limit` at once, and with equal
//! latencies as fast as a semaphore; with uneven ones a slot with slow
//! pages holds the end back while the others idle.

use futures::future::join_all;
use measured::fetch::{Client, FetchError};

pub async fn fetch_bounded(
    client: Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    let limit = limit.max(1);
    let shares = join_all((0..limit).map(|slot| {
        let (client, urls) = (&client, &urls);
        async move {
            let mut got = Vec::new();
            // Wrong: fixed shares: a slot of slow pages holds the end back
            for i in (slot..urls.len()).step_by(limit) {
                got.push((i, client.get(&urls[i]).await));
            }
            got
        }
    }))
    .await;
    let mut pages = vec![Err(FetchError::Failed("not fetched".into())); urls.len()];
    for (i, page) in shares.into_iter().flatten() {
        pages[i] = page;
    }
    pages
}
