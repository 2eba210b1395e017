//! 06/01 gather: a thousand pages fetched at once with an async client.
//!
//! Two runs. First on tokio's paused clock against the virtual server, with
//! a different latency per page: the pages must come back right and in
//! order, the virtual time must equal the longest request (not the sum), and
//! the real time must stay small, since a blocking call (`std::thread::sleep`,
//! a blocking client) costs real time the paused clock cannot see. Then on
//! real sockets against the latency server: at least 10 times faster than
//! one request at a time.

use std::future::Future;
use std::time::{Duration, Instant};

use measured::fetch::{Client, FetchError, VirtualServer};
use measured::kernel::mix;
use measured::server::{LatencyServer, ServerConfig};
use verdict::{Evidence, Report};

use crate::asynch::{block_on_watched, raise_open_files_limit};
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

/// Checks a `fetch_all`.
pub fn check<F, Fut>(fetch_all: F) -> Report
where
    F: Fn(Client, Vec<String>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Pages>,
{
    let report = Report::new(NAME);
    let seed = seed();

    // 1. Virtual time: each page its own latency, 10 to 100 ms.
    let server = VirtualServer::new(ServerConfig::with_latency(LATENCY));
    let latencies: Vec<Duration> = (0..PAGES)
        .map(|i| Duration::from_millis(10 + mix(seed ^ i as u64) % 91))
        .collect();
    let urls: Vec<String> = latencies
        .iter()
        .enumerate()
        .map(|(i, &l)| server.page_url_with_latency(i, l))
        .collect();
    let want: Vec<String> = (0..PAGES).map(|i| server.expected_page(i)).collect();
    let longest = latencies.iter().copied().max().unwrap_or_default();
    let sum: Duration = latencies.iter().sum();
    let run = {
        let (server, urls, fetch_all) = (server.clone(), urls.clone(), fetch_all.clone());
        block_on_watched(LIMIT, true, move || async move {
            server.start_clock();
            let wall = Instant::now();
            let pages = fetch_all(server.client(), urls).await;
            (pages, server.now(), wall.elapsed())
        })
    };
    let (pages, virtual_time, wall) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { .. } => return hung(report, "on the paused clock"),
    };
    if let Some(line) = wrong_pages(&pages, &want) {
        return report.with(Evidence::fail("correct", line)).diagnose(
            "Return one result per URL, in the order of the URLs: `join_all` keeps the order of the futures you give it.",
        );
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{PAGES} of {PAGES} pages right, in order"),
    ));
    report.timeline = Some(virtual_timeline(&server));

    let peak = server.stats().peak_in_flight;
    let together = virtual_time <= longest + Duration::from_millis(1);
    let line = format!(
        "{} of virtual time for {PAGES} requests: the longest takes {}, all of them one after another {}; {peak} in flight at most",
        ms(virtual_time),
        ms(longest),
        ms(sum)
    );
    if !together {
        report.push(Evidence::fail("concurrent", line));
        let cause = if peak <= 1 {
            "One request at a time: `.await` inside a loop waits for each request before starting the next (and so does awaiting a spawned task's handle right after spawning it). Make all the futures first, then await them together: `futures::future::join_all(urls.iter().map(|u| client.get(u))).await`."
        } else {
            "The requests overlapped only partly: start them all before awaiting any."
        };
        return report.diagnose(cause);
    }
    report.push(Evidence::pass("concurrent", line));

    let line = format!(
        "those {PAGES} virtual requests took {} of real time (at most {} allowed)",
        ms(wall),
        ms(VIRTUAL_WALL)
    );
    if wall > VIRTUAL_WALL {
        report.push(Evidence::fail("never blocks", line));
        return report.diagnose(format!(
            "On the paused clock waiting is free, yet your code took {} of real time: something blocks the thread. `std::thread::sleep`, a blocking HTTP client or a heavy computation inside an async function stops every other task on the runtime. Use `tokio::time::sleep(..).await` and the async client you are given.",
            ms(wall)
        ));
    }
    report.push(Evidence::pass("never blocks", line));

    // 2. Real sockets.
    raise_open_files_limit();
    let server = match LatencyServer::start(ServerConfig::with_latency(LATENCY)) {
        Ok(server) => server,
        Err(e) => {
            report.push(Evidence::inconclusive(
                "speed",
                format!("could not start the latency server: {e}"),
            ));
            return report;
        }
    };
    let urls: Vec<String> = (0..PAGES).map(|i| server.page_url(i)).collect();
    let want: Vec<String> = (0..PAGES).map(|i| server.expected_page(i)).collect();
    let first = server.page_url(PAGES + 1);
    let run = {
        let urls = urls.clone();
        block_on_watched(LIMIT, false, move || async move {
            // One request at a time, on a warm connection: the baseline.
            let client = Client::http();
            let mut one = Duration::MAX;
            for _ in 0..3 {
                let t = Instant::now();
                let _ = client.get(&first).await;
                one = one.min(t.elapsed());
            }
            let t = Instant::now();
            let pages = fetch_all(Client::http(), urls).await;
            (pages, t.elapsed(), one)
        })
    };
    let (pages, took, one) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { .. } => return hung(report, "on real sockets"),
    };
    if let Some(line) = wrong_pages(&pages, &want) {
        report.push(Evidence::fail(
            "correct",
            format!("on real sockets: {line}"),
        ));
        return report.diagnose("Right on the virtual server, wrong on real sockets: use only the `client` you are given, for every URL.");
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
    if speedup >= NEED {
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
pub fn hung(report: Report, where_: &str) -> Report {
    report
        .with(Evidence::fail(
            "correct",
            format!("no result within {} s {where_}", LIMIT.as_secs()),
        ))
        .diagnose("Your `fetch_all` never finished. Is it awaiting something that never completes, such as a channel nobody sends on or a task that waits for itself?")
}
