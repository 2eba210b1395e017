//! 06/02 bounded, solved: a semaphore with `limit` permits; each request
//! holds one for as long as it runs.

use futures::future::join_all;
use measured::fetch::{Client, FetchError};
use tokio::sync::Semaphore;

/// Fetches every URL, at most `limit` at a time; results in URL order.
pub async fn fetch_bounded(
    client: Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    let permits = Semaphore::new(limit);
    join_all(urls.iter().map(|url| async {
        // Named, so the permit lives until the request is done. The
        // semaphore is never closed, so `acquire` cannot fail.
        let _permit = permits.acquire().await.expect("the semaphore is open");
        client.get(url).await
    }))
    .await
}
