//! 08/01 crawler: fetch pages with an async client while a thread pool
//! parses the ones already fetched.
//!
//! Each round the pages' text changes (a salt only the checker's page table
//! knows) and parses cost unevenly, from page to page. The check measures,
//! in the same round, the checker's own fetch-only time (the same pages,
//! the same limit) and its own parse-only time (rayon on every core), which
//! give the round's right answers, and proves: every result right, in
//! order, in every round; the server's limit respected; one request and one
//! parse per page, none still running when `crawl` returned; the whole crawl within 1.3 times the longer of the two
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
use measured::heartbeat::{QueuedHeartbeat, Silence};
use measured::server::{LatencyServer, ServerConfig};
use measured::witness::{InFlightWitness, overlap};
use rayon::prelude::*;
use references::pages::SecretPages;
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
/// Or the crawl may take this many times the checker's own crawl at its
/// best in the same run (right shapes differ: 8 `spawn_blocking` threads
/// sharing 2 cores took up to 1.17x rayon's time here).
pub const REFERENCE_SLACK: f64 = 1.3;
/// The least share of time fetching and parsing must overlap.
pub const MIN_OVERLAP: f64 = 0.5;
/// Measured rounds of each.
pub const ROUNDS: usize = 2;
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(20);

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
    /// The checker's own overlapped crawl, just before yours.
    reference: Duration,
    results: Vec<Result<u64, FetchError>>,
    /// The right results this round (the checker's own fetch and parse).
    want: Vec<Result<u64, FetchError>>,
    /// Whether the checker's own fetch got every page right.
    own_fetch_right: bool,
    work: Work,
    /// The heartbeat's worst silence.
    gap: Silence,
    /// A plain thread's worst gap over the same window.
    control: Duration,
    /// How much parsing and fetching overlapped (see `witness::overlap`).
    overlap: f64,
    /// Requests in flight, then the parsing threads.
    timeline: verdict::Timeline,
}

/// The work one crawl did, as the server and the parser's witness saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Work {
    /// What the server was asked, against the pages.
    pub asked: crate::asynch::AskCounts,
    /// Parses that ended while `crawl` ran.
    pub parses: usize,
    /// Parses still running when `crawl` returned.
    pub parsing_at_return: usize,
    /// Requests turned away by the server's limit.
    pub rejected: usize,
}

/// Judges a round's results: `earlier` holds the results of earlier rounds,
/// to name a stale answer.
pub(crate) fn judge_results(
    round: usize,
    got: &[Result<u64, FetchError>],
    want: &[Result<u64, FetchError>],
    earlier: &[Result<u64, FetchError>],
    rejected: usize,
) -> Result<(), (String, String)> {
    if got == want {
        return Ok(());
    }
    let line = if got.len() != want.len() {
        format!(
            "round {round}: {} results for {} pages",
            got.len(),
            want.len()
        )
    } else {
        let wrong = got.iter().zip(want).filter(|(a, b)| a != b).count();
        format!("round {round}: {wrong} of {} results wrong", want.len())
    };
    let stale = got
        .iter()
        .zip(want)
        .any(|(g, w)| g != w && g.is_ok() && earlier.contains(g));
    let cause = if rejected > 0 {
        format!(
            "The server turned {rejected} requests away: keep at most `limit` requests in flight (a semaphore, as in 06/02)."
        )
    } else if stale {
        "Results came from an earlier call, not from this one's pages: the pages change from call to call (each carries a fresh salt), so results kept from before (in a `static`, say) are stale. Fetch and parse every page in every call.".to_owned()
    } else {
        "Return `parser.parse(&page)` for each URL, in the order of the URLs.".to_owned()
    };
    Err((line, cause))
}

/// Judges the work a round did: one request and one parse per page, no
/// parse still running when `crawl` returned.
pub(crate) fn judge_work(
    round: usize,
    work: &Work,
    pages: usize,
) -> Result<(), (&'static str, String, String)> {
    if work.parsing_at_return > 0 {
        return Err((
            "cleaned up",
            format!(
                "round {round}: {} parse(s) still running when `crawl` returned",
                work.parsing_at_return
            ),
            "Parsing went on after `crawl` returned: work handed to the pool and never waited for runs on for nobody. Wait for every parse you start.".to_owned(),
        ));
    }
    if let Err((line, cause)) = work.asked.judge(&format!("round {round}")) {
        return Err(("one request each", line, cause));
    }
    if work.parses != pages {
        return Err((
            "one parse each",
            format!("round {round}: {} parses for {pages} pages", work.parses),
            "Parse each page exactly once: a parse is CPU time, and parses made for show (while the pages are still being fetched, say) are work the crawl did not need.".to_owned(),
        ));
    }
    Ok(())
}

