//! Family 8 (cleanup not checked): the pages are fetched right, all at
//! once; then a task is `tokio::spawn`ed to fetch them all again "to keep a
//! cache warm", and never awaited. It outlives the call, fetching for
//! nobody.

use futures::future::join_all;
use measured::fetch::{Client, FetchError};

pub async fn fetch_all(client: Client, urls: Vec<String>) -> Vec<Result<String, FetchError>> {
    let pages = join_all(urls.iter().map(|url| client.get(url))).await;
    // Wrong: a refresh task spawned and never awaited: it outlives the call
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let _ = join_all(urls.iter().map(|url| client.get(url))).await;
    });
    pages
}
