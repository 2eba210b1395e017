//! Wrong: every request spawned as its own task, and its handle awaited
//! right away, before the next task is spawned. Tasks, but one at a time.

use measured::fetch::{Client, FetchError};

pub async fn fetch_all(client: Client, urls: Vec<String>) -> Vec<Result<String, FetchError>> {
    let mut pages = Vec::with_capacity(urls.len());
    for url in urls {
        let client = client.clone();
        let handle = tokio::spawn(async move { client.get(&url).await });
        // Wrong: each task awaited before the next is spawned
        pages.push(handle.await.expect("the task panicked"));
    }
    pages
}
