//! 06/04 deadlines: every request has its own timeout, and the whole batch
//! an overall deadline after which whatever still runs is cancelled.
//!
//! On the paused clock, with latencies (the server's, not in the URL) and
//! timeouts chosen so that no two events tie, some a millisecond either
//! side of a threshold: each outcome (page, timed out, cancelled) is the
//! expected one, pages as the server sent them; no task the call spawned
//! and no request outlived it, and each job made exactly one request; the
//! virtual server saw each request end exactly when it should, at its
//! answer, its timeout or the deadline, so the work really stopped; the
//! function returned exactly when the last outcome was known; and the real
//! time stayed small.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use measured::fetch::{Client, Outcome, VirtualServer};
use measured::kernel::mix;
use measured::server::ServerConfig;
use references::pages::SecretPages;
use verdict::{Evidence, Report};

use crate::asynch::{alive_tasks, ask_counts, block_on_watched};
use crate::gather::hung;
use crate::gather::{Leftovers, judge_leftovers};
use crate::harness::{ms, seed};
use crate::processes::Watched;

/// The exercise's short name.
pub const NAME: &str = "deadlines";
/// How many jobs.
pub const JOBS: usize = 30;
/// The overall deadline: it ends in 2 ms, so it never ties with a latency
/// (a multiple of 10 ms) or a timeout (a multiple of 10 ms, plus 5).
pub const DEADLINE: Duration = Duration::from_millis(252);
/// The most real time the run may take.
pub const WALL: Duration = Duration::from_millis(300);
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(4);

/// Checks a `fetch_with_deadlines` and writes the report.
pub fn main<F, Fut>(fetch: F)
where
    F: Fn(Client, Vec<(String, Duration)>, Duration) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Vec<Outcome>>,
{
    crate::main(NAME, || check(fetch));
}

/// What should become of a request of `latency` with `timeout` under
/// `deadline`: the outcome's kind and when it is known. Whichever comes
/// first decides. At a tie (two of them at the same instant) either
/// outcome is right, and this gives the earlier in the order page, timed
/// out, cancelled; the check's plans have no ties (see [`acceptable`]).
pub(crate) fn expected(
    latency: Duration,
    timeout: Duration,
    deadline: Duration,
) -> (&'static str, Duration) {
    let end = latency.min(timeout);
    if end > deadline {
        ("cancelled", deadline)
    } else if latency <= timeout {
        ("page", latency)
    } else {
        ("timed out", timeout)
    }
}

/// Whether `kind` is a right outcome for a job: the expected one, or, at a
/// tie, any of the tied ones.
pub(crate) fn acceptable(
    kind: &str,
    latency: Duration,
    timeout: Duration,
    deadline: Duration,
) -> bool {
    let first = latency.min(timeout).min(deadline);
    (latency == first && kind == "page")
        || (timeout == first && kind == "timed out")
        || (deadline == first && kind == "cancelled")
}

fn kind(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Page(_) => "page",
        Outcome::TimedOut => "timed out",
        Outcome::Cancelled => "cancelled",
        Outcome::Failed(_) => "failed",
    }
}

