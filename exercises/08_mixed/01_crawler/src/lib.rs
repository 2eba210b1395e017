//! 08/01 crawler: waiting and computing at the same time.
//!
//! Fetching a page is waiting (an async task costs almost nothing while it
//! waits); parsing one is computing (it needs a core, and must not run on
//! the async runtime's thread). A crawler does both: while some requests
//! are in flight, the pages that already arrived are parsed on a thread
//! pool. Python does this with asyncio plus `loop.run_in_executor` on a
//! `ProcessPoolExecutor`; in Rust, tokio for the fetching and rayon for the
//! parsing.
//!
//! Read: src/08_mixed/01_crawler.md in the book.
//! Check: cargo run -p checker -- run crawler

use measured::crawl::Parser;
use measured::fetch::{Client, FetchError};

/// Fetches every URL (at most `limit` requests at once) and parses each
/// page with `parser` on a thread pool, as soon as it arrives. Returns one
/// result per URL, in order.
pub async fn crawl(
    client: Client,
    urls: Vec<String>,
    limit: usize,
    parser: Parser,
) -> Vec<Result<u64, FetchError>> {
    // TODO: one future per URL (as in 06/02, with a `tokio::sync::Semaphore`
    // of `limit` permits, held only while fetching). When a page arrives,
    // hand `parser.parse(&page)` to rayon: `rayon::spawn(move || ...)`, with
    // a `tokio::sync::oneshot` channel to bring the result back, and await
    // it. `join_all` the futures.
    let _ = (client, urls, limit, parser);
    todo!()
}
