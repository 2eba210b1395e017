//! Family 2 (witness counts not compared with the work): every page fetched
//! twice, both under the limit, and parsed only when the two copies agree,
//! "in case a page changes while it is read". Parsing still overlaps the
//! fetching; but the server does every page's work twice.

use futures::future::join_all;
use measured::crawl::Parser;
use measured::fetch::{Client, FetchError};
use tokio::sync::{Semaphore, oneshot};

pub async fn crawl(
    client: Client,
    urls: Vec<String>,
    limit: usize,
    parser: Parser,
) -> Vec<Result<u64, FetchError>> {
    let permits = Semaphore::new(limit);
    let fetch = |url: &str| {
        let (permits, client, url) = (&permits, &client, url.to_owned());
        async move {
            let _permit = permits.acquire().await.unwrap();
            client.get(&url).await
        }
    };
    join_all(urls.iter().map(|url| async {
        // Wrong: every page fetched twice "in case it changes": double the server's work
        let (a, b) = tokio::join!(fetch(url), fetch(url));
        let (a, b) = (a?, b?);
        if a != b {
            return Err(FetchError::Failed("the page changed".into()));
        }
        let (tx, rx) = oneshot::channel();
        let parser = parser.clone();
        rayon::spawn(move || {
            let _ = tx.send(parser.parse(&a));
        });
        Ok(rx.await.unwrap())
    }))
    .await
}
