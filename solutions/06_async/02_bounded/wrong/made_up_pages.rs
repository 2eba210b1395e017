//! Family 1 (answers that do not require the work): the first `limit`
//! pages fetched at once (the peak the server wants to see), every other
//! page written from the pattern they showed (a page names its number and
//! the server's seed).

use futures::future::join_all;
use measured::fetch::{Client, FetchError};

fn number(url: &str) -> usize {
    let tail = url.rsplit("/page/").next().unwrap_or("");
    tail.split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

pub async fn fetch_bounded(
    client: Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    let shown = limit.min(urls.len());
    let mut pages = join_all(urls[..shown].iter().map(|url| client.get(url))).await;
    let Some(Ok(sample)) = pages.first().cloned() else {
        return pages;
    };
    // Wrong: only `limit` pages fetched; the others made up from their pattern
    let from = format!("page {}", number(&urls[0]));
    for url in &urls[shown..] {
        pages.push(Ok(sample.replacen(
            &from,
            &format!("page {}", number(url)),
            1,
        )));
    }
    pages
}
