//! Family 5 (inputs that cannot tell two shapes apart): waves of K instead
//! of a window of K: `chunks(limit)`, each chunk joined before the next one
//! starts. The peak is right and nothing is rejected, and with equal
//! latencies it takes exactly as long as a sliding window; with uneven
//! ones every wave waits for its slowest request.

use futures::future::join_all;
use measured::fetch::{Client, FetchError};

pub async fn fetch_bounded(
    client: Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    let mut pages = Vec::with_capacity(urls.len());
    // Wrong: waves of `limit`: each waits for its slowest request
    for wave in urls.chunks(limit.max(1)) {
        pages.extend(join_all(wave.iter().map(|url| client.get(url))).await);
    }
    pages
}
