//! Family 2 (witness theatre): every page fetched first and then parsed
//! together on rayon, but while the fetches run, a pool thread parses a
//! dummy page over and over, so that the parser's witness shows parsing
//! overlapping the fetching.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
    // Wrong: a dummy page parsed over and over, only so parsing seems to overlap
    let fetching = Arc::new(AtomicBool::new(true));
    {
        let (parser, fetching) = (parser.clone(), Arc::clone(&fetching));
        rayon::spawn(move || {
            while fetching.load(Ordering::Relaxed) {
                std::hint::black_box(parser.parse("warming up"));
            }
        });
    }
    let permits = Semaphore::new(limit);
    // Wrong: really every page fetched first, then all parsed
    let pages: Vec<Result<String, FetchError>> = join_all(urls.iter().map(|url| async {
        let _permit = permits.acquire().await.unwrap();
        client.get(url).await
    }))
    .await;
    fetching.store(false, Ordering::Relaxed);
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
