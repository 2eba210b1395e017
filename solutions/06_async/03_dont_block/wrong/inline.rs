//! Wrong: the checksum and the legacy call run right in the async function,
//! on the runtime's only thread. Every other task, and the heartbeat, waits.

use measured::service::{Request, Response, checksum, legacy_lookup};

pub async fn handle(request: Request) -> Response {
    // Wrong: both blocking calls run on the runtime's only thread
    let checksum = checksum(&request.payload, request.rounds);
    let owner = legacy_lookup(request.id);
    Response {
        id: request.id,
        checksum,
        owner,
    }
}
