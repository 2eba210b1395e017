//! 06/02 bounded: many requests, at most `limit` at once, against a server
//! that turns away anything above its limit.
//!
//! On the paused clock: zero rejections, exactly `limit` in flight at the
//! peak, and a virtual time of exactly `ceil(N / limit) x latency`. Then on
//! real sockets against a latency server with the same limit: zero
//! rejections, the same peak, and at most 1.25 times the ideal time.

use std::future::Future;
use std::time::{Duration, Instant};

use measured::fetch::{Client, VirtualServer};
use measured::grade::{io_fast_enough, io_ideal};
use measured::server::{LatencyServer, ServerConfig, ServerStats};
use verdict::{Evidence, Report};

use crate::asynch::{block_on_watched, raise_open_files_limit};
use crate::gather::{Pages, hung, virtual_timeline, wrong_pages};
use crate::harness::{ms, time_chart};
use crate::processes::Watched;

/// The exercise's short name.
pub const NAME: &str = "bounded";
/// Requests to make.
pub const PAGES: usize = 200;
/// The server's limit, and the one the learner is given.
pub const LIMIT_IN_FLIGHT: usize = 10;
/// Each response's latency.
pub const LATENCY: Duration = Duration::from_millis(20);
/// The most real time the virtual run may take.
pub const VIRTUAL_WALL: Duration = Duration::from_millis(300);
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(4);

