//! 06/01 gather: fetch a thousand pages at once, on one thread.
//!
//! `client.get(url)` is an async function: calling it makes a future, a
//! request that has not started yet. `.await` runs one future until it is
//! done, and lets the runtime run others while it waits. Awaiting the
//! requests one by one in a loop is as slow as downloading them one after
//! another; awaiting them *together* (Python's `asyncio.gather`,
//! `futures::future::join_all` here) makes the whole download as long as
//! the slowest page.
//!
//! Read: src/06_async/01_gather.md in the book.
//! Check: cargo run -p checker -- run gather

use measured::fetch::{Client, FetchError};

/// Fetches every URL with `client`, all at once, and returns one result per
/// URL, in the order of `urls`.
pub async fn fetch_all(client: Client, urls: Vec<String>) -> Vec<Result<String, FetchError>> {
    // TODO: make one future per URL with `client.get(url)`, without
    // awaiting them one by one, then await them all together with
    // `futures::future::join_all(...)`.
    let _ = (client, urls);
    todo!()
}
