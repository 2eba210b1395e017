//! Wrong: every page fetched first, then all parsed together on rayon.
//! Each half is done well, but they take turns: the cores idle while the
//! network works, and the network idles while the cores work.

use futures::future::join_all;
use measured::crawl::Parser;
use measured::fetch::{Client, FetchError};
use rayon::prelude::*;
use tokio::sync::{Semaphore, oneshot};

pub async fn crawl(
    client: Client,
    urls: Vec<String>,
    limit: usize,
    parser: Parser,
) -> Vec<Result<u64, FetchError>> {
    let permits = Semaphore::new(limit);
    // Wrong: every page fetched first, then all parsed: the halves take turns
    let pages: Vec<Result<String, FetchError>> = join_all(urls.iter().map(|url| async {
        let _permit = permits.acquire().await.unwrap();
        client.get(url).await
    }))
    .await;
    let (tx, rx) = oneshot::channel();
    rayon::spawn(move || {
        let parsed: Vec<Result<u64, FetchError>> = pages
            .par_iter()
            .map(|page| page.as_ref().map(|p| parser.parse(p)).map_err(Clone::clone))
            .collect();
        let _ = tx.send(parsed);
    });
    rx.await.unwrap()
}
