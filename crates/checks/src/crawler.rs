//! 08/01 crawler: fetch pages with an async client while a thread pool
//! parses the ones already fetched.
//!
//! The check measures, in the same run, the checker's own fetch-only time
//! (the same pages, the same limit) and its own parse-only time (rayon on
//! every core), and proves: every result right, in order; the server's
//! limit respected; the whole crawl within 1.3 times the longer of the two
//! (fetching and parsing overlapped, not one after the other); and a
//! heartbeat on the runtime never silent for more than 20 ms (the parsing
//! ran off the runtime's thread).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::future::join_all;
use measured::crawl::Parser;
use measured::fetch::{Client, FetchError};
use measured::heartbeat::Heartbeat;
use measured::server::{LatencyServer, ServerConfig};
use measured::witness::overlap;
use rayon::prelude::*;
use verdict::{Evidence, Report};

use crate::asynch::block_on_watched;
use crate::harness::{ms, time_chart};
use crate::processes::Watched;

/// The exercise's short name.
pub const NAME: &str = "crawler";
/// Pages to crawl.
pub const PAGES: usize = 96;
/// Requests the server takes at once (and the learner is given).
pub const LIMIT_IN_FLIGHT: usize = 8;
/// Each response's latency.
pub const LATENCY: Duration = Duration::from_millis(20);
/// The CPU one parse takes.
pub const PARSE_CPU: Duration = Duration::from_millis(5);
/// The crawl may take this many times the longer of fetching alone and
/// parsing alone.
pub const SLACK: f64 = 1.3;
/// The longest the heartbeat may go without a tick.
pub const MAX_GAP: Duration = Duration::from_millis(20);
/// The least share of time fetching and parsing must overlap.
pub const MIN_OVERLAP: f64 = 0.5;
/// Measured rounds of each.
pub const ROUNDS: usize = 2;
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(5);

/// What the learner writes: fetch `urls` (at most `limit` at once), parse
/// each page with `parser`, results in URL order.
pub trait CrawlFn<Fut>:
    Fn(Client, Vec<String>, usize, Parser) -> Fut + Clone + Send + 'static
{
}
impl<F, Fut> CrawlFn<Fut> for F where
    F: Fn(Client, Vec<String>, usize, Parser) -> Fut + Clone + Send + 'static
{
}

/// Checks a `crawl` and writes the report.
pub fn main<F, Fut>(crawl: F)
where
    F: CrawlFn<Fut>,
    Fut: Future<Output = Vec<Result<u64, FetchError>>>,
{
    crate::main(NAME, || check(crawl));
}

/// What one measured round gave.
struct Round {
    fetch_only: Duration,
    parse_only: Duration,
    crawl: Duration,
    results: Vec<Result<u64, FetchError>>,
    gap: Duration,
    /// How much parsing and fetching overlapped (see `witness::overlap`).
    overlap: f64,
    /// Requests in flight, then the parsing threads.
    timeline: verdict::Timeline,
}

