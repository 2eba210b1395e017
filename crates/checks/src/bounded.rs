//! 06/02 bounded: many requests, at most `limit` at once, against a server
//! that turns away anything above its limit.
//!
//! On the paused clock, every page its own latency (10 to 100 ms): zero
//! rejections, right pages in order (each carries a salt only the
//! checker's page table knows), nothing the call spawned left running,
//! exactly one request per page, exactly `limit` in flight at the peak, and
//! a virtual time equal to a sliding window of `limit` (a new request as
//! soon as one ends), to the millisecond: waves of `limit`, or a fixed
//! share of the URLs per slot, wait out slow pages while slots idle. Then
//! on real sockets against a latency server with the same limit: zero
//! rejections, right pages, one request each, the same peak, and at most
//! 1.25 times the ideal time.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use measured::fetch::{Client, VirtualServer};
use measured::grade::{io_fast_enough, io_ideal};
use measured::kernel::mix;
use measured::server::{LatencyServer, ServerConfig, ServerStats};
use references::pages::SecretPages;
use verdict::{Evidence, Report};

use crate::asynch::{alive_tasks, ask_counts, block_on_watched, raise_open_files_limit};
use crate::gather::{Leftovers, Pages, hung, judge_leftovers, virtual_timeline, wrong_pages};
use crate::harness::{ms, seed, time_chart};
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
                "Fewer requests ran at once than the server allows: start a new request as soon as one finishes, up to `limit` at a time (a semaphore with `limit` permits, or `buffer_unordered(limit)`).",
            ),
        )
    } else {
        (Evidence::pass("within the limit", line), None)
    }
}

/// The virtual time of a sliding window of `limit` over pages of
/// `latencies` in input order: each page starts as soon as a slot frees
/// (a semaphore, `buffer_unordered(limit)`, `limit` workers on one queue
/// all give this; `buffered(limit)` does not: a finished request keeps its
/// slot until every request before it has finished too).
pub(crate) fn window_time(latencies: &[Duration], limit: usize) -> Duration {
    let mut free = vec![Duration::ZERO; limit.max(1)];
    for &l in latencies {
        let slot = (0..free.len()).min_by_key(|&s| free[s]).unwrap_or(0);
        free[slot] += l;
    }
    free.into_iter().max().unwrap_or_default()
}

/// The virtual time of waves of `limit` pages in input order, each wave
/// waiting for its slowest page.
pub(crate) fn waves_time(latencies: &[Duration], limit: usize) -> Duration {
    latencies
        .chunks(limit.max(1))
        .map(|wave| wave.iter().copied().max().unwrap_or_default())
        .sum()
}

/// Judges the virtual time against the window's: equal, to the
/// millisecond. `waves` is what waves of `limit` take, for the diagnosis.
pub(crate) fn judge_window(
    virtual_time: Duration,
    window: Duration,
    waves: Duration,
) -> Result<(), &'static str> {
    if virtual_time <= window + Duration::from_millis(1) {
        Ok(())
    } else if virtual_time + Duration::from_millis(1) >= waves {
        Err(
            "The peak was right, but the slots sat idle in between: waiting for a whole group of `limit` requests before starting the next group (waves, `chunks(limit)` then `join_all`) makes every group wait for its slowest request. Start the next request as soon as any one finishes: a semaphore with `limit` permits, or `buffer_unordered(limit)`.",
        )
    } else {
        Err(
            "The peak was right, but some slots sat idle while requests were waiting: a fixed share of the URLs per slot (or per task) leaves a slot with slow pages behind while the others are done, and `buffered(limit)` keeps a finished request in its slot until every request before it has finished. Let every request take the first free slot: a semaphore with `limit` permits, or `buffer_unordered(limit)` (then put the results back in URL order).",
        )
    }
}

