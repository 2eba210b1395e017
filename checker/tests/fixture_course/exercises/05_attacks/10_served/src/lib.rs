//! The learner's file: it makes up the pages instead of fetching them, as
//! code would that sent a passing report of its own (with a seal it found)
//! without making the requests.

/// Every page, fetched, or so it says.
pub fn fetch_all(urls: &[String]) -> Vec<String> {
    (0..urls.len()).map(|n| format!("page {n}\n")).collect()
}