/// Checks a `crawl`.
pub fn check<F, Fut>(crawl: F) -> Report
where
    F: CrawlFn<Fut>,
    Fut: Future<Output = Vec<Result<u64, FetchError>>>,
{
    let report = Report::new(NAME);
    // rayon's global pool, if this process has not started it yet, runs at
    // a lower priority, like the runtime's blocking pool (see `asynch`):
    // the heartbeat then measures whether the runtime's thread was blocked,
    // not how busy the cores are with parsing correctly moved off it.
    let _ = rayon::ThreadPoolBuilder::new()
        .start_handler(|_| crate::asynch::lower_this_threads_priority())
        .build_global();
    let server = match LatencyServer::start(ServerConfig {
        latency: LATENCY,
        max_in_flight: Some(LIMIT_IN_FLIGHT),
    }) {
        Ok(server) => Arc::new(server),
        Err(e) => {
            return report.with(Evidence::inconclusive(
                "correct",
                format!("could not start the latency server: {e}"),
            ));
        }
    };
    let urls: Vec<String> = (0..PAGES).map(|i| server.page_url(i)).collect();
    let parser = Parser::new(PARSE_CPU);
    let want: Vec<Result<u64, FetchError>> = (0..PAGES)
        .map(|i| Ok(parser.parse(&server.expected_page(i))))
        .collect();

    let run = {
        let (urls, parser, server) = (urls.clone(), parser.clone(), Arc::clone(&server));
        block_on_watched(LIMIT, false, move || async move {
            let mut rounds = Vec::new();
            for _ in 0..ROUNDS {
                // The checker's own fetch alone, then its own parse alone.
                let client = Client::http();
                let permits = tokio::sync::Semaphore::new(LIMIT_IN_FLIGHT);
                let t = Instant::now();
                let pages: Vec<String> = join_all(urls.iter().map(|u| async {
                    let _permit = permits.acquire().await.expect("open");
                    client.get(u).await.unwrap_or_default()
                }))
                .await;
                let fetch_only = t.elapsed();
                let t = Instant::now();
                // (It blocks this thread: nothing else runs on it now.)
                let parsed: Vec<u64> = pages.par_iter().map(|page| parser.parse(page)).collect();
                std::hint::black_box(parsed);
                let parse_only = t.elapsed();

                // Then yours, beside a heartbeat.
                let heartbeat = Heartbeat::new();
                let stop = Arc::new(AtomicBool::new(false));
                let ticking = {
                    let (heartbeat, stop) = (heartbeat.clone(), Arc::clone(&stop));
                    tokio::spawn(async move {
                        while !stop.load(Ordering::Relaxed) {
                            heartbeat.tick();
                            tokio::time::sleep(Duration::from_millis(1)).await;
                        }
                    })
                };
                tokio::time::sleep(Duration::from_millis(5)).await;
                server.witness().reset();
                parser.witness().reset();
                let t = Instant::now();
                let results = crawl(
                    Client::http(),
                    urls.clone(),
                    LIMIT_IN_FLIGHT,
                    parser.clone(),
                )
                .await;
                let done = Instant::now();
                stop.store(true, Ordering::Relaxed);
                let _ = ticking.await;
                rounds.push(Round {
                    fetch_only,
                    parse_only,
                    crawl: done - t,
                    results,
                    gap: heartbeat.worst_gap(t, done),
                    overlap: overlap(&server.witness().spans(), &parser.witness().spans()),
                    timeline: crawl_timeline(&server, &parser, t),
                });
            }
            rounds
        })
    };
    let rounds = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { .. } => {
            return report
                .with(Evidence::fail(
                    "correct",
                    format!("`crawl` had not returned after {} s", LIMIT.as_secs()),
                ))
                .diagnose("Your `crawl` never finished. Is a task awaiting a result nobody sends (a `oneshot` sender dropped without sending, a parse that never ran), or a permit never given back?");
        }
    };
    let stats = server.stats();
    if let Some(round) = rounds.iter().find(|r| r.results != want) {
        let line = if round.results.len() != want.len() {
            format!("{} results for {PAGES} pages", round.results.len())
        } else {
            let wrong = round
                .results
                .iter()
                .zip(&want)
                .filter(|(a, b)| a != b)
                .count();
            format!("{wrong} of {PAGES} results wrong")
        };
        let cause = if stats.rejected > 0 {
            format!(
                "The server turned {} requests away: keep at most `limit` requests in flight (a semaphore, as in 06/02).",
                stats.rejected
            )
        } else {
            "Return `parser.parse(&page)` for each URL, in the order of the URLs.".to_owned()
        };
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{PAGES} of {PAGES} pages fetched and parsed right, in order; the server never turned one away"),
    ));

    report.timeline = rounds.last().map(|r| r.timeline.clone());

    let best = |f: fn(&Round) -> Duration| rounds.iter().map(f).min().unwrap_or_default();
    let (fetch_only, parse_only, crawl) = (
        best(|r| r.fetch_only),
        best(|r| r.parse_only),
        best(|r| r.crawl),
    );
    let gap = rounds.iter().map(|r| r.gap).max().unwrap_or_default();
    let ideal = fetch_only.max(parse_only);
    report.chart = Some(time_chart(
        format!(
            "{PAGES} pages: {} latency, {LIMIT_IN_FLIGHT} at a time; {} of parsing each",
            ms(LATENCY),
            ms(PARSE_CPU)
        ),
        &[
            ("fetching alone", fetch_only),
            ("parsing alone, all cores", parse_only),
            ("one after the other", fetch_only + parse_only),
            ("yours", crawl),
        ],
    ));

    let line = format!(
        "the heartbeat's longest silence was {} while you crawled (at most {})",
        ms(gap),
        ms(MAX_GAP)
    );
    if gap > MAX_GAP {
        report.push(Evidence::fail("responsive", line));
        return report.diagnose("The runtime's thread was blocked: parsing is CPU work and ran on it. Hand each page to a thread pool (`rayon::spawn` with a `tokio::sync::oneshot` channel back, or `tokio::task::spawn_blocking`) and await the result.");
    }
    report.push(Evidence::pass("responsive", line));

    // Structure: did parsing happen while requests were in flight? The
    // witnesses see it whatever the machine's load.
    let together = rounds.iter().map(|r| r.overlap).fold(0.0, f64::max);
    let line = format!(
        "parsing and fetching overlapped {:.0}% of the time (at least {:.0}%)",
        together * 100.0,
        MIN_OVERLAP * 100.0
    );
    if together < MIN_OVERLAP {
        report.push(Evidence::fail("overlapped", line));
        return report.diagnose("Fetching and parsing took turns instead of overlapping: parse each page as soon as it arrives, on the pool, while the other requests are still in flight. Fetching everything first and then parsing everything adds the two times up.");
    }
    report.push(Evidence::pass("overlapped", line));

    // Speed, when the machine lets the two times be told apart.
    let line = format!(
        "crawled in {}: fetching alone takes {}, parsing alone {} on all cores, so at most {SLACK} x {} = {} (one after the other: {})",
        ms(crawl),
        ms(fetch_only),
        ms(parse_only),
        ms(ideal),
        ms(ideal.mul_f64(SLACK)),
        ms(fetch_only + parse_only)
    );
    let one_after_the_other = (fetch_only + parse_only).as_secs_f64();
    report.speedup = Some(verdict::Speedup {
        measured: one_after_the_other / crawl.as_secs_f64().max(1e-9),
        ceiling: one_after_the_other / ideal.as_secs_f64().max(1e-9),
    });
    let shorter = fetch_only.min(parse_only).as_secs_f64();
    if shorter < 0.5 * ideal.as_secs_f64() {
        report.push(Evidence::inconclusive(
            "speed",
            format!("{line}: parsing and fetching took too different times right now for the overlap to show in the total (the machine is probably busy); graded on the overlap instead"),
        ));
        return report;
    }
    if crawl.as_secs_f64() > ideal.as_secs_f64() * SLACK {
        report.push(Evidence::fail("speed", line));
        return report.diagnose("Fetching and parsing overlapped only partly: start each page's parsing as soon as that page arrives, and keep `limit` requests in flight all the time.");
    }
    report.push(Evidence::pass("speed", line));
    report
}

/// One crawl as rows: the requests in flight as the server saw them, then
/// the threads that parsed, from `started`.
fn crawl_timeline(server: &LatencyServer, parser: &Parser, started: Instant) -> verdict::Timeline {
    let mut timeline = server.witness().slots_since(started, "fetch").captioned(
        "your last crawl: a row per request in flight at once, then a row per thread that parsed",
    );
    let mut parsing = parser.witness().timeline_since(started);
    for lane in &mut parsing.lanes {
        *lane = format!("parse on {lane}");
    }
    timeline.append(parsing);
    timeline
}
