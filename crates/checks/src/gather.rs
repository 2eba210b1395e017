//! 06/01 gather: a thousand pages fetched at once with an async client.
//!
//! Two runs. First on tokio's paused clock against the virtual server, with
//! a different latency per page: the pages must come back right and in
//! order (each page's text carries a salt only the checker's page table
//! knows, so none can be made up), nothing the call spawned may outlive it,
//! the server must see exactly one request per page, the virtual time must
//! equal the longest request (not the sum), and the real time must stay
//! small, since a blocking call (`std::thread::sleep`, a blocking client)
//! costs real time the paused clock cannot see. Then on real sockets
//! against the latency server: right pages, one request each, and at least
//! 10 times faster than one request at a time.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use measured::fetch::{Client, FetchError, VirtualServer};
use measured::kernel::mix;
use measured::server::{LatencyServer, ServerConfig};
use references::pages::SecretPages;
use verdict::{Evidence, Report};

use crate::asynch::{
    alive_tasks, ask_counts, block_on_watched, raise_open_files_limit, threads_outliving,
};
use crate::harness::{ms, seed, time_chart};
use crate::processes::Watched;

/// The exercise's short name.
pub const NAME: &str = "gather";
/// Pages to fetch.
pub const PAGES: usize = 1_000;
/// The real server's latency.
pub const LATENCY: Duration = Duration::from_millis(20);
/// At least this many times faster than one request at a time.
pub const NEED: f64 = 10.0;
/// The most real time the virtual run may take: it has no real waiting in
/// it, so anything more is a blocking call.
pub const VIRTUAL_WALL: Duration = Duration::from_millis(300);
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(4);

/// What `fetch_all` returns: one result per URL, in order.
pub type Pages = Vec<Result<String, FetchError>>;

/// Checks a `fetch_all` and writes the report.
pub fn main<F, Fut>(fetch_all: F)
where
    F: Fn(Client, Vec<String>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Pages>,
{
    crate::main(NAME, || check(fetch_all));
}

/// Why `got` is not `want`, if it is not.
pub fn wrong_pages(got: &Pages, want: &[String]) -> Option<String> {
    if got.len() != want.len() {
        return Some(format!("{} results for {} URLs", got.len(), want.len()));
    }
    let failed: Vec<&FetchError> = got.iter().filter_map(|r| r.as_ref().err()).collect();
    if let Some(first) = failed.first() {
        return Some(format!(
            "{} of {} requests failed: {first}",
            failed.len(),
            want.len()
        ));
    }
    let wrong = got
        .iter()
        .zip(want)
        .filter(|(g, w)| g.as_ref().ok() != Some(*w))
        .count();
    (wrong > 0).then(|| {
        format!(
            "{wrong} of {} pages are not the page asked for, or not in order",
            want.len()
        )
    })
}

/// What became of the requests a call made, beside its answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Leftovers {
    /// Tasks spawned during the call still alive when it returned.
    pub tasks: usize,
    /// Requests still in flight when it returned.
    pub in_flight: usize,
    /// Requests that arrived after it returned.
    pub after: usize,
    /// Threads the call started (not the runtime's) still running after
    /// it returned, named.
    pub threads: Vec<String>,
}

/// Judges what a call left behind on the runtime: nothing may outlive it.
pub(crate) fn judge_leftovers(left: Leftovers, what: &str) -> Result<String, (String, String)> {
    if !left.threads.is_empty() {
        return Err((
            format!(
                "{} thread(s) started during `{what}` were still running after it returned: {}",
                left.threads.len(),
                left.threads.join(", ")
            ),
            format!(
                "A thread of your own outlived the call: a `std::thread` (with a runtime of its own, or blocking calls) started in `{what}` keeps running, and fetching, after it returns, for nobody. Do the work as tasks on the runtime you were called on, and await them all before returning."
            ),
        ));
    }
    if left == Leftovers::default() {
        return Ok(format!("no task, request or thread outlived `{what}`"));
    }
    let line = format!(
        "when `{what}` returned, {} task(s) it spawned were still alive and {} request(s) still in flight; {} more request(s) arrived afterwards",
        left.tasks, left.in_flight, left.after
    );
    Err((
        line,
        format!(
            "Work outlived the call: a task started with `tokio::spawn` and never awaited keeps running (and fetching) after `{what}` returns, in the caller's runtime, for nobody. Await every task you spawn before returning (or `abort()` the ones you no longer need), and make no request the answer does not use."
        ),
    ))
}

