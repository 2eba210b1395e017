//! 08/01 crawler, solved: tokio fetches (at most `limit` at once); each page,
//! as soon as it arrives, is parsed on rayon's pool while the other requests
//! wait on the network.

use futures::future::join_all;
use measured::crawl::Parser;
use measured::fetch::{Client, FetchError};
use tokio::sync::{Semaphore, oneshot};

/// Fetches and parses every URL, overlapping the two; results in URL order.
pub async fn crawl(
    client: Client,
    urls: Vec<String>,
    limit: usize,
    parser: Parser,
) -> Vec<Result<u64, FetchError>> {
    let permits = Semaphore::new(limit);
    join_all(urls.iter().map(|url| async {
        // The permit is held while fetching only: parsing needs no slot
        // at the server.
        let page = {
            let _permit = permits.acquire().await.expect("the semaphore is open");
            client.get(url).await?
        };
        // CPU work goes to rayon; this task waits for the answer without
        // holding the runtime's thread.
        let (tx, rx) = oneshot::channel();
        let parser = parser.clone();
        rayon::spawn(move || {
            let _ = tx.send(parser.parse(&page));
        });
        Ok(rx.await.expect("the parser panicked"))
    }))
    .await
}