/// Checks a `fetch_bounded` and writes the report.
pub fn main<F, Fut>(fetch_bounded: F)
where
    F: Fn(Client, Vec<String>, usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Pages>,
{
    crate::main(NAME, || check(fetch_bounded));
}

fn limited() -> ServerConfig {
    ServerConfig {
        latency: LATENCY,
        max_in_flight: Some(LIMIT_IN_FLIGHT),
    }
}

/// The evidence about rejections and the peak, with the likely cause.
fn limit_evidence(stats: &ServerStats, on: &str) -> (Evidence, Option<&'static str>) {
    let line = format!(
        "{on}: {} requests turned away, {} in flight at the peak (the server takes {LIMIT_IN_FLIGHT})",
        stats.rejected, stats.peak_in_flight
    );
    if stats.rejected > 0 {
        (
            Evidence::fail("within the limit", line),
            Some(
                "The server turned requests away: more than `limit` were in flight at once. Hold a `tokio::sync::Semaphore` permit for the whole request: `let _permit = semaphore.acquire().await.unwrap();` keeps it until the end of the block, while `let _ = ...` drops it at once and limits nothing.",
            ),
        )
    } else if stats.peak_in_flight < LIMIT_IN_FLIGHT {
        (
            Evidence::fail("within the limit", line),
            Some(
                "Fewer requests ran at once than the server allows: start a new request as soon as one finishes, up to `limit` at a time (a semaphore with `limit` permits, or `buffered(limit)`).",
            ),
        )
    } else {
        (Evidence::pass("within the limit", line), None)
    }
}

/// Checks a `fetch_bounded`.
pub fn check<F, Fut>(fetch_bounded: F) -> Report
where
    F: Fn(Client, Vec<String>, usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Pages>,
{
    let report = Report::new(NAME);
    let ideal = io_ideal(PAGES, LIMIT_IN_FLIGHT, LATENCY);

    // 1. Virtual time.
    let server = VirtualServer::new(limited());
    let urls: Vec<String> = (0..PAGES).map(|i| server.page_url(i)).collect();
    let want: Vec<String> = (0..PAGES).map(|i| server.expected_page(i)).collect();
    let run = {
        let (server, urls, fetch) = (server.clone(), urls.clone(), fetch_bounded.clone());
        block_on_watched(LIMIT, true, move || async move {
            server.start_clock();
            let wall = Instant::now();
            let pages = fetch(server.client(), urls, LIMIT_IN_FLIGHT).await;
            (pages, server.now(), wall.elapsed())
        })
    };
    let (pages, virtual_time, wall) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { .. } => return hung(report, "on the paused clock"),
    };
    let stats = server.stats();
    let (limit, cause) = limit_evidence(&stats, "on the paused clock");
    if stats.rejected > 0 {
        return report.with(limit).diagnose(cause.unwrap_or_default());
    }
    if let Some(line) = wrong_pages(&pages, &want) {
        return report.with(Evidence::fail("correct", line)).diagnose(
            "Return one result per URL, in the order of the URLs: keep each result at its URL's index.",
        );
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{PAGES} of {PAGES} pages right, in order"),
    ));
    report.timeline = Some(virtual_timeline(&server));
    report.push(limit);
    if let Some(cause) = cause {
        return report.diagnose(cause);
    }

    let line = format!(
        "{} of virtual time for {PAGES} requests of {}, {LIMIT_IN_FLIGHT} at a time: ideal ceil({PAGES} / {LIMIT_IN_FLIGHT}) x {} = {}",
        ms(virtual_time),
        ms(LATENCY),
        ms(LATENCY),
        ms(ideal)
    );
    if virtual_time > ideal + Duration::from_millis(1) {
        report.push(Evidence::fail("concurrent", line));
        return report.diagnose("The peak was right, but the slots sat idle in between: waiting for a whole group of `limit` requests before starting the next group wastes the time the fastest ones free. Start the next request as soon as any one finishes.");
    }
    report.push(Evidence::pass("concurrent", line));
    let line = format!(
        "those virtual requests took {} of real time (at most {} allowed)",
        ms(wall),
        ms(VIRTUAL_WALL)
    );
    if wall > VIRTUAL_WALL {
        report.push(Evidence::fail("never blocks", line));
        return report.diagnose("On the paused clock waiting is free, yet your code took real time: something blocks the thread (`std::thread::sleep`, a blocking client, a `std::sync::Mutex` held across an `.await`). Use tokio's async versions.");
    }
    report.push(Evidence::pass("never blocks", line));

    // 2. Real sockets.
    raise_open_files_limit();
    let server = match LatencyServer::start(limited()) {
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
    let run = {
        let urls = urls.clone();
        block_on_watched(LIMIT, false, move || async move {
            let t = Instant::now();
            let pages = fetch_bounded(Client::http(), urls, LIMIT_IN_FLIGHT).await;
            (pages, t.elapsed())
        })
    };
    let (pages, took) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { .. } => return hung(report, "on real sockets"),
    };
    let stats = server.stats();
    let (limit, cause) = limit_evidence(&stats, "on real sockets");
    if let Some(cause) = cause {
        report.push(limit);
        return report.diagnose(cause);
    }
    if let Some(line) = wrong_pages(&pages, &want) {
        report.push(Evidence::fail(
            "correct",
            format!("on real sockets: {line}"),
        ));
        return report.diagnose("Right on the virtual server, wrong on real sockets: use only the `client` you are given.");
    }
    report.push(limit);
    let line = format!(
        "{PAGES} pages in {} on real sockets, ideal {} (at most 1.25x allowed)",
        ms(took),
        ms(ideal)
    );
    report.chart = Some(time_chart(
        format!("{PAGES} pages, {LIMIT_IN_FLIGHT} at a time"),
        &[
            ("one at a time", LATENCY * PAGES as u32),
            ("yours", took),
            ("ideal", ideal),
        ],
    ));
    let one_at_a_time = (LATENCY * PAGES as u32).as_secs_f64();
    report.speedup = Some(verdict::Speedup {
        measured: one_at_a_time / took.as_secs_f64().max(1e-9),
        ceiling: one_at_a_time / ideal.as_secs_f64().max(1e-9),
    });
    if io_fast_enough(took, ideal) {
        report.push(Evidence::pass("speed", line));
        report
    } else {
        report.push(Evidence::fail("speed", line));
        report.diagnose("Slower than the limit allows on real sockets: keep exactly `limit` requests in flight all the time.")
    }
}