/// Judges the virtual run's timing: together, the requests take exactly
/// the longest one.
pub(crate) fn judge_together(
    virtual_time: Duration,
    longest: Duration,
    peak: usize,
) -> Result<(), &'static str> {
    if virtual_time <= longest + Duration::from_millis(1) {
        Ok(())
    } else if peak <= 1 {
        Err(
            "One request at a time: `.await` inside a loop waits for each request before starting the next (and so does awaiting a spawned task's handle right after spawning it). Make all the futures first, then await them together: `futures::future::join_all(urls.iter().map(|u| client.get(u))).await`.",
        )
    } else {
        Err("The requests overlapped only partly: start them all before awaiting any.")
    }
}

/// Judges the real run's speedup against [`NEED`].
pub(crate) fn judge_speedup(speedup: f64) -> bool {
    speedup >= NEED
}

/// Checks a `fetch_all`.
pub fn check<F, Fut>(fetch_all: F) -> Report
where
    F: Fn(Client, Vec<String>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Pages>,
{
    let report = Report::new(NAME);
    let seed = seed();
    let wanted: Vec<usize> = (0..PAGES).collect();

    // 1. Virtual time: each page its own latency, 10 to 100 ms.
    let latencies: Vec<Duration> = (0..PAGES)
        .map(|i| Duration::from_millis(10 + mix(seed ^ i as u64) % 91))
        .collect();
    let book = Arc::new(SecretPages::new(latencies.clone(), LATENCY));
    book.next_round();
    let server = VirtualServer::serving(ServerConfig::with_latency(LATENCY), book.clone());
    let urls: Vec<String> = (0..PAGES).map(|i| server.page_url(i)).collect();
    let want: Vec<String> = (0..PAGES).map(|i| book.expected(i)).collect();
    let longest = latencies.iter().copied().max().unwrap_or_default();
    let sum: Duration = latencies.iter().sum();
    let run = {
        let (server, urls, fetch_all) = (server.clone(), urls.clone(), fetch_all.clone());
        block_on_watched(LIMIT, true, move || async move {
            let threads = crate::thread_pool::os_threads::live_ids();
            server.start_clock();
            let wall = measured::clock::ThreadStopwatch::start();
            let pages = fetch_all(server.client(), urls).await;
            let (virtual_time, wall) = (server.now(), wall.stop());
            let at_return = (alive_tasks(), server.stats());
            // Let anything left running show itself.
            tokio::time::sleep(Duration::from_secs(1)).await;
            let threads = threads_outliving(threads.as_ref());
            (pages, virtual_time, wall, (at_return, threads))
        })
    };
    let (pages, virtual_time, wall, ((tasks, at_return), threads)) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { waited, .. } => return hung(report, "on the paused clock", waited),
    };
    if let Some(line) = wrong_pages(&pages, &want) {
        return report.with(Evidence::fail("correct", line)).diagnose(
            "Return one result per URL, in the order of the URLs, each page as the server sent it: `join_all` keeps the order of the futures you give it. A page's text carries a salt only the server knows: it cannot be made up.",
        );
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{PAGES} of {PAGES} pages right, in order"),
    ));
    report.timeline = Some(virtual_timeline(&server));
    let log = server.log();
    let left = Leftovers {
        tasks,
        in_flight: at_return.in_flight,
        after: server.stats().requests - at_return.requests,
        threads,
    };
    match judge_leftovers(left, "fetch_all") {
        Ok(line) => report.push(Evidence::pass("cleaned up", line)),
        Err((line, cause)) => {
            report.push(Evidence::fail("cleaned up", line));
            return report.diagnose(cause);
        }
    }
    let asked: Vec<usize> = log.iter().map(|r| r.page).collect();
    match ask_counts(&asked, &wanted).judge("on the paused clock") {
        Ok(line) => report.push(Evidence::pass("one request each", line)),
        Err((line, cause)) => {
            report.push(Evidence::fail("one request each", line));
            return report.diagnose(cause);
        }
    }

    let peak = server.stats().peak_in_flight;
    let line = format!(
        "{} of virtual time for {PAGES} requests: the longest takes {}, all of them one after another {}; {peak} in flight at most",
        ms(virtual_time),
        ms(longest),
        ms(sum)
    );
    if let Err(cause) = judge_together(virtual_time, longest, peak) {
        report.push(Evidence::fail("concurrent", line));
        return report.diagnose(cause);
    }
    report.push(Evidence::pass("concurrent", line));

    let line = format!(
        "those {PAGES} virtual requests took {} of real time (at most {} allowed)",
        crate::harness::real_time_words(wall),
        ms(VIRTUAL_WALL)
    );
    if wall.own() > VIRTUAL_WALL {
        report.push(Evidence::fail("never blocks", line));
        return report.diagnose(format!(
            "On the paused clock waiting is free, yet your code took {} of real time: something blocks the thread. `std::thread::sleep`, a blocking HTTP client or a heavy computation inside an async function stops every other task on the runtime. Use `tokio::time::sleep(..).await` and the async client you are given.",
            ms(wall.own())
        ));
    }
    report.push(Evidence::pass("never blocks", line));

    // 2. Real sockets.
    raise_open_files_limit();
    let book = Arc::new(SecretPages::uniform(LATENCY));
    book.next_round();
    let server = match LatencyServer::serving(ServerConfig::with_latency(LATENCY), book.clone()) {
        Ok(server) => server,
        Err(e) => {
            // Not judged: a pass must rest on real requests.
            report.push(Evidence::inconclusive(
                "on real sockets",
                format!("could not start the latency server: {e}"),
            ));
            return report;
        }
    };
    let urls: Vec<String> = (0..PAGES).map(|i| server.page_url(i)).collect();
    let want: Vec<String> = (0..PAGES).map(|i| book.expected(i)).collect();
    let first = server.page_url(PAGES + 1);
    let run = {
        let urls = urls.clone();
        let server_ = Arc::new(server);
        let server = Arc::clone(&server_);
        let out = block_on_watched(LIMIT, false, move || async move {
            // One request at a time, on a warm connection: the baseline.
            let client = Client::http();
            let mut one = Duration::MAX;
            for _ in 0..3 {
                let t = Instant::now();
                let _ = client.get(&first).await;
                one = one.min(t.elapsed());
            }
            server.reset();
            let t = Instant::now();
            let pages = fetch_all(Client::http(), urls).await;
            (pages, t.elapsed(), one)
        });
        (out, server_)
    };
    let (run, server) = run;
    let (pages, took, one) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { waited, .. } => return hung(report, "on real sockets", waited),
    };
    if let Some(line) = wrong_pages(&pages, &want) {
        report.push(Evidence::fail(
            "correct",
            format!("on real sockets: {line}"),
        ));
        return report.diagnose("Right on the virtual server, wrong on real sockets: use only the `client` you are given, for every URL, and return each page as the server sent it.");
    }
    if let Err((line, cause)) = ask_counts(&server.asked(), &wanted).judge("on real sockets") {
        report.push(Evidence::fail("one request each", line));
        return report.diagnose(cause);
    }
    let stats = server.stats();
    let sequential = one * PAGES as u32;
    let speedup = sequential.as_secs_f64() / took.as_secs_f64().max(1e-9);
    let line = format!(
        "{PAGES} pages in {} on real sockets: {speedup:.0}x faster than one at a time ({} each, {} for all); the server saw {} in flight at most",
        ms(took),
        ms(one),
        ms(sequential),
        stats.peak_in_flight
    );
    report.chart = Some(time_chart(
        format!("{PAGES} pages of {} each", ms(LATENCY)),
        &[("one at a time (estimated)", sequential), ("yours", took)],
    ));
    // All pages at once take as long as one: that is the ideal.
    report.speedup = Some(verdict::Speedup {
        measured: speedup,
        ceiling: PAGES as f64,
    });
    if judge_speedup(speedup) {
        report.push(Evidence::pass("speed", line));
        report
    } else {
        report.push(Evidence::fail("speed", line));
        report.diagnose(format!(
            "Only {speedup:.1}x faster than one at a time (need {NEED}x): fewer requests overlapped on real sockets than on the virtual server. Is something limiting how many run at once?"
        ))
    }
}

