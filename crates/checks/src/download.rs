//! 03/01 download: the pages come back right and in input order, the server
//! sees exactly `workers` requests in flight at its peak, and the whole
//! download takes at most 1.25x the ideal `ceil(N / workers) x latency`.

use std::time::{Duration, Instant};

use measured::grade::{io_fast_enough, io_ideal};
use measured::server::{LatencyServer, ServerConfig};
use verdict::{Evidence, Report};

use crate::harness::{ms, seed, time_chart};

/// The exercise's short name.
pub const NAME: &str = "download";
/// Pages to fetch.
pub const PAGES: usize = 32;
/// Threads to use.
pub const WORKERS: usize = 8;
/// Each response's latency.
pub const LATENCY: Duration = Duration::from_millis(20);
/// Measured rounds; the fastest counts.
pub const ROUNDS: usize = 3;

/// The signature under test.
pub type DownloadResult = Result<Vec<String>, ureq::Error>;

/// Checks a `download_all` and writes the report.
pub fn main(download_all: impl Fn(&[String], usize) -> DownloadResult) {
    crate::main(NAME, || check(download_all));
}

/// Checks a `download_all`.
pub fn check(download_all: impl Fn(&[String], usize) -> DownloadResult) -> Report {
    let report = Report::new(NAME);
    let server = match LatencyServer::start(ServerConfig::with_latency(LATENCY)) {
        Ok(server) => server,
        Err(e) => {
            return report.with(Evidence::inconclusive(
                "correct",
                format!("could not start the latency server: {e}"),
            ));
        }
    };
    // Page numbers in a shuffled order, so the input order is not the
    // numeric one and must be kept on purpose.
    let mut ids: Vec<usize> = (0..PAGES).map(|i| i * 7 + 1).collect();
    let mut s = seed();
    for i in (1..ids.len()).rev() {
        s = measured::kernel::mix(s);
        ids.swap(i, (s % (i as u64 + 1)) as usize);
    }
    let urls: Vec<String> = ids.iter().map(|&id| server.page_url(id)).collect();
    let expected: Vec<String> = ids.iter().map(|&id| server.expected_page(id)).collect();

    let mut times = Vec::new();
    let mut peak = 0;
    let mut averages = Vec::new();
    for round in 0..ROUNDS {
        server.reset();
        let started = Instant::now();
        let result = download_all(&urls, WORKERS);
        let elapsed = started.elapsed();
        let stats = server.stats();
        if round == 0
            && let Err((line, cause)) = judge_pages(result, &expected, stats.requests)
        {
            return report.with(Evidence::fail("correct", line)).diagnose(cause);
        }
        times.push(elapsed);
        peak = peak.max(stats.peak_in_flight);
        averages.push(server.witness().stats().average_in_flight);
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{PAGES}/{PAGES} pages, in order, one request each"),
    ));
    // The server serves every request on one thread: its rows are requests
    // in flight at once, not threads.
    report.timeline =
        Some(server.witness().slots("request").captioned(
            "your last round as the server saw it, one row per request in flight at once",
        ));

    let average = measured::grade::median(&mut averages);
    let concurrent =
        format!("{peak} requests in flight at most, {average:.1} on average (need {WORKERS})");
    report = if peak == WORKERS {
        report.with(Evidence::pass("concurrent", concurrent))
    } else if peak == 1 {
        return report
            .with(Evidence::fail("concurrent", concurrent))
            .diagnose("1 request in flight at a time: are you joining each thread right after spawning it (or holding a lock while fetching)? Start every worker first, then join them.");
    } else if peak < WORKERS {
        return report
            .with(Evidence::fail("concurrent", concurrent))
            .diagnose(format!(
                "Only {peak} requests were ever in flight together: start all {WORKERS} workers before joining any, and give each of them pages."
            ));
    } else {
        return report
            .with(Evidence::fail("concurrent", concurrent))
            .diagnose(format!(
                "{peak} requests in flight at once, more than the {WORKERS} workers asked for: a thread per page? Start exactly `workers` threads and share the pages among them."
            ));
    };

    // One request, as the checker's own client sees it on this machine: the
    // server's latency plus the cost of a connection. The fastest of a few.
    let one_request = urls
        .iter()
        .take(4)
        .map(|url| {
            let started = Instant::now();
            let _ = ureq::get(url)
                .call()
                .map(|mut r| r.body_mut().read_to_string());
            started.elapsed()
        })
        .min()
        .unwrap_or(LATENCY)
        .max(LATENCY);
    let one_at_a_time = one_request * PAGES as u32;
    let ideal = io_ideal(PAGES, WORKERS, one_request);
    let fastest = times.iter().copied().min().unwrap_or_default();
    let speedup = one_at_a_time.as_secs_f64() / fastest.as_secs_f64();
    let ideal_speedup = one_at_a_time.as_secs_f64() / ideal.as_secs_f64();
    let speed = format!(
        "{speedup:.1}x faster than one at a time (ideal {ideal_speedup:.1}x): fastest of {ROUNDS} rounds {}, ideal {}",
        ms(fastest),
        ms(ideal)
    );
    report.speedup = Some(verdict::Speedup {
        measured: speedup,
        ceiling: ideal_speedup,
    });
    report = if io_fast_enough(fastest, ideal) {
        report.with(Evidence::pass("speed", speed))
    } else {
        report.with(Evidence::fail("speed", speed)).diagnose(format!(
            "The download took {} where {WORKERS} workers need about {}: does every worker get an equal share of the pages, and does anything else wait (a lock held while fetching)?",
            ms(fastest),
            ms(ideal)
        ))
    };
    report.chart = Some(time_chart(
        format!("{PAGES} pages of {} each", ms(LATENCY)),
        &[
            ("one at a time", one_at_a_time),
            ("yours", fastest),
            ("ideal", ideal),
        ],
    ));
    report
}

fn judge_pages(
    result: DownloadResult,
    expected: &[String],
    requests: usize,
) -> Result<(), (String, String)> {
    let pages = result.map_err(|e| {
        (
            format!("download_all returned an error: {e}"),
            "Pass errors on with `?`, but there should be none: the local server answers every page.".to_owned(),
        )
    })?;
    if pages.len() != expected.len() {
        return Err((
            format!("{} pages for {} URLs", pages.len(), expected.len()),
            "Return exactly one page per URL.".to_owned(),
        ));
    }
    if let Some(i) = (0..pages.len()).find(|&i| pages[i] != expected[i]) {
        return Err(match expected.iter().position(|e| *e == pages[i]) {
            Some(j) => (
                format!("position {i} holds the page of URL {j}"),
                "The pages come back in the order they finished, not the order of `urls`: remember each URL's index and put its page there.".to_owned(),
            ),
            None => (
                format!("position {i} holds {:?}, not the page of its URL", pages[i]),
                "Return each response's body, unchanged.".to_owned(),
            ),
        });
    }
    if requests != expected.len() {
        return Err((
            format!(
                "the server got {requests} requests for {} pages",
                expected.len()
            ),
            "Fetch each URL exactly once.".to_owned(),
        ));
    }
    Ok(())
}
