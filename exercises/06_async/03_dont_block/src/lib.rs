//! 06/03 don't block the loop: hand blocking work to threads made for it.
//!
//! An async runtime runs many tasks on few threads (here: one). A task gives
//! its thread back only at an `.await`. A heavy computation, or a call into a
//! library that blocks (a driver without an async API, `std::fs`,
//! `std::thread::sleep`), keeps the thread and freezes every other task on
//! it: other requests, timers, the heartbeat. Python's asyncio bridges this
//! with `loop.run_in_executor`; tokio has `tokio::task::spawn_blocking`,
//! which runs a closure on a separate pool of threads and gives you a future
//! of its result.
//!
//! Read: src/06_async/03_dont_block.md in the book.
//! Check: cargo run -p checker -- run dont_block

use measured::service::{Request, Response, checksum, legacy_lookup};

/// Handles one request: its checksum and its owner, from the legacy library.
pub async fn handle(request: Request) -> Response {
    // TODO: this works, and freezes the runtime for the whole checksum and
    // the whole legacy call. Run each in `tokio::task::spawn_blocking(move ||
    // ...)` and `.await` the handle (it gives a `Result`: a panic in the
    // closure comes back as `Err`).
    let checksum = checksum(&request.payload, request.rounds);
    let owner = legacy_lookup(request.id);
    let _ = (checksum, owner);
    todo!("move the blocking work off the runtime's thread")
}
