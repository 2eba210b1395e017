//! 01/02 profile: `classify` follows the thresholds, and `profile` measures
//! hidden workloads (spinning, sleeping, HTTP reads, a mix) with times that
//! agree with the harness's own measurement and kinds that are right.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use measured::clock::process_cpu_time;
use measured::kernel::spin_for_cpu;
use measured::profile::{Kind, Profile};
use measured::server::{LatencyServer, ServerConfig};
use verdict::{Evidence, Report};

use crate::harness::ms;

/// The exercise's short name.
pub const NAME: &str = "profile";
/// Reported times may differ from the harness's by this fraction...
pub const TOLERANCE: f64 = 0.2;
/// ...or by this much, whichever is larger (timer reads are not free).
pub const SLACK: Duration = Duration::from_millis(5);
/// Tries per workload before the machine is called too busy to tell.
const TRIES: usize = 3;

/// A boxed piece of work, as `profile` receives it.
pub type Work = Box<dyn FnOnce()>;

/// Checks `profile` and `classify` and writes the report.
pub fn main(profile: impl Fn(Work) -> Profile, classify: impl Fn(Duration, Duration) -> Kind) {
    crate::main(NAME, || check(profile, classify));
}

/// The thresholds, as the exercise states them.
pub fn reference_kind(wall: Duration, cpu: Duration) -> Kind {
    if wall.is_zero() {
        return if cpu.is_zero() {
            Kind::IoBound
        } else {
            Kind::CpuBound
        };
    }
    let ratio = cpu.as_secs_f64() / wall.as_secs_f64();
    if ratio >= 0.7 {
        Kind::CpuBound
    } else if ratio <= 0.2 {
        Kind::IoBound
    } else {
        Kind::Mixed
    }
}

struct Workload {
    name: &'static str,
    kind: Kind,
    make: Box<dyn Fn() -> Work>,
}

fn workloads(server: &LatencyServer) -> Vec<Workload> {
    let pages: Vec<String> = (0..4).map(|i| server.page_url(i)).collect();
    vec![
        Workload {
            name: "computing on one thread",
            kind: Kind::CpuBound,
            make: Box::new(|| {
                Box::new(|| {
                    std::hint::black_box(spin_for_cpu(Duration::from_millis(120)));
                })
            }),
        },
        Workload {
            name: "computing on two threads",
            kind: Kind::CpuBound,
            make: Box::new(|| {
                Box::new(|| {
                    std::thread::scope(|s| {
                        for _ in 0..2 {
                            s.spawn(|| {
                                std::hint::black_box(spin_for_cpu(Duration::from_millis(80)))
                            });
                        }
                    });
                })
            }),
        },
        Workload {
            name: "sleeping",
            kind: Kind::IoBound,
            make: Box::new(|| Box::new(|| std::thread::sleep(Duration::from_millis(120)))),
        },
        Workload {
            name: "reading 4 pages over HTTP",
            kind: Kind::IoBound,
            make: Box::new(move || {
                let pages = pages.clone();
                Box::new(move || {
                    for url in &pages {
                        let mut response =
                            ureq::get(url).call().expect("the latency server answers");
                        std::hint::black_box(response.body_mut().read_to_string().unwrap());
                    }
                })
            }),
        },
        Workload {
            name: "half computing, half sleeping",
            kind: Kind::Mixed,
            make: Box::new(|| {
                Box::new(|| {
                    std::hint::black_box(spin_for_cpu(Duration::from_millis(60)));
                    std::thread::sleep(Duration::from_millis(60));
                })
            }),
        },
    ]
}

/// Checks a `profile` and a `classify`.
pub fn check(
    profile: impl Fn(Work) -> Profile,
    classify: impl Fn(Duration, Duration) -> Kind,
) -> Report {
    let report = Report::new(NAME);
    let mut report = match check_classify(&classify) {
        Ok(line) => report.with(Evidence::pass("classify", line)),
        Err((line, cause)) => {
            return report
                .with(Evidence::fail("classify", line))
                .diagnose(cause);
        }
    };

    let server = match LatencyServer::start(ServerConfig::with_latency(Duration::from_millis(30))) {
        Ok(server) => server,
        Err(e) => {
            return report.with(Evidence::inconclusive(
                "times",
                format!("could not start the latency server: {e}"),
            ));
        }
    };
    let mut agreed = Vec::new();
    let mut kinds = Vec::new();
    let mut busy = Vec::new();
    for workload in workloads(&server) {
        match measure_one(&profile, &workload) {
            Outcome::Right(line) => {
                agreed.push(line);
                kinds.push(workload.name);
            }
            Outcome::TimesDisagree(line, cause) => {
                return report.with(Evidence::fail("times", line)).diagnose(cause);
            }
            Outcome::WrongKind(line, cause) => {
                report.push(Evidence::pass(
                    "times",
                    "your wall and CPU times agree with the checker's",
                ));
                return report.with(Evidence::fail("kinds", line)).diagnose(cause);
            }
            Outcome::Busy(line) => busy.push(line),
        }
    }
    report.push(Evidence::pass(
        "times",
        format!(
            "within 20% (or 5 ms) of the checker's own measurement on {} workloads",
            agreed.len()
        ),
    ));
    report.push(Evidence::pass(
        "kinds",
        format!("right for: {}", kinds.join("; ")),
    ));
    for line in agreed {
        report = report.note(line);
    }
    if !busy.is_empty() {
        report.push(Evidence::inconclusive(
            "kinds",
            format!(
                "could not be told on a machine this busy: {}",
                busy.join("; ")
            ),
        ));
        report = report.diagnose("Another program kept the CPU busy, so some workloads did not look like themselves even to the checker. Close other programs and run again.");
    }
    report
}

