//! 06/03 don't block the loop, solved: the checksum and the legacy call each
//! run on tokio's blocking pool, side by side, while the runtime's thread
//! stays free for other tasks.

use measured::service::{Request, Response, checksum, legacy_lookup};

/// Handles one request without blocking the runtime.
pub async fn handle(request: Request) -> Response {
    let Request {
        id,
        payload,
        rounds,
    } = request;
    // The closures must own what they use: they may outlive this call.
    let checksum = tokio::task::spawn_blocking(move || checksum(&payload, rounds));
    let owner = tokio::task::spawn_blocking(move || legacy_lookup(id));
    // Both are already running; wait for the two together.
    let (checksum, owner) = tokio::join!(checksum, owner);
    Response {
        id,
        checksum: checksum.expect("the checksum panicked"),
        owner: owner.expect("the legacy call panicked"),
    }
}
