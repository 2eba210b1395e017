//! Wrong: the blocking work is moved into `tokio::spawn`ed tasks, as if a
//! task were a thread. Spawned tasks run on the same runtime thread, so
//! they block it all the same.

use measured::service::{Request, Response, checksum, legacy_lookup};

pub async fn handle(request: Request) -> Response {
    let Request {
        id,
        payload,
        rounds,
    } = request;
    // Wrong: `tokio::spawn`, as if a task were a thread: it blocks the runtime all the same
    let checksum = tokio::spawn(async move { checksum(&payload, rounds) });
    let owner = tokio::spawn(async move { legacy_lookup(id) });
    Response {
        id,
        checksum: checksum.await.unwrap(),
        owner: owner.await.unwrap(),
    }
}