fn check_classify(
    classify: &impl Fn(Duration, Duration) -> Kind,
) -> Result<String, (String, String)> {
    let table = [
        (100, 100, Kind::CpuBound),
        (100, 190, Kind::CpuBound),
        (100, 70, Kind::CpuBound),
        (100, 69, Kind::Mixed),
        (100, 50, Kind::Mixed),
        (100, 21, Kind::Mixed),
        (100, 20, Kind::IoBound),
        (100, 1, Kind::IoBound),
        (1000, 0, Kind::IoBound),
    ];
    for (wall, cpu, want) in table {
        let (w, c) = (Duration::from_millis(wall), Duration::from_millis(cpu));
        let got = classify(w, c);
        if got != want {
            return Err((
                format!("classify(wall {wall} ms, cpu {cpu} ms) gave {got:?}, want {want:?}"),
                format!(
                    "With cpu / wall = {:.2}, the work is {want:?}: at least 0.7 is CpuBound, at most 0.2 is IoBound, between is Mixed. Is the ratio upside down (wall / cpu)?",
                    cpu as f64 / wall as f64
                ),
            ));
        }
    }
    Ok(format!(
        "{} ratios on and around the thresholds",
        table.len()
    ))
}

enum Outcome {
    Right(String),
    TimesDisagree(String, String),
    WrongKind(String, String),
    Busy(String),
}

fn agrees(theirs: Duration, ours: Duration) -> bool {
    let diff = theirs.abs_diff(ours);
    diff <= SLACK || diff.as_secs_f64() <= TOLERANCE * ours.as_secs_f64()
}

fn measure_one(profile: &impl Fn(Work) -> Profile, workload: &Workload) -> Outcome {
    let mut last = None;
    for _ in 0..TRIES {
        let inner = (workload.make)();
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&runs);
        let work: Work = Box::new(move || {
            counted.fetch_add(1, Ordering::SeqCst);
            inner();
        });
        let (wall0, cpu0) = (Instant::now(), process_cpu_time());
        let theirs = profile(work);
        let (wall, cpu) = (wall0.elapsed(), process_cpu_time() - cpu0);
        let runs = runs.load(Ordering::SeqCst);
        if runs != 1 {
            return Outcome::TimesDisagree(
                format!("{}: profile ran the work {runs} times", workload.name),
                "Call `work()` exactly once, between reading the clocks.".into(),
            );
        }
        if reference_kind(wall, cpu) != workload.kind {
            // The machine made the work look like something else even to us:
            // try again rather than blame the learner.
            last = Some(format!(
                "{}: {} wall, {} CPU",
                workload.name,
                ms(wall),
                ms(cpu)
            ));
            continue;
        }
        let name = workload.name;
        if !agrees(theirs.wall, wall) {
            return Outcome::TimesDisagree(
                format!("{name}: you reported {} of wall time, the checker measured {}", ms(theirs.wall), ms(wall)),
                "Wall time is `Instant::now()` taken just before the work and `elapsed()` just after it.".into(),
            );
        }
        if !agrees(theirs.cpu, cpu) {
            let cause = if agrees(theirs.cpu, wall) && !agrees(cpu, wall) {
                "Your CPU time equals the wall time: are you measuring wall time twice? CPU time comes from `measured::clock::process_cpu_time()`, read before and after the work.".to_owned()
            } else if theirs.cpu < cpu {
                "Your CPU time is too small: are you timing only the calling thread? `process_cpu_time()` counts every thread of the process.".to_owned()
            } else {
                "Read `process_cpu_time()` just before and just after the work, and subtract."
                    .to_owned()
            };
            return Outcome::TimesDisagree(
                format!(
                    "{name}: you reported {} of CPU time, the process used {}",
                    ms(theirs.cpu),
                    ms(cpu)
                ),
                cause,
            );
        }
        if theirs.kind != workload.kind {
            return Outcome::WrongKind(
                format!(
                    "{name}: you said {:?}, it is {:?} ({} CPU in {} wall)",
                    theirs.kind,
                    workload.kind,
                    ms(cpu),
                    ms(wall)
                ),
                "Set `kind` with `classify(wall, cpu)` from the times you measured.".into(),
            );
        }
        return Outcome::Right(format!(
            "{name}: {:?}, {} wall, {} CPU",
            theirs.kind,
            ms(wall),
            ms(cpu)
        ));
    }
    Outcome::Busy(last.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_thresholds() {
        let ms = Duration::from_millis;
        assert_eq!(reference_kind(ms(100), ms(70)), Kind::CpuBound);
        assert_eq!(reference_kind(ms(100), ms(200)), Kind::CpuBound);
        assert_eq!(reference_kind(ms(100), ms(50)), Kind::Mixed);
        assert_eq!(reference_kind(ms(100), ms(20)), Kind::IoBound);
        assert_eq!(reference_kind(ms(0), ms(0)), Kind::IoBound);
        assert!(agrees(ms(104), ms(100)));
        assert!(agrees(ms(3), ms(0)));
        assert!(!agrees(ms(121), ms(100)));
    }
}