/// The requests on the paused clock, one row per request in flight at once.
pub fn virtual_timeline(server: &VirtualServer) -> verdict::Timeline {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    verdict::Timeline::in_slots(
        server.log().iter().map(|r| (ms(r.start), ms(r.end))),
        "request",
    )
    .captioned(
        "your run on tokio's paused clock (virtual time), one row per request in flight at once",
    )
}

/// The report for a candidate that never returned.
pub fn hung(report: Report, where_: &str, waited: std::time::Duration) -> Report {
    report
        .with(Evidence::fail(
            "correct",
            format!("no result within {} {where_}", crate::processes::secs(waited)),
        ))
        .diagnose("Your `fetch_all` never finished. Is it awaiting something that never completes, such as a channel nobody sends on or a task that waits for itself?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_may_outlive_the_call() {
        let none = Leftovers::default();
        assert!(judge_leftovers(none.clone(), "f").is_ok());
        let (line, cause) = judge_leftovers(
            Leftovers {
                threads: vec!["'fetcher' (thread id 9)".into()],
                ..none.clone()
            },
            "f",
        )
        .unwrap_err();
        assert!(line.contains("'fetcher' (thread id 9)"));
        assert!(cause.contains("A thread of your own"));
        for left in [
            Leftovers {
                tasks: 1,
                ..none.clone()
            },
            Leftovers {
                in_flight: 1,
                ..none.clone()
            },
            Leftovers {
                after: 1,
                ..none.clone()
            },
        ] {
            assert!(
                judge_leftovers(left, "f")
                    .unwrap_err()
                    .1
                    .contains("never awaited")
            );
        }
    }

    #[test]
    fn together_means_within_a_millisecond_of_the_longest() {
        let ms = Duration::from_millis;
        assert!(judge_together(ms(100), ms(100), 1000).is_ok());
        assert!(judge_together(ms(101), ms(100), 1000).is_ok());
        assert!(
            judge_together(ms(102), ms(100), 1000)
                .unwrap_err()
                .contains("only partly")
        );
        assert!(
            judge_together(ms(5000), ms(100), 1)
                .unwrap_err()
                .contains("inside a loop")
        );
    }

    #[test]
    fn the_speedup_needs_ten() {
        assert!(judge_speedup(NEED));
        assert!(judge_speedup(10.1));
        assert!(!judge_speedup(9.9));
    }

    #[test]
    fn wrong_pages_names_failures_and_mismatches() {
        let want = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(
            wrong_pages(&vec![Ok("a".into()), Ok("b".into())], &want),
            None
        );
        assert!(
            wrong_pages(&vec![Ok("a".into())], &want)
                .unwrap()
                .contains("1 results")
        );
        assert!(
            wrong_pages(&vec![Ok("b".into()), Ok("a".into())], &want)
                .unwrap()
                .contains("2 of 2")
        );
        assert!(
            wrong_pages(&vec![Ok("a".into()), Err(FetchError::Rejected)], &want)
                .unwrap()
                .contains("failed")
        );
    }
}
