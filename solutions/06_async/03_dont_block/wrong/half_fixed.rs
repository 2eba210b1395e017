//! Wrong: the checksum went to `spawn_blocking`, but the legacy call, which
//! only waits and looks harmless, still runs on the runtime's thread.

use measured::service::{Request, Response, checksum, legacy_lookup};

pub async fn handle(request: Request) -> Response {
    let Request {
        id,
        payload,
        rounds,
    } = request;
    let checksum = tokio::task::spawn_blocking(move || checksum(&payload, rounds))
        .await
        .unwrap();
    // Wrong: the legacy call still blocks the runtime's thread: it only waits, so it looks harmless
    let owner = legacy_lookup(id);
    Response {
        id,
        checksum,
        owner,
    }
}