/// What the speed rule concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Speed {
    /// Within [`SLACK`] times the longer of fetching and parsing alone.
    Pass,
    /// Slower than that.
    TooSlow,
    /// The two alone took too different times for the overlap to show, or
    /// the checker's own crawl missed the bound too: the machine's doing.
    Inconclusive,
}

/// The speed rule: the crawl within [`SLACK`] x max(fetch alone, parse
/// alone), judged only when the shorter of the two is at least half the
/// longer (otherwise fetching then parsing would pass too).
pub(crate) fn judge_speed(
    crawl: Duration,
    fetch_only: Duration,
    parse_only: Duration,
    reference: Reference,
) -> Speed {
    let ideal = fetch_only.max(parse_only).as_secs_f64();
    let shorter = fetch_only.min(parse_only).as_secs_f64();
    let crawl = crawl.as_secs_f64();
    if shorter < 0.5 * ideal {
        Speed::Inconclusive
    } else if crawl <= ideal * SLACK || crawl <= reference.best.as_secs_f64() * REFERENCE_SLACK {
        Speed::Pass
    } else if reference.worst.as_secs_f64() > ideal * SLACK {
        // The checker's own crawl missed the bound too in some round: the
        // machine's pace changed between the measurements.
        Speed::Inconclusive
    } else {
        Speed::TooSlow
    }
}

/// The checker's own crawl's times over the rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reference {
    pub best: Duration,
    pub worst: Duration,
}