/// Checks a `fetch_with_deadlines`.
pub fn check<F, Fut>(fetch: F) -> Report
where
    F: Fn(Client, Vec<(String, Duration)>, Duration) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Vec<Outcome>>,
{
    let report = Report::new(NAME);
    let seed = seed();
    // Latencies 10 to 500 ms, timeouts 15 to 505 ms: every kind of outcome.
    let plan: Vec<(Duration, Duration)> = (0..JOBS as u64)
        .map(|i| {
            let r = mix(seed ^ i);
            let latency = Duration::from_millis(10 * (1 + r % 50));
            let timeout = Duration::from_millis(10 * (1 + (r >> 20) % 50) + 5);
            (latency, timeout)
        })
        .collect();
    // Every kind of job at least once, wherever the draw put them.
    let mut plan = plan;
    let ms_ = Duration::from_millis;
    let sure = [
        (ms_(40), ms_(105)),  // a page
        (ms_(150), ms_(95)),  // times out before it would have answered
        (ms_(490), ms_(145)), // times out, though it would outlast the deadline
        (ms_(300), ms_(285)), // cancelled: the deadline comes before its timeout
        (ms_(400), ms_(455)), // cancelled
        // A millisecond either side of each threshold.
        (ms_(101), ms_(102)), // a page, just in time
        (ms_(103), ms_(102)), // timed out, just
        (ms_(251), ms_(400)), // a page, just before the deadline
        (ms_(253), ms_(400)), // cancelled, just after
        (ms_(300), ms_(251)), // timed out, just before the deadline
    ];
    for (k, &job) in sure.iter().enumerate() {
        plan[k * 3 + (mix(seed ^ 0xdead ^ k as u64) % 3) as usize] = job;
    }
    let book = Arc::new(SecretPages::new(
        plan.iter().map(|&(latency, _)| latency).collect(),
        Duration::from_millis(10),
    ));
    book.next_round();
    let server = VirtualServer::serving(
        ServerConfig::with_latency(Duration::from_millis(10)),
        book.clone(),
    );
    let jobs: Vec<(String, Duration)> = plan
        .iter()
        .enumerate()
        .map(|(i, &(_, timeout))| (server.page_url(i), timeout))
        .collect();
    let want: Vec<(&str, Duration)> = plan
        .iter()
        .map(|&(l, t)| expected(l, t, DEADLINE))
        .collect();
    let returns_at = want.iter().map(|w| w.1).max().unwrap_or_default();

    let run = {
        let (server, jobs) = (server.clone(), jobs.clone());
        block_on_watched(LIMIT, true, move || async move {
            let threads = crate::thread_pool::os_threads::live_ids();
            server.start_clock();
            let wall = measured::clock::ThreadStopwatch::start();
            let outcomes = fetch(server.client(), jobs, DEADLINE).await;
            let returned = server.now();
            let wall = wall.stop();
            let at_return = (alive_tasks(), server.stats());
            // Let anything the candidate left running finish or be seen.
            tokio::time::sleep(Duration::from_secs(1)).await;
            let threads = crate::asynch::threads_outliving(threads.as_ref());
            (outcomes, returned, wall, (at_return, threads))
        })
    };
    let (outcomes, returned, wall, ((tasks, at_return), threads)) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { waited, .. } => return hung(report, "on the paused clock", waited),
    };

    // 1. The outcomes.
    if outcomes.len() != JOBS {
        return report
            .with(Evidence::fail(
                "correct",
                format!("{} outcomes for {JOBS} jobs", outcomes.len()),
            ))
            .diagnose("Return one outcome per job, in the order of the jobs.");
    }
    let mut wrong = Vec::new();
    for (i, (outcome, &(want_kind, at))) in outcomes.iter().zip(&want).enumerate() {
        let page_ok = match outcome {
            Outcome::Page(p) => *p == book.expected(i),
            _ => true,
        };
        let (latency, timeout) = plan[i];
        if !acceptable(kind(outcome), latency, timeout, DEADLINE) || !page_ok {
            wrong.push((i, kind(outcome), want_kind, at));
        }
    }
    let count = |k: &str| want.iter().filter(|w| w.0 == k).count();
    let summary = format!(
        "{} pages, {} timed out, {} cancelled at the deadline",
        count("page"),
        count("timed out"),
        count("cancelled")
    );
    // The telling mistake first: each pattern points to one cause.
    let patterns: [(&str, &str, &str); 4] = [
        (
            "page",
            "timed out",
            "A request slower than its own timeout still gave a page: wrap each request in `tokio::time::timeout(job_timeout, client.get(&url))`.",
        ),
        (
            "cancelled",
            "page",
            "Outcomes known before the deadline were reported as cancelled: apply the deadline to each request (`tokio::time::timeout_at(deadline, ...)` around it), not as one `select!` around the whole batch, which throws away what had already finished.",
        ),
        (
            "cancelled",
            "timed out",
            "Requests whose own timeout ran out before the deadline were reported as cancelled: the job's timeout decides first, then the deadline.",
        ),
        (
            "",
            "cancelled",
            "A request still running at the overall deadline must be cancelled and reported `Cancelled`, even if its own timeout is later: compute the deadline's `Instant` once, when the call starts, and wrap every request in `tokio::time::timeout_at(deadline, ...)`.",
        ),
    ];
    let found = patterns.iter().find_map(|&(got, want_kind, cause)| {
        wrong
            .iter()
            .find(|w| (got.is_empty() || w.1 == got) && w.2 == want_kind)
            .map(|w| (*w, cause))
    });
    let fallback = "Compare each job's latency, its timeout and the deadline: whichever comes first decides its outcome.";
    if let Some(&first) = wrong.first() {
        let ((i, got, want_kind, _), cause) = found.unwrap_or((first, fallback));
        let (latency, timeout) = plan[i];
        let line = format!(
            "{} of {JOBS} outcomes wrong; job {i} (the server takes {}, its timeout {}, the deadline {}) should be \"{want_kind}\", got \"{got}\"",
            wrong.len(),
            ms(latency),
            ms(timeout),
            ms(DEADLINE)
        );
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{JOBS} of {JOBS} outcomes right: {summary}"),
    ));

    report.timeline = Some(crate::gather::virtual_timeline(&server));

    // 2. Nothing outlived the call, and each job made one request.
    let log = server.log();
    let left = Leftovers {
        tasks,
        in_flight: at_return.in_flight,
        after: server.stats().requests - at_return.requests,
        threads,
    };
    match judge_leftovers(left, "fetch_with_deadlines") {
        Ok(line) => report.push(Evidence::pass("cleaned up", line)),
        Err((line, cause)) => {
            report.push(Evidence::fail("cleaned up", line));
            return report.diagnose(cause);
        }
    }
    let asked: Vec<usize> = log.iter().map(|r| r.page).collect();
    let wanted: Vec<usize> = (0..JOBS).collect();
    match ask_counts(&asked, &wanted).judge("the virtual server") {
        Ok(line) => report.push(Evidence::pass("one request each", line)),
        Err((line, cause)) => {
            report.push(Evidence::fail("one request each", line));
            return report.diagnose(cause);
        }
    }

    // 3. Each request stopped when its outcome was known.
    let mut late = Vec::new();
    for (i, &(want_kind, at)) in want.iter().enumerate() {
        match log.iter().find(|r| r.page == i) {
            Some(r) if r.end == at && r.answered == (want_kind == "page") => {}
            Some(r) => late.push((i, r.end, at)),
            None => late.push((i, Duration::MAX, at)),
        }
    }
    if let Some(&(i, end, at)) = late.first() {
        let seen = if end == Duration::MAX {
            "never".to_owned()
        } else {
            format!("at {}", ms(end))
        };
        report.push(Evidence::fail(
            "cancelled",
            format!(
                "{} of {JOBS} requests did not stop when their outcome was known; job {i} should have ended at {}, the server saw it end {seen}",
                late.len(),
                ms(at)
            ),
        ));
        return report.diagnose("A request that timed out or was cancelled must stop there: drop its future (which is what `timeout` and `timeout_at` do when time runs out). Waiting for every request to finish and then labelling the late ones keeps the server busy for nothing and returns late.");
    }
    report.push(Evidence::pass(
        "cancelled",
        format!("the server saw every request end exactly when its outcome was known ({summary})"),
    ));

    // 4. Returned on time.
    let line = format!(
        "returned at {} of virtual time; the last outcome was known at {}",
        ms(returned),
        ms(returns_at)
    );
    if returned != returns_at {
        report.push(Evidence::fail("on time", line));
        return report
            .diagnose("Return as soon as every outcome is known: at the deadline at the latest.");
    }
    report.push(Evidence::pass("on time", line));

    let line = format!(
        "the whole run took {} of real time (at most {} allowed)",
        crate::harness::real_time_words(wall),
        ms(WALL)
    );
    if wall.own() > WALL {
        report.push(Evidence::fail("never blocks", line));
        return report.diagnose("On the paused clock waiting is free, yet your code took real time: something blocks the thread. Use `tokio::time::sleep`, never `std::thread::sleep`, in async code.");
    }
    report.push(Evidence::pass("never blocks", line));
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;

    #[test]
    fn whichever_comes_first_decides_on_both_sides_of_each_threshold() {
        let d = MS(252);
        assert_eq!(expected(MS(101), MS(102), d), ("page", MS(101)));
        assert_eq!(expected(MS(103), MS(102), d), ("timed out", MS(102)));
        assert_eq!(expected(MS(251), MS(400), d), ("page", MS(251)));
        assert_eq!(expected(MS(253), MS(400), d), ("cancelled", d));
        assert_eq!(expected(MS(300), MS(251), d), ("timed out", MS(251)));
        assert_eq!(expected(MS(300), MS(253), d), ("cancelled", d));
    }

    #[test]
    fn at_a_tie_either_tied_outcome_is_right() {
        let d = MS(252);
        // The latency equals the timeout.
        assert!(acceptable("page", MS(102), MS(102), d));
        assert!(acceptable("timed out", MS(102), MS(102), d));
        assert!(!acceptable("cancelled", MS(102), MS(102), d));
        // The latency equals the deadline.
        assert!(acceptable("page", d, MS(400), d));
        assert!(acceptable("cancelled", d, MS(400), d));
        assert!(!acceptable("timed out", d, MS(400), d));
        // The timeout equals the deadline.
        assert!(acceptable("timed out", MS(400), d, d));
        assert!(acceptable("cancelled", MS(400), d, d));
        assert!(!acceptable("page", MS(400), d, d));
        // Away from ties only the first is right.
        assert!(acceptable("page", MS(40), MS(105), d));
        assert!(!acceptable("timed out", MS(40), MS(105), d));
        for (l, t) in [(MS(40), MS(105)), (MS(150), MS(95)), (MS(300), MS(285))] {
            assert!(acceptable(expected(l, t, d).0, l, t, d));
        }
    }
}
