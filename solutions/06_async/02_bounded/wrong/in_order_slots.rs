//! Family 5 (inputs that cannot tell two shapes apart): `buffered(limit)`
//! instead of a sliding window. It keeps `limit` requests in flight and
//! gives the results in URL order, so it looks like the semaphore; but a
//! request that finished keeps its slot until every request before it has
//! finished too, so a slow page at the front holds its neighbours' slots.
//! With equal latencies it is as fast as the window; with uneven ones it
//! is as slow as waves.

use futures::StreamExt;
use futures::stream;
use measured::fetch::{Client, FetchError};

/// Fetches every URL, at most `limit` at a time; results in URL order.
pub async fn fetch_bounded(
    client: Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    stream::iter(urls.iter().map(|url| client.get(url)))
        // Wrong: `buffered` yields in order, so a finished request waits in
        // its slot behind a slower one: use `buffer_unordered` and sort.
        .buffered(limit)
        .collect()
        .await
}
