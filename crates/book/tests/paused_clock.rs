//! The paused-clock tests that chapter 06 shows (`src/06_async/index.md`
//! includes the part between the anchors). They run with the book's tests,
//! so what the page claims about tokio's paused clock is checked on every
//! build.

// ANCHOR: paused
use std::time::Duration;
use tokio::time::{Instant, sleep};

async fn lookup(name: &str, ms: u64) -> String {
    sleep(Duration::from_millis(ms)).await;
    format!("{name}: found")
}

#[tokio::test(start_paused = true)]
async fn together_takes_exactly_the_longest() {
    let start = Instant::now();
    let (a, b) = tokio::join!(lookup("alpha", 30), lookup("beta", 50));
    assert_eq!((a.as_str(), b.as_str()), ("alpha: found", "beta: found"));
    assert_eq!(start.elapsed(), Duration::from_millis(50)); // exactly, every run
}

#[tokio::test(start_paused = true)]
async fn blocking_is_invisible_to_the_paused_clock() {
    let start = Instant::now();
    std::thread::sleep(Duration::from_millis(50)); // blocks the thread for real
    assert_eq!(start.elapsed(), Duration::ZERO); // tokio's clock did not move
}
// ANCHOR_END: paused
