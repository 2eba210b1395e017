//! 06/04 deadlines: stop waiting, and stop the work.
//!
//! Every job is a URL and its own timeout; the whole batch also has an
//! overall deadline. All jobs start at once. A job whose page comes back
//! first is a `Page`; one whose own timeout runs out first is `TimedOut`;
//! one still running at the overall deadline is `Cancelled`. A request that
//! times out or is cancelled must really stop, not just be ignored: in Rust
//! a future that is dropped stops where it is (Python's
//! `asyncio.wait_for` and `asyncio.timeout` cancel the task instead).
//!
//! Read: src/06_async/04_deadlines.md in the book.
//! Check: cargo run -p checker -- run deadlines

use std::time::Duration;

use measured::fetch::{Client, Outcome};

/// Runs every `(url, timeout)` job at once, none past `deadline` from now,
/// and returns one outcome per job, in order.
pub async fn fetch_with_deadlines(
    client: Client,
    jobs: Vec<(String, Duration)>,
    deadline: Duration,
) -> Vec<Outcome> {
    // TODO: fix the deadline's instant once: `tokio::time::Instant::now() +
    // deadline`. For each job, a future:
    //   `tokio::time::timeout_at(at, tokio::time::timeout(timeout, client.get(&url)))`
    // whose three layers of `Result` say cancelled / timed out / the page
    // (or a failure). Then `futures::future::join_all` them.
    let _ = (client, jobs, deadline);
    todo!()
}
