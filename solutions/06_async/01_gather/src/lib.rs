//! 06/01 gather, solved: every request made as a future first, then all
//! awaited together.

use futures::future::join_all;
use measured::fetch::{Client, FetchError};

/// Fetches every URL at once; results in the order of `urls`.
pub async fn fetch_all(client: Client, urls: Vec<String>) -> Vec<Result<String, FetchError>> {
    // `get` only makes a future; nothing is sent until `join_all` polls
    // them, all together, on this one thread.
    join_all(urls.iter().map(|url| client.get(url))).await
}
