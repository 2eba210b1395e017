//! Family 8 (cleanup not checked): right, and off the runtime's thread; but
//! each handler also starts the legacy call for the next id on the
//! blocking pool, "to have it ready", and never awaits it. Those calls run
//! on after the handlers return, holding blocking threads for nobody.

use measured::service::{Request, Response, checksum, legacy_lookup};

pub async fn handle(request: Request) -> Response {
    let Request {
        id,
        payload,
        rounds,
    } = request;
    let checksum = tokio::task::spawn_blocking(move || checksum(&payload, rounds));
    let owner = tokio::task::spawn_blocking(move || legacy_lookup(id));
    // Wrong: a prefetch started and never awaited: it holds a blocking thread after return
    // The next request's owner, fetched ahead of time.
    drop(tokio::task::spawn_blocking(move || legacy_lookup(id + 1)));
    let (checksum, owner) = tokio::join!(checksum, owner);
    Response {
        id,
        checksum: checksum.expect("the checksum panicked"),
        owner: owner.expect("the legacy call panicked"),
    }
}
