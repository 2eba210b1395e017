//! 06/03 don't block the loop: handlers that checksum data and call a
//! blocking legacy library, run as tasks on a single-threaded runtime
//! beside a heartbeat task that ticks every millisecond.
//!
//! The check proves: every response right (the legacy library answers
//! with a keyed hash only a call reveals, so an owner cannot be made up);
//! exactly one legacy call per request, all of them over when the handlers
//! returned (none for show, none left running); and the heartbeat never
//! went more than 20 ms without a tick while the handlers ran, which is
//! only possible when the checksum and the legacy call run off the
//! runtime's thread (`tokio::task::spawn_blocking`, or a rayon pool).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use measured::heartbeat::{QueuedHeartbeat, Silence};
use measured::kernel::units_for;
use measured::service::{
    LEGACY_LATENCY, LegacyCalls, Request, Response, checksum, legacy_calls, legacy_lookup,
};
use verdict::{Evidence, Report};

use crate::asynch::block_on_watched;
use crate::gather::hung;
use crate::harness::{ms, seed, time_chart};
use crate::processes::Watched;

/// The exercise's short name.
pub const NAME: &str = "dont_block";
/// Requests handled at once.
pub const REQUESTS: usize = 40;
/// The CPU one checksum takes.
pub const CHECKSUM_CPU: Duration = Duration::from_millis(3);
/// The longest the heartbeat may go without a tick.
pub const MAX_GAP: Duration = Duration::from_millis(20);
/// How long a run may take before the check calls it hung.
pub const LIMIT: Duration = Duration::from_secs(5);

/// Checks a `handle` and writes the report.
pub fn main<F, Fut>(handle: F)
where
    F: Fn(Request) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    crate::main(NAME, || check(handle));
}

/// The requests: a 4 KiB payload each, sized so a checksum takes about
/// [`CHECKSUM_CPU`].
pub fn requests(seed: u64) -> Vec<Request> {
    let blocks = 64;
    let rounds = units_for(CHECKSUM_CPU) / blocks;
    (0..REQUESTS as u64)
        .map(|id| Request {
            id: seed.wrapping_add(id),
            payload: (0..blocks * 64)
                .map(|i| measured::kernel::mix(seed ^ id ^ i) as u8)
                .collect(),
            rounds,
        })
        .collect()
}

/// The legacy calls counted before the handlers ran, when they had all
/// returned, and a while later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Calls {
    before: LegacyCalls,
    at_return: LegacyCalls,
    later: LegacyCalls,
}

/// Judges the responses against the expected ones.
pub(crate) fn judge_responses(got: &[Response], want: &[Response]) -> Result<(), (String, String)> {
    let wrong = got.iter().zip(want).filter(|(g, w)| g != w).count();
    if wrong == 0 && got.len() == want.len() {
        return Ok(());
    }
    let owners = got
        .iter()
        .zip(want)
        .filter(|(g, w)| g.owner != w.owner)
        .count();
    let cause = if owners > 0 {
        "Some owners are not what `legacy_lookup(id)` answers: the legacy library keys its answers with a secret of its own, so the only way to an owner is the call itself. Make the call (on a blocking thread)."
    } else {
        "Each response carries the request's `id`, `checksum(&payload, rounds)` and `legacy_lookup(id)`."
    };
    Err((
        format!(
            "{wrong} of {} responses are wrong ({owners} owners)",
            want.len()
        ),
        cause.to_owned(),
    ))
}

/// Judges the legacy calls: exactly `requests` made while the handlers
/// ran, all returned by the time the handlers did, none after.
pub(crate) fn judge_calls(calls: Calls, requests: usize) -> Result<String, (String, String)> {
    let started = calls.later.started - calls.before.started;
    let done = calls.at_return.finished - calls.before.finished;
    let line = format!(
        "{started} legacy calls for {requests} requests; {done} had returned when the last handler did"
    );
    if started == requests && done == requests {
        return Ok(line);
    }
    let cause = if started > requests && done < started {
        "Legacy calls were still running after the handlers returned: a call started and never awaited (a `spawn_blocking` or a thread whose result nobody waits for, a prefetch for later) holds a blocking thread for nothing. Make exactly one legacy call per request, and await it."
    } else if started > requests {
        "More legacy calls than requests: each call holds a blocking thread for its whole latency, so make exactly one legacy call per request, and use its answer."
    } else {
        "Fewer legacy calls than requests: every response's owner must come from its own `legacy_lookup(id)` call."
    };
    Err((line, cause.to_owned()))
}

/// What the heartbeat's worst gap says, against the worst gap of a plain
/// thread ticking over the same window (the machine's own stalls).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lag {
    /// Within [`MAX_GAP`].
    Responsive,
    /// Beyond it, and beyond what the machine alone explains: the runtime's
    /// thread was blocked.
    Blocked,
    /// Beyond it, but the machine kept a plain thread waiting nearly as
    /// long: it cannot be told from here whether the runtime was blocked.
    MachineBusy,
}

