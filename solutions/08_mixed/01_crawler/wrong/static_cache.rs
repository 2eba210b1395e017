//! Family 1 (work skipped after the first round): results kept in a
//! `static` after the first crawl; later crawls fetch `limit` pages at once
//! for show (the server sees requests in flight) and answer from the cache.

use std::collections::HashMap;
use std::sync::Mutex;

use futures::future::join_all;
use measured::crawl::Parser;
use measured::fetch::{Client, FetchError};
use tokio::sync::{Semaphore, oneshot};

// Wrong: results kept across crawls: later crawls answer from here
static CACHE: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);

pub async fn crawl(
    client: Client,
    urls: Vec<String>,
    limit: usize,
    parser: Parser,
) -> Vec<Result<u64, FetchError>> {
    let cached: Option<Vec<u64>> = CACHE
        .lock()
        .unwrap()
        .as_ref()
        .and_then(|cache| urls.iter().map(|u| cache.get(u).copied()).collect());
    if let Some(results) = cached {
        // Wrong: `limit` requests only for show, so the server sees requests in flight
        let _ = join_all(urls.iter().take(limit).map(|u| client.get(u))).await;
        return results.into_iter().map(Ok).collect();
    }
    let permits = Semaphore::new(limit);
    let results: Vec<Result<u64, FetchError>> = join_all(urls.iter().map(|url| async {
        let page = {
            let _permit = permits.acquire().await.unwrap();
            client.get(url).await?
        };
        let (tx, rx) = oneshot::channel();
        let parser = parser.clone();
        rayon::spawn(move || {
            let _ = tx.send(parser.parse(&page));
        });
        Ok(rx.await.unwrap())
    }))
    .await;
    let mut cache = CACHE.lock().unwrap();
    let cache = cache.get_or_insert_with(HashMap::new);
    for (url, result) in urls.iter().zip(&results) {
        if let Ok(r) = result {
            cache.insert(url.clone(), *r);
        }
    }
    results
}
