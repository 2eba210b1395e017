//! 06/02 bounded with `buffer_unordered(limit)`, which the page calls
//! right: a new request starts as soon as any one finishes. The results
//! come back in the order they finish, so each carries its index and they
//! are sorted back into URL order.

use futures::StreamExt;
use futures::stream;
use measured::fetch::{Client, FetchError};

/// Fetches every URL, at most `limit` at a time; results in URL order.
pub async fn fetch_bounded(
    client: Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    let client = &client;
    let mut done: Vec<(usize, Result<String, FetchError>)> = stream::iter(
        urls.iter()
            .enumerate()
            .map(|(i, url)| async move { (i, client.get(url).await) }),
    )
    .buffer_unordered(limit)
    .collect()
    .await;
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, page)| page).collect()
}
