//! Wrong: each page is parsed right where it arrives, in the async task, on
//! the runtime's thread. The fetches still overlap, but every parse stops
//! the runtime, the heartbeat and all the other tasks with it.

use futures::future::join_all;
use measured::crawl::Parser;
use measured::fetch::{Client, FetchError};
use tokio::sync::Semaphore;

pub async fn crawl(
    client: Client,
    urls: Vec<String>,
    limit: usize,
    parser: Parser,
) -> Vec<Result<u64, FetchError>> {
    let permits = Semaphore::new(limit);
    join_all(urls.iter().map(|url| async {
        let page = {
            let _permit = permits.acquire().await.unwrap();
            client.get(url).await?
        };
        // Wrong: parsed in the async task, on the runtime's thread: every parse stalls it
        Ok(parser.parse(&page))
    }))
    .await
}
