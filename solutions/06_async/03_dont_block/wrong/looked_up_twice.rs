//! Family 2 (witness counts not compared with the work): every legacy call
//! made twice, both on the blocking pool, and the answers compared "in case
//! the legacy library is flaky". Nothing blocks the runtime; but the
//! library does all its work twice.

use measured::service::{Request, Response, checksum, legacy_lookup};

pub async fn handle(request: Request) -> Response {
    let Request {
        id,
        payload,
        rounds,
    } = request;
    let checksum = tokio::task::spawn_blocking(move || checksum(&payload, rounds));
    let first = tokio::task::spawn_blocking(move || legacy_lookup(id));
    // Wrong: the legacy call made twice "in case it is flaky": double the work
    let second = tokio::task::spawn_blocking(move || legacy_lookup(id));
    let (checksum, first, second) = tokio::join!(checksum, first, second);
    let (first, second) = (first.expect("legacy"), second.expect("legacy"));
    assert_eq!(
        first, second,
        "the legacy library answered twice differently"
    );
    Response {
        id,
        checksum: checksum.expect("the checksum panicked"),
        owner: first,
    }
}
