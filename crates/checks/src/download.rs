//! 03/01 download: the pages come back right and in input order in every
//! round, the server sees exactly one request per page and exactly
//! `workers` requests in flight at its peak, no thread outlives the call,
//! and the whole download takes at most 1.25x the ideal time.
//!
//! Each round the pages' text changes (a secret salt only the checker's
//! page table knows), so no round can be answered from an earlier one or
//! made up. The pages take uneven times, two slow ones in every group of
//! `workers` in input order: any fair split of the list among `workers`
//! threads (every `workers`-th URL, contiguous blocks, a shared queue)
//! meets the ideal, while waves of `workers` pages, each wave joined
//! before the next starts, wait out the slowest page of every wave.

use std::sync::Arc;
use std::time::{Duration, Instant};

use measured::grade::{IO_SLACK, median};
use measured::server::{LatencyServer, ServerConfig};
use references::pages::SecretPages;
use verdict::{Evidence, Report};

use crate::asynch::{live_threads, threads_left};
use crate::harness::{ms, seed, time_chart};

/// The exercise's short name.
pub const NAME: &str = "download";
/// Pages to fetch.
pub const PAGES: usize = 32;
/// Threads to use.
pub const WORKERS: usize = 8;
/// A fast page's latency.
pub const FAST: Duration = Duration::from_millis(10);
/// A slow page's latency: two in every group of [`WORKERS`] pages.
pub const SLOW: Duration = Duration::from_millis(50);
/// Measured rounds, every one checked; the fastest counts for speed.
pub const ROUNDS: usize = 3;

/// The signature under test.
pub type DownloadResult = Result<Vec<String>, ureq::Error>;

/// Checks a `download_all` and writes the report.
pub fn main(download_all: impl Fn(&[String], usize) -> DownloadResult) {
    crate::main(NAME, || check(download_all));
}

/// Each input position's latency: in every group of `workers` positions,
/// one slow page in the first half and one in the second, and over the
/// whole list the slow pages sit at distinct offsets within their groups,
/// so every worker of a strided split and every block of a contiguous one
/// gets exactly one. `seed` picks the offsets.
pub(crate) fn latencies(pages: usize, workers: usize, seed: u64) -> Vec<Duration> {
    let groups = pages / workers;
    let half = workers / 2;
    let mut lat = vec![FAST; pages];
    // Offsets in the second half: a seeded permutation.
    let mut high: Vec<usize> = (half..workers).collect();
    let mut s = seed;
    for i in (1..high.len()).rev() {
        s = measured::kernel::mix(s);
        high.swap(i, (s % (i as u64 + 1)) as usize);
    }
    for g in 0..groups {
        lat[g * workers + g % half] = SLOW;
        lat[g * workers + high[g % high.len()]] = SLOW;
    }
    lat
}

/// The time `workers` threads take over pages of `latencies` when each
/// thread takes the next URL as soon as it is free (a shared queue), each
/// request costing `overhead` on top. On these latencies a strided or a
/// contiguous split does better still (every thread gets one slow page),
/// so this is the slowest fair split: the reference speed is judged by.
pub(crate) fn ideal_time(latencies: &[Duration], workers: usize, overhead: Duration) -> Duration {
    let mut free = vec![Duration::ZERO; workers.max(1)];
    for &l in latencies {
        let w = (0..free.len()).min_by_key(|&w| free[w]).unwrap_or(0);
        free[w] += l + overhead;
    }
    free.into_iter().max().unwrap_or_default()
}

/// The least time any split of pages of `latencies` over `workers`
/// threads can take: no thread finishes before its fair share of the
/// total, nor before the slowest page.
pub(crate) fn lower_bound(latencies: &[Duration], workers: usize, overhead: Duration) -> Duration {
    let total: Duration = latencies.iter().map(|&l| l + overhead).sum();
    let longest = latencies.iter().copied().max().unwrap_or_default() + overhead;
    (total / workers.max(1) as u32).max(longest)
}

