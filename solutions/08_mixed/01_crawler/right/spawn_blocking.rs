//! 08/01 crawler, solved another way: each page goes to tokio's blocking
//! pool with `spawn_blocking` instead of to rayon. The book calls this right
//! too: the runtime's thread only waits, and parsing runs beside the
//! requests still in flight. The checks must pass it on any machine.

use futures::future::join_all;
use measured::crawl::Parser;
use measured::fetch::{Client, FetchError};
use tokio::sync::Semaphore;

/// Fetches and parses every URL, overlapping the two; results in URL order.
pub async fn crawl(
    client: Client,
    urls: Vec<String>,
    limit: usize,
    parser: Parser,
) -> Vec<Result<u64, FetchError>> {
    let permits = Semaphore::new(limit);
    join_all(urls.iter().map(|url| async {
        let page = {
            let _permit = permits.acquire().await.expect("the semaphore is open");
            client.get(url).await?
        };
        let parser = parser.clone();
        let parsed = tokio::task::spawn_blocking(move || parser.parse(&page));
        Ok(parsed.await.expect("the parser panicked"))
    }))
    .await
}