/// Checks a `fetch_bounded`.
pub fn check<F, Fut>(fetch_bounded: F) -> Report
where
    F: Fn(Client, Vec<String>, usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Pages>,
{
    let report = Report::new(NAME);
    let seed = seed();
    let wanted: Vec<usize> = (0..PAGES).collect();

    // 1. Virtual time, each page its own latency, 10 to 100 ms.
    let latencies: Vec<Duration> = (0..PAGES)
        .map(|i| Duration::from_millis(10 + mix(seed ^ i as u64) % 91))
        .collect();
    let window = window_time(&latencies, LIMIT_IN_FLIGHT);
    let waves = waves_time(&latencies, LIMIT_IN_FLIGHT);
    let book = Arc::new(SecretPages::new(latencies, LATENCY));
    book.next_round();
    let server = VirtualServer::serving(limited(), book.clone());
    let urls: Vec<String> = (0..PAGES).map(|i| server.page_url(i)).collect();
    let want: Vec<String> = (0..PAGES).map(|i| book.expected(i)).collect();
    let run = {
        let (server, urls, fetch) = (server.clone(), urls.clone(), fetch_bounded.clone());
        block_on_watched(LIMIT, true, move || async move {
            let threads = crate::thread_pool::os_threads::live_ids();
            server.start_clock();
            let wall = measured::clock::ThreadStopwatch::start();
            let pages = fetch(server.client(), urls, LIMIT_IN_FLIGHT).await;
            let (virtual_time, wall) = (server.now(), wall.stop());
            let at_return = (alive_tasks(), server.stats());
            // Let anything left running show itself.
            tokio::time::sleep(Duration::from_secs(2)).await;
            let threads = crate::asynch::threads_outliving(threads.as_ref());
            (pages, virtual_time, wall, (at_return, threads))
        })
    };
    let (pages, virtual_time, wall, ((tasks, at_return), threads)) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { waited, .. } => return hung(report, "on the paused clock", waited),
    };
    let stats = server.stats();
    let (limit, cause) = limit_evidence(&stats, "on the paused clock");
    if stats.rejected > 0 {
        return report.with(limit).diagnose(cause.unwrap_or_default());
    }
    if let Some(line) = wrong_pages(&pages, &want) {
        return report.with(Evidence::fail("correct", line)).diagnose(
            "Return one result per URL, in the order of the URLs, each page as the server sent it: keep each result at its URL's index. A page's text carries a salt only the server knows: it cannot be made up.",
        );
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{PAGES} of {PAGES} pages right, in order"),
    ));
    report.timeline = Some(virtual_timeline(&server));
    let left = Leftovers {
        tasks,
        in_flight: at_return.in_flight,
        after: stats.requests - at_return.requests,
        threads,
    };
    match judge_leftovers(left, "fetch_bounded") {
        Ok(line) => report.push(Evidence::pass("cleaned up", line)),
        Err((line, cause)) => {
            report.push(Evidence::fail("cleaned up", line));
            return report.diagnose(cause);
        }
    }
    let asked: Vec<usize> = server.log().iter().map(|r| r.page).collect();
    match ask_counts(&asked, &wanted).judge("on the paused clock") {
        Ok(line) => report.push(Evidence::pass("one request each", line)),
        Err((line, cause)) => {
            report.push(Evidence::fail("one request each", line));
            return report.diagnose(cause);
        }
    }
    report.push(limit);
    if let Some(cause) = cause {
        return report.diagnose(cause);
    }

    let line = format!(
        "{} of virtual time for {PAGES} requests of 10 to 100 ms, {LIMIT_IN_FLIGHT} at a time: a new request as soon as one ends takes {}, waves of {LIMIT_IN_FLIGHT} take {}",
        ms(virtual_time),
        ms(window),
        ms(waves)
    );
    if let Err(cause) = judge_window(virtual_time, window, waves) {
        report.push(Evidence::fail("concurrent", line));
        return report.diagnose(cause);
    }
    report.push(Evidence::pass("concurrent", line));
    let line = format!(
        "those virtual requests took {} of real time (at most {} allowed)",
        crate::harness::real_time_words(wall),
        ms(VIRTUAL_WALL)
    );
    if wall.own() > VIRTUAL_WALL {
        report.push(Evidence::fail("never blocks", line));
        return report.diagnose("On the paused clock waiting is free, yet your code took real time: something blocks the thread (`std::thread::sleep`, a blocking client, a `std::sync::Mutex` held across an `.await`). Use tokio's async versions.");
    }
    report.push(Evidence::pass("never blocks", line));

    // 2. Real sockets, every page the same latency.
    raise_open_files_limit();
    let ideal = io_ideal(PAGES, LIMIT_IN_FLIGHT, LATENCY);
    let book = Arc::new(SecretPages::uniform(LATENCY));
    book.next_round();
    let server = match LatencyServer::serving(limited(), book.clone()) {
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
        Watched::TimedOut { waited, .. } => return hung(report, "on real sockets", waited),
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
        return report.diagnose("Right on the virtual server, wrong on real sockets: use only the `client` you are given, and return each page as the server sent it.");
    }
    if let Err((line, cause)) = ask_counts(&server.asked(), &wanted).judge("on real sockets") {
        report.push(Evidence::fail("one request each", line));
        return report.diagnose(cause);
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

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn stats(rejected: usize, peak: usize) -> ServerStats {
        ServerStats {
            requests: 200,
            in_flight: 0,
            peak_in_flight: peak,
            rejected,
        }
    }

    #[test]
    fn the_limit_is_reached_and_never_passed() {
        assert_eq!(limit_evidence(&stats(0, LIMIT_IN_FLIGHT), "x").1, None);
        assert!(
            limit_evidence(&stats(1, LIMIT_IN_FLIGHT), "x")
                .1
                .unwrap()
                .contains("turned requests away")
        );
        assert!(
            limit_evidence(&stats(0, LIMIT_IN_FLIGHT - 1), "x")
                .1
                .unwrap()
                .contains("Fewer")
        );
    }

    #[test]
    fn a_window_beats_waves_and_fixed_shares_on_uneven_latencies() {
        for seed in 0..20u64 {
            let lat: Vec<Duration> = (0..PAGES)
                .map(|i| MS(10 + mix(seed ^ i as u64) % 91))
                .collect();
            let window = window_time(&lat, LIMIT_IN_FLIGHT);
            let waves = waves_time(&lat, LIMIT_IN_FLIGHT);
            let mut shares = vec![Duration::ZERO; LIMIT_IN_FLIGHT];
            for (i, &l) in lat.iter().enumerate() {
                shares[i % LIMIT_IN_FLIGHT] += l;
            }
            let strided = shares.into_iter().max().unwrap();
            assert!(judge_window(window, window, waves).is_ok());
            assert!(
                judge_window(waves, window, waves)
                    .unwrap_err()
                    .contains("waves")
            );
            assert!(
                strided > window + MS(1),
                "seed {seed}: {strided:?} {window:?}"
            );
            assert!(
                judge_window(strided, window, waves)
                    .unwrap_err()
                    .contains("fixed share")
            );
        }
    }

    #[test]
    fn the_window_is_judged_to_the_millisecond() {
        assert!(judge_window(MS(500), MS(500), MS(900)).is_ok());
        assert!(judge_window(MS(501), MS(500), MS(900)).is_ok());
        assert!(judge_window(MS(502), MS(500), MS(900)).is_err());
        // Equal latencies: waves take the window's time, and pass.
        let even = [MS(20); 40];
        assert_eq!(window_time(&even, 10), waves_time(&even, 10));
    }
}