/// The checker's own crawl, shaped as the book teaches: at most `limit`
/// requests at once, each page parsed on rayon's pool as soon as it
/// arrives. Private to the checks.
async fn reference_crawl(
    client: Client,
    urls: &[String],
    limit: usize,
    parser: &Parser,
) -> Vec<u64> {
    let permits = tokio::sync::Semaphore::new(limit);
    join_all(urls.iter().map(|url| async {
        let page = {
            let _permit = permits.acquire().await.expect("open");
            client.get(url).await.unwrap_or_default()
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let parser = parser.clone();
        rayon::spawn(move || {
            let _ = tx.send(parser.parse(&page));
        });
        rx.await.unwrap_or_default()
    }))
    .await
}

/// Whether fetching and parsing overlapped enough.
pub(crate) fn overlapped(overlap: f64) -> bool {
    overlap >= MIN_OVERLAP
}

/// Checks a `crawl`.
pub fn check<F, Fut>(crawl: F) -> Report
where
    F: CrawlFn<Fut>,
    Fut: Future<Output = Vec<Result<u64, FetchError>>>,
{
    let report = Report::new(NAME);
    let book = Arc::new(SecretPages::uniform(LATENCY));
    let server = match LatencyServer::serving(
        ServerConfig {
            latency: LATENCY,
            max_in_flight: Some(LIMIT_IN_FLIGHT),
        },
        book.clone(),
    ) {
        Ok(server) => Arc::new(server),
        Err(e) => {
            return report.with(Evidence::inconclusive(
                "correct",
                format!("could not start the latency server: {e}"),
            ));
        }
    };
    let urls: Vec<String> = (0..PAGES).map(|i| server.page_url(i)).collect();
    let wanted: Vec<usize> = (0..PAGES).collect();
    let parses = InFlightWitness::new();
    let parser = Parser::watched(PARSE_CPU, parses.clone());

    let run = {
        let (urls, parser, server, book) = (
            urls.clone(),
            parser.clone(),
            Arc::clone(&server),
            Arc::clone(&book),
        );
        block_on_watched(LIMIT, false, move || async move {
            let mut rounds = Vec::new();
            for _ in 0..ROUNDS {
                // New pages, then the checker's own fetch alone and its own
                // parse alone: they give this round's right answers.
                book.next_round();
                let client = Client::http();
                let permits = tokio::sync::Semaphore::new(LIMIT_IN_FLIGHT);
                let t = Instant::now();
                let pages: Vec<String> = join_all(urls.iter().map(|u| async {
                    let _permit = permits.acquire().await.expect("open");
                    client.get(u).await.unwrap_or_default()
                }))
                .await;
                let fetch_only = t.elapsed();
                let own_fetch_right = pages
                    .iter()
                    .enumerate()
                    .all(|(i, page)| *page == book.expected(i));
                let t = Instant::now();
                // (It blocks this thread: nothing else runs on it now.)
                let want: Vec<Result<u64, FetchError>> = pages
                    .par_iter()
                    .map(|page| Ok(parser.parse(page)))
                    .collect();
                let parse_only = t.elapsed();
                // The checker's own crawl, the book's shape: its time says
                // what this machine allows an overlapped crawl right now.
                let t = Instant::now();
                let _ = reference_crawl(Client::http(), &urls, LIMIT_IN_FLIGHT, &parser).await;
                let reference = t.elapsed();

                // Then yours, beside a heartbeat.
                let heartbeat = QueuedHeartbeat::new();
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
                server.reset();
                parses.reset();
                let control = crate::asynch::ControlBeat::start();
                let t = Instant::now();
                let results = crawl(
                    Client::http(),
                    urls.clone(),
                    LIMIT_IN_FLIGHT,
                    parser.clone(),
                )
                .await;
                let done = Instant::now();
                let control = control.stop(t, done);
                let parsing_at_return = parses.in_flight();
                stop.store(true, Ordering::Relaxed);
                let _ = ticking.await;
                let work = Work {
                    asked: crate::asynch::ask_counts(&server.asked(), &wanted),
                    parses: parses.stats().items,
                    parsing_at_return,
                    rejected: server.stats().rejected,
                };
                rounds.push(Round {
                    fetch_only,
                    parse_only,
                    reference,
                    crawl: done - t,
                    results,
                    want,
                    own_fetch_right,
                    work,
                    gap: heartbeat.silence(t, done),
                    control,
                    overlap: overlap(&server.witness().spans(), &parses.spans()),
                    timeline: crawl_timeline(&server, &parses, t),
                });
            }
            rounds
        })
    };
    let rounds = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { waited, .. } => {
            return report
                .with(Evidence::fail(
                    "correct",
                    format!("`crawl` had not returned after {}", crate::processes::secs(waited)),
                ))
                .diagnose("Your `crawl` never finished. Is a task awaiting a result nobody sends (a `oneshot` sender dropped without sending, a parse that never ran), or a permit never given back?");
        }
    };
    if rounds.iter().any(|r| !r.own_fetch_right) {
        return report.with(Evidence::inconclusive(
            "correct",
            "the checker's own fetch did not get every page right: the latency server is in trouble on this machine",
        ));
    }
    let mut earlier: Vec<Result<u64, FetchError>> = Vec::new();
    for (i, round) in rounds.iter().enumerate() {
        if let Err((line, cause)) = judge_results(
            i + 1,
            &round.results,
            &round.want,
            &earlier,
            round.work.rejected,
        ) {
            return report.with(Evidence::fail("correct", line)).diagnose(cause);
        }
        earlier.extend(round.want.iter().cloned());
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{PAGES} of {PAGES} pages fetched and parsed right, in order, in each of {ROUNDS} rounds; the server never turned one away"),
    ));
    for (i, round) in rounds.iter().enumerate() {
        if let Err((name, line, cause)) = judge_work(i + 1, &round.work, PAGES) {
            return report.with(Evidence::fail(name, line)).diagnose(cause);
        }
    }
    report.push(Evidence::pass(
        "one request each",
        format!("one request and one parse per page in each of {ROUNDS} rounds, none still running when `crawl` returned"),
    ));

    report.timeline = rounds.last().map(|r| r.timeline.clone());

    let best = |f: fn(&Round) -> Duration| rounds.iter().map(f).min().unwrap_or_default();
    let (fetch_only, parse_only, crawl) = (
        best(|r| r.fetch_only),
        best(|r| r.parse_only),
        best(|r| r.crawl),
    );
    // The checker's own crawl at its best (yours may be a little slower),
    // and at its slowest: if even that missed the bound, the machine's pace
    // changed during the check.
    let reference = Reference {
        best: best(|r| r.reference),
        worst: rounds.iter().map(|r| r.reference).max().unwrap_or_default(),
    };
    // Blocked only when every round was: a crawl that parses on the
    // runtime's thread blocks it every time. One round silent beyond what
    // the machine explains while another stayed responsive is a stall of
    // the machine's that no thread saw (the host taking the core away):
    // not judged. The round shown is the worst.
    use crate::dont_block::Lag;
    let lag = |r: &Round| crate::dont_block::judge_lag(r.gap, r.control);
    let worst = |wanted: &dyn Fn(Lag) -> bool| {
        rounds
            .iter()
            .filter(|r| wanted(lag(r)))
            .max_by_key(|r| (r.gap.own(), r.gap.wall))
    };
    let all_blocked = !rounds.is_empty() && rounds.iter().all(|r| lag(r) == Lag::Blocked);
    let silent = worst(&|l| l != Lag::Responsive);
    let verdict = if all_blocked {
        Lag::Blocked
    } else if silent.is_some() {
        Lag::MachineBusy
    } else {
        Lag::Responsive
    };
    let responsive_round = worst(&|l| l == Lag::Responsive);
    let (gap, control) = silent
        .or(responsive_round)
        .map_or((Silence::default(), Duration::ZERO), |r| (r.gap, r.control));
    let ideal = fetch_only.max(parse_only);
    report.chart = Some(time_chart(
        format!(
            "{PAGES} pages: {} latency, {LIMIT_IN_FLIGHT} at a time; {} of parsing each on average",
            ms(LATENCY),
            ms(PARSE_CPU)
        ),
        &[
            ("fetching alone", fetch_only),
            ("parsing alone, all cores", parse_only),
            ("one after the other", fetch_only + parse_only),
            ("the checker's own crawl", reference.best),
            ("yours", crawl),
        ],
    ));

    let line = format!(
        "the heartbeat's longest silence was {} while you crawled (at most {}; a plain thread's was {} meanwhile)",
        crate::harness::real_time_words(gap),
        ms(MAX_GAP),
        ms(control)
    );
    match verdict {
        Lag::Blocked => {
            report.push(Evidence::fail("responsive", line));
            return report.diagnose("The runtime's thread was blocked: parsing is CPU work and ran on it. Hand each page to a thread pool (`rayon::spawn` with a `tokio::sync::oneshot` channel back, or `tokio::task::spawn_blocking`) and await the result.");
        }
        Lag::MachineBusy => {
            let why = match responsive_round {
                Some(r) => format!(
                    "in another round it was never silent longer than {}, and a crawl that blocks the runtime blocks it every round: the machine stalled this one",
                    ms(r.gap.own())
                ),
                None => "the machine kept a plain thread waiting nearly as long, so this silence cannot be blamed on your code right now".to_owned(),
            };
            report.push(Evidence::inconclusive(
                "responsive",
                format!("{line}: {why}"),
            ));
        }
        Lag::Responsive => report.push(Evidence::pass("responsive", line)),
    }

    // Structure: did parsing happen while requests were in flight? The
    // witnesses see it whatever the machine's load.
    let together = rounds.iter().map(|r| r.overlap).fold(0.0, f64::max);
    let line = format!(
        "parsing and fetching overlapped {:.0}% of the time (at least {:.0}%)",
        together * 100.0,
        MIN_OVERLAP * 100.0
    );
    if !overlapped(together) {
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
    match judge_speed(crawl, fetch_only, parse_only, reference) {
        Speed::Inconclusive => {
            report.push(Evidence::inconclusive(
                "speed",
                format!("{line}; the checker's own crawl took up to {} in the same rounds: this machine's pace changed too much between the measurements to tell (it is probably busy); graded on the overlap instead", ms(reference.worst)),
            ));
            report
        }
        Speed::TooSlow => {
            report.push(Evidence::fail(
                "speed",
                format!(
                    "{line}; nor within {REFERENCE_SLACK} x the checker's own crawl, {}",
                    ms(reference.best)
                ),
            ));
            report.diagnose("Fetching and parsing overlapped only partly: start each page's parsing as soon as that page arrives, and keep `limit` requests in flight all the time.")
        }
        Speed::Pass => {
            report.push(Evidence::pass("speed", line));
            report
        }
    }
}