/// Judges the runtime's worst silence with the control thread's worst gap
/// `control` over the same window. The part of the silence the runtime's
/// thread spent waiting for a core is the machine's, not the code's: only
/// the rest, [`Silence::own`], counts. More than [`MAX_GAP`] of that is
/// blocking when the control thread stayed within half of it, or when it
/// exceeds the control thread's gap by [`MAX_GAP`].
pub(crate) fn judge_lag(silence: Silence, control: Duration) -> Lag {
    let own = silence.own();
    if own <= MAX_GAP {
        Lag::Responsive
    } else if control <= MAX_GAP / 2 || own > control + MAX_GAP {
        Lag::Blocked
    } else {
        Lag::MachineBusy
    }
}

/// Checks a `handle`.
pub fn check<F, Fut>(handle: F) -> Report
where
    F: Fn(Request) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let report = Report::new(NAME);
    let requests = requests(seed());
    let cpu = Instant::now();
    let sums: Vec<u64> = requests
        .iter()
        .map(|r| checksum(&r.payload, r.rounds))
        .collect();
    let one_core = cpu.elapsed();
    // The owners, from the legacy library itself, all calls at once.
    let owners: Vec<String> = std::thread::scope(|s| {
        let calls: Vec<_> = requests
            .iter()
            .map(|r| s.spawn(move || legacy_lookup(r.id)))
            .collect();
        calls
            .into_iter()
            .map(|c| c.join().expect("the legacy library does not panic"))
            .collect()
    });
    let want: Vec<Response> = requests
        .iter()
        .zip(sums)
        .zip(owners)
        .map(|((r, checksum), owner)| Response {
            id: r.id,
            checksum,
            owner,
        })
        .collect();

    let run = {
        let requests = requests.clone();
        block_on_watched(LIMIT, false, move || async move {
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
            // Let the heartbeat settle, then serve every request at once,
            // each on its own task, as a server would.
            tokio::time::sleep(Duration::from_millis(10)).await;
            let before = legacy_calls();
            let control = crate::asynch::ControlBeat::start();
            let from = Instant::now();
            let tasks: Vec<_> = requests
                .into_iter()
                .map(|r| tokio::spawn(handle(r)))
                .collect();
            let mut responses = Vec::with_capacity(tasks.len());
            for task in tasks {
                responses.push(task.await);
            }
            let to = Instant::now();
            let at_return = legacy_calls();
            let control = control.stop(from, to);
            stop.store(true, Ordering::Relaxed);
            let _ = ticking.await;
            // Let anything left running show itself.
            tokio::time::sleep(LEGACY_LATENCY * 4).await;
            let calls = Calls {
                before,
                at_return,
                later: legacy_calls(),
            };
            let gaps = (heartbeat.silence(from, to), control);
            (responses, gaps, to - from, calls)
        })
    };
    let (responses, (gap, control), took, calls) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { waited, .. } => return hung(report, "serving the requests", waited),
    };
    let mut got = Vec::with_capacity(responses.len());
    for response in responses {
        match response {
            Ok(r) => got.push(r),
            // A panic in a handler (a `todo!()` above all) is the learner's:
            // pass it on, so the harness reports it as everywhere else.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => {
                return report
                    .with(Evidence::fail("correct", format!("a handler failed: {e}")))
                    .diagnose("A handler panicked: read the message above. `spawn_blocking(..).await` gives a `Result`; its `Err` means the closure panicked.");
            }
        }
    }
    if let Err((line, cause)) = judge_responses(&got, &want) {
        return report.with(Evidence::fail("correct", line)).diagnose(cause);
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{REQUESTS} of {REQUESTS} responses right"),
    ));
    match judge_calls(calls, REQUESTS) {
        Ok(line) => report.push(Evidence::pass("one legacy call each", line)),
        Err((line, cause)) => {
            report.push(Evidence::fail("one legacy call each", line));
            return report.diagnose(cause);
        }
    }
    let line = format!(
        "the heartbeat's longest silence was {} while {REQUESTS} requests were served (at most {} allowed; a plain thread's was {} meanwhile); serving took {}",
        crate::harness::real_time_words(gap),
        ms(MAX_GAP),
        ms(control),
        ms(took)
    );
    report.chart = Some(time_chart(
        format!(
            "{REQUESTS} requests: {} of checksums, {} legacy calls of {}",
            ms(one_core),
            REQUESTS,
            ms(LEGACY_LATENCY)
        ),
        &[
            ("longest heartbeat silence", gap.wall),
            ("allowed", MAX_GAP),
            ("one legacy call", LEGACY_LATENCY),
        ],
    ));
    match judge_lag(gap, control) {
        Lag::Responsive => {
            report.push(Evidence::pass("responsive", line));
            return report;
        }
        Lag::MachineBusy => {
            report.push(Evidence::inconclusive(
                "responsive",
                format!("{line}: the machine kept a plain thread waiting nearly as long, so this silence cannot be blamed on your code right now; close other programs and run again"),
            ));
            return report;
        }
        Lag::Blocked => {}
    }
    report.push(Evidence::fail("responsive", line));
    let cause = format!(
        "The runtime's only thread went silent for {} (one legacy call blocks for {}; one checksum computes for about {}): blocking work ran on it, and nothing else, not the heartbeat, not the other requests, could run meanwhile. Move every blocking call and every heavy computation into `tokio::task::spawn_blocking(move || ...)` and await its handle. `tokio::spawn` is not enough: a spawned task still runs on the runtime's thread.",
        ms(gap.own()),
        ms(LEGACY_LATENCY),
        ms(CHECKSUM_CPU)
    );
    report.diagnose(cause)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(before: usize, started: usize, done_at_return: usize) -> Calls {
        let at = |started, finished| LegacyCalls { started, finished };
        Calls {
            before: at(before, before),
            at_return: at(before + started, before + done_at_return),
            later: at(before + started, before + started),
        }
    }

    #[test]
    fn exactly_one_legacy_call_per_request_all_returned() {
        assert!(judge_calls(calls(7, 40, 40), 40).is_ok());
        assert!(
            judge_calls(calls(7, 80, 40), 40)
                .unwrap_err()
                .1
                .contains("never awaited")
        );
        assert!(
            judge_calls(calls(7, 80, 80), 40)
                .unwrap_err()
                .1
                .contains("exactly one legacy call per request")
        );
        assert!(
            judge_calls(calls(7, 39, 39), 40)
                .unwrap_err()
                .1
                .contains("Fewer")
        );
    }

    #[test]
    fn the_gap_may_reach_the_limit_and_no_more() {
        let quiet = Duration::from_millis(2);
        let us = Duration::from_micros;
        let judge_lag = |gap, control| {
            judge_lag(
                Silence {
                    wall: gap,
                    queued: Duration::ZERO,
                },
                control,
            )
        };
        assert_eq!(judge_lag(MAX_GAP - us(1), quiet), Lag::Responsive);
        assert_eq!(judge_lag(MAX_GAP, quiet), Lag::Responsive);
        assert_eq!(judge_lag(MAX_GAP + us(1), quiet), Lag::Blocked);
        // One inline legacy call on a quiet machine.
        assert_eq!(judge_lag(LEGACY_LATENCY, quiet), Lag::Blocked);
    }

    #[test]
    fn a_stalled_machine_excuses_a_silence_only_as_long_as_its_own() {
        let ms = Duration::from_millis;
        let judge_lag = |gap, control| {
            judge_lag(
                Silence {
                    wall: gap,
                    queued: Duration::ZERO,
                },
                control,
            )
        };
        // The control thread within half the limit: no excuse.
        assert_eq!(judge_lag(ms(42), MAX_GAP / 2), Lag::Blocked);
        // The machine stalled a plain thread for 40 ms: 42 ms is its doing.
        assert_eq!(judge_lag(ms(42), ms(40)), Lag::MachineBusy);
        assert_eq!(judge_lag(ms(60), ms(40)), Lag::MachineBusy);
        // Silent for the limit beyond the machine's own stall: blocked.
        assert_eq!(judge_lag(ms(61), ms(40)), Lag::Blocked);
        // Every legacy call inline: a second of silence.
        assert_eq!(judge_lag(ms(1000), ms(40)), Lag::Blocked);
    }

    #[test]
    fn waiting_for_a_core_is_the_machines_not_the_codes() {
        let ms = Duration::from_millis;
        let quiet = ms(2);
        // A correct runtime at low priority beside two hogs: 22 ms silent,
        // 19 of them queued behind the hogs.
        let starved = Silence {
            wall: ms(22),
            queued: ms(19),
        };
        assert_eq!(judge_lag(starved, quiet), Lag::Responsive);
        // An inline parse of 40 ms preempted for 30 more: still its own.
        let blocked = Silence {
            wall: ms(70),
            queued: ms(30),
        };
        assert_eq!(judge_lag(blocked, quiet), Lag::Blocked);
        assert!(crate::harness::real_time_words(starved).contains("19 ms of it waiting"));
        assert!(
            !crate::harness::real_time_words(Silence {
                wall: ms(5),
                queued: ms(0)
            })
            .contains("waiting")
        );
    }

    #[test]
    fn a_made_up_owner_is_named() {
        let r = |owner: &str| Response {
            id: 1,
            checksum: 2,
            owner: owner.into(),
        };
        assert!(judge_responses(&[r("a")], &[r("a")]).is_ok());
        assert!(
            judge_responses(&[r("b")], &[r("a")])
                .unwrap_err()
                .1
                .contains("secret")
        );
        assert!(judge_responses(&[], &[r("a")]).is_err());
    }
}
