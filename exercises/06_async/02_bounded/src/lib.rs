//! 06/02 bounded: all the requests, but never more than `limit` at once.
//!
//! The server answers at most `limit` requests at a time and turns the rest
//! away (503). Gathering everything at once, as in 06/01, would be rude and
//! would fail. Python bounds this with `asyncio.Semaphore(limit)`; tokio has
//! `tokio::sync::Semaphore`, and the `futures` crate has streams that keep
//! at most `n` futures running (`buffered(n)`).
//!
//! Read: src/06_async/02_bounded.md in the book.
//! Check: cargo run -p checker -- run bounded

use measured::fetch::{Client, FetchError};

/// Fetches every URL, at most `limit` at a time, and returns one result per
/// URL, in the order of `urls`.
pub async fn fetch_bounded(
    client: Client,
    urls: Vec<String>,
    limit: usize,
) -> Vec<Result<String, FetchError>> {
    // TODO: as in 06/01, one future per URL and `join_all`; but each future
    // first takes a permit from a `tokio::sync::Semaphore::new(limit)` and
    // keeps it (in a named variable) until its request is done.
    let _ = (client, urls, limit);
    todo!()
}