/// One crawl as rows: the requests in flight as the server saw them, then
/// the threads that parsed, from `started`.
fn crawl_timeline(
    server: &LatencyServer,
    parses: &InFlightWitness,
    started: Instant,
) -> verdict::Timeline {
    let mut timeline = server.witness().slots_since(started, "fetch").captioned(
        "your last crawl: a row per request in flight at once, then a row per thread that parsed",
    );
    let mut parsing = parses.timeline_since(started);
    for lane in &mut parsing.lanes {
        *lane = format!("parse on {lane}");
    }
    timeline.append(parsing);
    timeline
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn refs(ms: u64) -> Reference {
        Reference {
            best: MS(ms),
            worst: MS(ms),
        }
    }

    #[test]
    fn within_a_little_of_the_checkers_own_crawl_passes() {
        // Bound 1.3 x 262 = 340 ms; the checker's own took 307 ms: 360 ms
        // is within 1.3 x of it (399 ms).
        assert_eq!(
            judge_speed(MS(360), MS(259), MS(262), refs(307)),
            Speed::Pass
        );
        // Nearly all the parsing after the fetching: 420 ms is not.
        assert_eq!(
            judge_speed(MS(420), MS(259), MS(262), refs(300)),
            Speed::TooSlow
        );
    }

    #[test]
    fn the_crawl_may_take_up_to_the_slack_and_no_more() {
        // 1.3 x 200 ms = 260 ms.
        assert_eq!(
            judge_speed(MS(259), MS(200), MS(150), refs(195)),
            Speed::Pass
        );
        assert_eq!(
            judge_speed(MS(260), MS(200), MS(150), refs(195)),
            Speed::Pass
        );
        assert_eq!(
            judge_speed(MS(261), MS(200), MS(150), refs(195)),
            Speed::TooSlow
        );
        // One after the other: 350 ms.
        assert_eq!(
            judge_speed(MS(350), MS(200), MS(150), refs(195)),
            Speed::TooSlow
        );
        // The shorter at half the longer is judged; below half it is not.
        assert_eq!(
            judge_speed(MS(250), MS(200), MS(100), refs(195)),
            Speed::Pass
        );
        assert_eq!(
            judge_speed(MS(250), MS(200), MS(99), refs(195)),
            Speed::Inconclusive
        );
    }

    #[test]
    fn a_slow_crawl_is_not_judged_when_the_checkers_own_was_slow_too() {
        // The bound is 260 ms; the checker's own crawl took 220 ms once
        // and 270 ms once.
        let uneven = Reference {
            best: MS(220),
            worst: MS(270),
        };
        assert_eq!(
            judge_speed(MS(300), MS(200), MS(150), uneven),
            Speed::Inconclusive
        );
        // It kept within the bound: 300 ms is yours.
        assert_eq!(
            judge_speed(MS(300), MS(200), MS(150), refs(220)),
            Speed::TooSlow
        );
        // Within the bound passes whatever the checker's own did.
        assert_eq!(
            judge_speed(MS(250), MS(200), MS(150), refs(400)),
            Speed::Pass
        );
    }

    #[test]
    fn the_overlap_needs_half() {
        assert!(overlapped(MIN_OVERLAP));
        assert!(overlapped(0.51));
        assert!(!overlapped(0.49));
    }

    fn work(asked: &[usize], parses: usize, parsing_at_return: usize) -> Work {
        Work {
            asked: crate::asynch::ask_counts(asked, &[0, 1, 2]),
            parses,
            parsing_at_return,
            rejected: 0,
        }
    }

    #[test]
    fn each_page_is_fetched_and_parsed_once() {
        assert!(judge_work(1, &work(&[0, 1, 2], 3, 0), 3).is_ok());
        assert_eq!(
            judge_work(1, &work(&[0, 1, 2, 0, 1, 2], 3, 0), 3)
                .unwrap_err()
                .0,
            "one request each"
        );
        assert_eq!(
            judge_work(1, &work(&[0, 1, 2], 9, 0), 3).unwrap_err().0,
            "one parse each"
        );
        assert_eq!(
            judge_work(1, &work(&[0, 1, 2], 3, 1), 3).unwrap_err().0,
            "cleaned up"
        );
    }

    #[test]
    fn stale_results_are_named() {
        let want = vec![Ok(1), Ok(2)];
        let earlier = vec![Ok(7), Ok(8)];
        assert!(judge_results(2, &want, &want, &earlier, 0).is_ok());
        let stale = judge_results(2, &[Ok(7), Ok(8)], &want, &earlier, 0).unwrap_err();
        assert!(stale.0.starts_with("round 2: 2 of 2"));
        assert!(stale.1.contains("earlier call"));
        let wrong = judge_results(1, &[Ok(2), Ok(1)], &want, &earlier, 0).unwrap_err();
        assert!(wrong.1.contains("in the order"));
        let rejected =
            judge_results(1, &[Ok(1), Err(FetchError::Rejected)], &want, &[], 3).unwrap_err();
        assert!(rejected.1.contains("turned 3"));
    }
}
