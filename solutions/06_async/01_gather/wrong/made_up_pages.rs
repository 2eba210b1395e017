//! Family 1 (answers that do not require the work): one real request, and
//! every other page written from the pattern it showed (a page names its
//! number and the server's seed, so the rest "can be worked out"). One
//! request takes as long as the longest at most, and is very fast.

use measured::fetch::{Client, FetchError};

fn number(url: &str) -> usize {
    let tail = url.rsplit("/page/").next().unwrap_or("");
    tail.split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

pub async fn fetch_all(client: Client, urls: Vec<String>) -> Vec<Result<String, FetchError>> {
    let Some(first) = urls.first() else {
        return Vec::new();
    };
    let sample = match client.get(first).await {
        Ok(page) => page,
        Err(e) => return vec![Err(e); urls.len()],
    };
    // Wrong: one real request; every other page made up from its pattern
    let from = format!("page {}", number(first));
    urls.iter()
        .map(|url| Ok(sample.replacen(&from, &format!("page {}", number(url)), 1)))
        .collect()
}
