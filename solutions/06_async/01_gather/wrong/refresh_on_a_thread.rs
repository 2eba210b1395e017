//! Family 8 (cleanup not checked): the pages are fetched right, all at
//! once; then a `std::thread` with a runtime of its own is started to fetch
//! them all again later "to keep a cache warm". No task of the caller's
//! runtime is left, and its requests come after the check stops counting
//! them: only the thread itself shows, still running after the call.

use futures::future::join_all;
use measured::fetch::{Client, FetchError};

pub async fn fetch_all(client: Client, urls: Vec<String>) -> Vec<Result<String, FetchError>> {
    let pages = join_all(urls.iter().map(|url| client.get(url))).await;
    // Wrong: a thread with its own runtime refetches later; it outlives the call
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(600));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let _ = tokio::time::timeout(
                std::time::Duration::from_millis(200),
                join_all(urls.iter().take(10).map(|url| client.get(url))),
            )
            .await;
        });
    });
    pages
}
