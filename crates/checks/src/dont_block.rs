//! 06/03 don't block the loop: handlers that checksum data and call a
//! blocking legacy library, run as tasks on a single-threaded runtime
//! beside a heartbeat task that ticks every millisecond.
//!
//! The check proves: every response right; and the heartbeat never went
//! more than 20 ms without a tick while the handlers ran, which is only
//! possible when the checksum and the legacy call run off the runtime's
//! thread (`tokio::task::spawn_blocking`, or a rayon pool).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use measured::heartbeat::Heartbeat;
use measured::kernel::units_for;
use measured::service::{LEGACY_LATENCY, Request, Response, checksum, owner_of};
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

/// Checks a `handle`.
pub fn check<F, Fut>(handle: F) -> Report
where
    F: Fn(Request) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let report = Report::new(NAME);
    let requests = requests(seed());
    let cpu = Instant::now();
    let want: Vec<Response> = requests
        .iter()
        .map(|r| Response {
            id: r.id,
            checksum: checksum(&r.payload, r.rounds),
            owner: owner_of(r.id),
        })
        .collect();
    let one_core = cpu.elapsed();

    let run = {
        let requests = requests.clone();
        block_on_watched(LIMIT, false, move || async move {
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
            // Let the heartbeat settle, then serve every request at once,
            // each on its own task, as a server would.
            tokio::time::sleep(Duration::from_millis(10)).await;
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
            stop.store(true, Ordering::Relaxed);
            let _ = ticking.await;
            (responses, heartbeat.worst_gap(from, to), to - from)
        })
    };
    let (responses, gap, took) = match run {
        Watched::Returned(r) => r,
        Watched::TimedOut { .. } => return hung(report, "serving the requests"),
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
    let wrong = got.iter().zip(&want).filter(|(g, w)| g != w).count();
    if wrong > 0 {
        return report
            .with(Evidence::fail(
                "correct",
                format!("{wrong} of {REQUESTS} responses are wrong"),
            ))
            .diagnose("Each response carries the request's `id`, `checksum(&payload, rounds)` and `legacy_lookup(id)`.");
    }
    let mut report = report.with(Evidence::pass(
        "correct",
        format!("{REQUESTS} of {REQUESTS} responses right"),
    ));
    let line = format!(
        "the heartbeat's longest silence was {} while {REQUESTS} requests were served (at most {} allowed); serving took {}",
        ms(gap),
        ms(MAX_GAP),
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
            ("longest heartbeat silence", gap),
            ("allowed", MAX_GAP),
            ("one legacy call", LEGACY_LATENCY),
        ],
    ));
    if gap <= MAX_GAP {
        report.push(Evidence::pass("responsive", line));
        return report;
    }
    report.push(Evidence::fail("responsive", line));
    let cause = format!(
        "The runtime's only thread went silent for {} (one legacy call blocks for {}; one checksum computes for about {}): blocking work ran on it, and nothing else, not the heartbeat, not the other requests, could run meanwhile. Move every blocking call and every heavy computation into `tokio::task::spawn_blocking(move || ...)` and await its handle. `tokio::spawn` is not enough: a spawned task still runs on the runtime's thread.",
        ms(gap),
        ms(LEGACY_LATENCY),
        ms(CHECKSUM_CPU)
    );
    report.diagnose(cause)
}