/// The time of waves of `workers` pages in input order, each wave waiting
/// for its slowest page.
pub(crate) fn waves_time(latencies: &[Duration], workers: usize, overhead: Duration) -> Duration {
    latencies
        .chunks(workers.max(1))
        .map(|wave| wave.iter().copied().max().unwrap_or_default() + overhead)
        .sum()
}

/// What one round showed.
#[derive(Debug, Clone)]
pub(crate) struct Round {
    /// What `download_all` returned (its error as text).
    pub pages: Result<Vec<String>, String>,
    /// The pages as they were this round, in input order.
    pub expected: Vec<String>,
    /// The pages as they were in earlier rounds.
    pub earlier: Vec<String>,
    /// The page numbers the server was asked for, and the ones needed.
    pub asked: crate::asynch::AskCounts,
    /// The most requests in flight at once.
    pub peak: usize,
    /// How long the call took.
    pub elapsed: Duration,
    /// Threads started during the call still alive after it (`None`: not
    /// known on this platform).
    pub threads_left: Option<usize>,
}

/// A failed piece of evidence: its name, line and cause.
type Failed = (&'static str, String, String);

/// Judges a round's answer: right pages, in order, one request each, and no
/// thread left behind.
pub(crate) fn judge_round(index: usize, round: &Round) -> Result<(), Failed> {
    let fail = |name, line: String, cause: &str| Err((name, line, cause.to_owned()));
    let pages = match &round.pages {
        Ok(pages) => pages,
        Err(e) => {
            return fail(
                "correct",
                format!("round {}: download_all returned an error: {e}", index + 1),
                "Pass errors on with `?`, but there should be none: the local server answers every page.",
            );
        }
    };
    let expected = &round.expected;
    if pages.len() != expected.len() {
        return fail(
            "correct",
            format!(
                "round {}: {} pages for {} URLs",
                index + 1,
                pages.len(),
                expected.len()
            ),
            "Return exactly one page per URL.",
        );
    }
    if let Some(i) = (0..pages.len()).find(|&i| pages[i] != expected[i]) {
        let line = |what: String| format!("round {}: position {i} holds {what}", index + 1);
        return if let Some(j) = expected.iter().position(|e| *e == pages[i]) {
            fail(
                "correct",
                line(format!("the page of URL {j}")),
                "The pages come back in the order they finished, not the order of `urls`: remember each URL's index and put its page there.",
            )
        } else if round.earlier.contains(&pages[i]) {
            fail(
                "correct",
                line("a page as it was in an earlier round, not as it is now".into()),
                "A page came from an earlier call, not from the server now: the pages change from call to call (each carries a fresh salt), so keeping them (in a `static`, say) gives stale answers. Fetch every URL in every call.",
            )
        } else {
            fail(
                "correct",
                line(format!("{:?}, not the page of its URL", pages[i])),
                "Return each response's body, unchanged, as the server sent it: a page's text carries a salt only the server knows, so it cannot be made up.",
            )
        };
    }
    round
        .asked
        .judge(&format!("round {}", index + 1))
        .map_err(|(line, cause)| ("one request each", line, cause))?;
    if let Some(left) = round.threads_left.filter(|&n| n > 0) {
        return fail(
            "cleaned up",
            format!(
                "round {}: {left} thread(s) started by download_all were still running after it returned",
                index + 1
            ),
            "Threads outlived the call: join every thread you start before returning (`std::thread::scope` does it for you). A pool kept in a `static` between calls, or a detached thread still at work, is left running in the caller's process.",
        );
    }
    Ok(())
}

/// Judges the peak number of requests in flight against `workers`.
pub(crate) fn judge_peak(peak: usize, average: f64, workers: usize) -> Result<String, Failed> {
    let line =
        format!("{peak} requests in flight at most, {average:.1} on average (need {workers})");
    if peak == workers {
        return Ok(line);
    }
    let cause = if peak <= 1 {
        "1 request in flight at a time: are you joining each thread right after spawning it (or holding a lock while fetching)? Start every worker first, then join them.".to_owned()
    } else if peak < workers {
        format!(
            "Only {peak} requests were ever in flight together: start all {workers} workers before joining any, and give each of them pages."
        )
    } else {
        format!(
            "{peak} requests in flight at once, more than the {workers} workers asked for: a thread per page? Start exactly `workers` threads and share the pages among them."
        )
    };
    Err(("concurrent", line, cause))
}

/// Judges the fastest round against the ideal: at most [`IO_SLACK`] times
/// it. `waves` is what waves of `workers` would take, for the diagnosis.
pub(crate) fn judge_speed(
    fastest: Duration,
    ideal: Duration,
    waves: Duration,
) -> Result<(), String> {
    if fastest.as_secs_f64() <= ideal.as_secs_f64() * IO_SLACK {
        return Ok(());
    }
    // Nearer the time of waves than the ideal: the likely shape.
    let (f, i, w) = (
        fastest.as_secs_f64(),
        ideal.as_secs_f64(),
        waves.as_secs_f64(),
    );
    Err(if w > i && (f - w).abs() < (f - i).abs() {
        format!(
            "The download took {} where {WORKERS} workers need about {}, and waves of {WORKERS} pages, each waited for before the next starts, take {}: are you starting {WORKERS} threads, joining them all, then starting the next {WORKERS}? Every wave waits for its slowest page while the other threads idle. Give each thread its share of the whole list (every `workers`-th URL, or a shared queue) so that it goes on at once.",
            ms(fastest),
            ms(ideal),
            ms(waves)
        )
    } else {
        format!(
            "The download took {} where {WORKERS} workers need about {}: does every worker get an equal share of the pages, and does anything else wait (a lock held while fetching)?",
            ms(fastest),
            ms(ideal)
        )
    })
}

/// Checks a `download_all`.
pub fn check(download_all: impl Fn(&[String], usize) -> DownloadResult) -> Report {
    let report = Report::new(NAME);
    let seed = seed();
    // Page numbers in a shuffled order, so the input order is not the
    // numeric one and must be kept on purpose.
    let mut ids: Vec<usize> = (0..PAGES).map(|i| i * 7 + 1).collect();
    let mut s = seed;
    for i in (1..ids.len()).rev() {
        s = measured::kernel::mix(s);
        ids.swap(i, (s % (i as u64 + 1)) as usize);
    }
    let by_position = latencies(PAGES, WORKERS, seed);
    let mut by_page = vec![FAST; ids.iter().max().copied().unwrap_or(0) + 1];
    for (&id, &l) in ids.iter().zip(&by_position) {
        by_page[id] = l;
    }
    let pages = Arc::new(SecretPages::new(by_page, FAST));
    let server = match LatencyServer::serving(ServerConfig::with_latency(FAST), pages.clone()) {
        Ok(server) => server,
        Err(e) => {
            return report.with(Evidence::inconclusive(
                "correct",
                format!("could not start the latency server: {e}"),
            ));
        }
    };
    let urls: Vec<String> = ids.iter().map(|&id| server.page_url(id)).collect();

    let mut times = Vec::new();
    let mut peak = 0;
    let mut averages = Vec::new();
    let mut earlier: Vec<String> = Vec::new();
    for index in 0..ROUNDS {
        pages.next_round();
        let expected: Vec<String> = ids.iter().map(|&id| pages.expected(id)).collect();
        let before = live_threads();
        server.reset();
        let started = Instant::now();
        let result = download_all(&urls, WORKERS);
        let elapsed = started.elapsed();
        let stats = server.stats();
        let round = Round {
            pages: result.map_err(|e| e.to_string()),
            earlier: earlier.clone(),
            asked: crate::asynch::ask_counts(&server.asked(), &ids),
            peak: stats.peak_in_flight,
            elapsed,
            threads_left: threads_left(&before),
            expected,
        };
        if let Err((name, line, cause)) = judge_round(index, &round) {
            let report = if name == "correct" {
                report
            } else {
                report.with(Evidence::pass(
                    "correct",
                    format!("{PAGES}/{PAGES} pages, in order"),
                ))
            };
            return report.with(Evidence::fail(name, line)).diagnose(cause);
        }
        earlier.extend(round.expected);
        times.push(round.elapsed);
        peak = peak.max(round.peak);
        averages.push(server.witness().stats().average_in_flight);
    }
    let mut report = report
        .with(Evidence::pass(
            "correct",
            format!("{PAGES}/{PAGES} pages, in order, in each of {ROUNDS} rounds"),
        ))
        .with(Evidence::pass(
            "one request each",
            format!("the server got exactly one request per page in each of {ROUNDS} rounds"),
        ))
        .with(Evidence::pass(
            "cleaned up",
            "no thread started by download_all outlived it",
        ));
    // The server serves every request on one thread: its rows are requests
    // in flight at once, not threads.
    report.timeline =
        Some(server.witness().slots("request").captioned(
            "your last round as the server saw it, one row per request in flight at once",
        ));

    let average = median(&mut averages);
    match judge_peak(peak, average, WORKERS) {
        Ok(line) => report.push(Evidence::pass("concurrent", line)),
        Err((name, line, cause)) => {
            return report.with(Evidence::fail(name, line)).diagnose(cause);
        }
    }

    // What a request costs on top of its latency, as the checker's own
    // client sees it on this machine: the fastest of a few.
    let one_request = (0..4)
        .map(|_| {
            let started = Instant::now();
            let _ = ureq::get(&server.page_url(0))
                .call()
                .map(|mut r| r.body_mut().read_to_string());
            started.elapsed()
        })
        .min()
        .unwrap_or(FAST);
    let overhead = one_request.saturating_sub(FAST);
    let one_at_a_time: Duration = by_position.iter().map(|&l| l + overhead).sum();
    // The best any split can do, and what the slowest fair one (a shared
    // queue) does: speed is judged against the latter.
    let best = lower_bound(&by_position, WORKERS, overhead);
    let ideal = ideal_time(&by_position, WORKERS, overhead);
    let waves = waves_time(&by_position, WORKERS, overhead);
    let fastest = times.iter().copied().min().unwrap_or_default();
    let speedup = one_at_a_time.as_secs_f64() / fastest.as_secs_f64().max(1e-9);
    let ideal_speedup = one_at_a_time.as_secs_f64() / best.as_secs_f64();
    let speed = format!(
        "{speedup:.1}x faster than one at a time (ideal {ideal_speedup:.1}x): fastest of {ROUNDS} rounds {}; a fair split of the pages over {WORKERS} threads takes {} to {} (at most {IO_SLACK}x the slower allowed), waves of {WORKERS} {}",
        ms(fastest),
        ms(best),
        ms(ideal),
        ms(waves)
    );
    report.speedup = Some(verdict::Speedup {
        measured: speedup,
        ceiling: ideal_speedup,
    });
    report.chart = Some(time_chart(
        format!("{PAGES} pages of {} or {} each", ms(FAST), ms(SLOW)),
        &[
            ("one at a time", one_at_a_time),
            ("in waves of workers", waves),
            ("yours", fastest),
            ("ideal", best),
        ],
    ));
    match judge_speed(fastest, ideal, waves) {
        Ok(()) => report.with(Evidence::pass("speed", speed)),
        Err(cause) => report.with(Evidence::fail("speed", speed)).diagnose(cause),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    /// The time of `workers` threads each taking a fixed share.
    fn split(lat: &[Duration], shares: impl Fn(usize) -> usize, workers: usize) -> Duration {
        let mut sums = vec![Duration::ZERO; workers];
        for (i, &l) in lat.iter().enumerate() {
            sums[shares(i)] += l;
        }
        sums.into_iter().max().unwrap()
    }

    #[test]
    fn fair_splits_meet_the_ideal_and_waves_do_not() {
        for seed in 0..50 {
            let lat = latencies(PAGES, WORKERS, seed);
            assert_eq!(
                lat.iter().filter(|&&l| l == SLOW).count(),
                2 * PAGES / WORKERS
            );
            let ideal = ideal_time(&lat, WORKERS, Duration::ZERO);
            assert!(ideal <= MS(110), "seed {seed}: {ideal:?}");
            let strided = split(&lat, |i| i % WORKERS, WORKERS);
            let blocks = split(&lat, |i| i / (PAGES / WORKERS), WORKERS);
            assert_eq!(strided, SLOW + FAST * 3, "seed {seed}");
            assert_eq!(lower_bound(&lat, WORKERS, Duration::ZERO), strided);
            assert_eq!(blocks, SLOW + FAST * 3, "seed {seed}");
            assert!(judge_speed(strided, ideal, ideal).is_ok());
            assert!(judge_speed(ideal, ideal, ideal).is_ok());
            let waves = waves_time(&lat, WORKERS, Duration::ZERO);
            assert_eq!(waves, SLOW * 4);
            assert!(
                judge_speed(waves, ideal, waves)
                    .unwrap_err()
                    .contains("waves")
            );
        }
    }

    #[test]
    fn speed_passes_up_to_the_slack_and_not_beyond() {
        let ideal = MS(100);
        assert!(judge_speed(MS(100), ideal, MS(200)).is_ok());
        assert!(judge_speed(MS(125), ideal, MS(200)).is_ok());
        let slow = judge_speed(MS(126), ideal, MS(200)).unwrap_err();
        assert!(slow.contains("equal share"), "{slow}");
        assert!(
            judge_speed(MS(190), ideal, MS(200))
                .unwrap_err()
                .contains("waves")
        );
        // The overhead counts for each request a worker makes.
        assert_eq!(ideal_time(&[MS(10); 16], 8, MS(1)), MS(22));
    }

    #[test]
    fn the_peak_must_be_exactly_the_workers() {
        assert!(judge_peak(8, 7.5, 8).is_ok());
        assert!(
            judge_peak(1, 1.0, 8)
                .unwrap_err()
                .2
                .contains("joining each thread")
        );
        assert!(judge_peak(7, 6.0, 8).unwrap_err().2.contains("Only 7"));
        assert!(
            judge_peak(9, 8.5, 8)
                .unwrap_err()
                .2
                .contains("a thread per page")
        );
    }

    fn round(pages: Vec<&str>) -> Round {
        Round {
            pages: Ok(pages.into_iter().map(str::to_owned).collect()),
            expected: vec!["a".into(), "b".into()],
            earlier: vec!["old a".into(), "old b".into()],
            asked: crate::asynch::ask_counts(&[1, 2], &[1, 2]),
            peak: 2,
            elapsed: MS(10),
            threads_left: Some(0),
        }
    }

    #[test]
    fn every_round_is_judged_on_its_own_pages() {
        assert!(judge_round(0, &round(vec!["a", "b"])).is_ok());
        let swapped = judge_round(0, &round(vec!["b", "a"])).unwrap_err();
        assert!(swapped.2.contains("the order they finished"));
        let stale = judge_round(2, &round(vec!["a", "old b"])).unwrap_err();
        assert_eq!(stale.0, "correct");
        assert!(stale.1.starts_with("round 3"));
        assert!(stale.2.contains("earlier call"));
        let made_up = judge_round(1, &round(vec!["a", "page 2 from server 1"])).unwrap_err();
        assert!(made_up.2.contains("cannot be made up"));
        let mut twice = round(vec!["a", "b"]);
        twice.asked = crate::asynch::ask_counts(&[1, 2, 2], &[1, 2]);
        assert_eq!(judge_round(0, &twice).unwrap_err().0, "one request each");
        let mut left = round(vec!["a", "b"]);
        left.threads_left = Some(8);
        assert_eq!(judge_round(0, &left).unwrap_err().0, "cleaned up");
        left.threads_left = None;
        assert!(judge_round(0, &left).is_ok());
    }
}
