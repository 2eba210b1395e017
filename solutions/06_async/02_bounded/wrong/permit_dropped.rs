//! Wrong: the semaphore is there, but `let _ = ...` drops the permit at
//! once, so it limits nothing. (`let _permit = ...` would keep it.)

use futures::future::join_all;
use measured::fetch::{Client, FetchError};
use tokio::sync::Semaphore;

pub async fn fetch_bounded(
    client: Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    let permits = Semaphore::new(limit);
    join_all(urls.iter().map(|url| async {
        // Wrong: `let _` drops the permit at once, so it limits nothing
        let _ = permits.acquire().await.expect("the semaphore is open");
        client.get(url).await
    }))
    .await
}
