//! Wrong: each request awaited before the next one is made. It reads like
//! the synchronous version with `.await` added, and it is just as slow.

use measured::fetch::{Client, FetchError};

pub async fn fetch_all(client: Client, urls: Vec<String>) -> Vec<Result<String, FetchError>> {
    let mut pages = Vec::with_capacity(urls.len());
    for url in &urls {
        // Wrong: each request awaited before the next is made: the sync loop with `.await`
        pages.push(client.get(url).await);
    }
    pages
}
