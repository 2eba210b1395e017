//! Wrong: all the requests run together, but each first "waits politely"
//! with `std::thread::sleep`, which blocks the runtime's thread: while one
//! task sleeps, no other task on that thread can run.

use std::time::Duration;

use futures::future::join_all;
use measured::fetch::{Client, FetchError};

pub async fn fetch_all(client: Client, urls: Vec<String>) -> Vec<Result<String, FetchError>> {
    join_all(urls.iter().map(|url| {
        let client = client.clone();
        async move {
            // Wrong: a blocking sleep "to be polite" stalls the runtime's thread
            std::thread::sleep(Duration::from_millis(1));
            client.get(url).await
        }
    }))
    .await
}
