//! 01/02 profile: `classify` follows the thresholds, on both sides of each
//! and at each, on the probes of the checker's own rules (some drawn afresh
//! every run); and `profile` measures hidden workloads (computing on one
//! thread or several, sleeping, HTTP reads, a mix), their sizes, thread
//! counts and order drawn per run, with times that agree with the checker's
//! own measurement and kinds that are right. The rules' answers come from
//! `references`, which no exercise crate can name.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use measured::clock::process_cpu_time;
use measured::kernel::{mix, spin_for_cpu};
use measured::profile::{Kind, Profile};
use measured::server::{LatencyServer, ServerConfig};
use references::decisions::kinds::{kind as rule_kind, on_a_threshold, probes};
use verdict::{Evidence, Report};

use crate::harness::{ms, seed};

/// The exercise's short name.
pub const NAME: &str = "profile";
/// Reported times may differ from the harness's by this fraction...
pub const TOLERANCE: f64 = 0.2;
/// ...or by this much, whichever is larger (timer reads are not free).
pub const SLACK: Duration = Duration::from_millis(5);
/// Tries per workload before the machine is called too busy to tell.
const TRIES: usize = 3;
/// `classify` probes drawn per run, beside the fixed ones.
const RANDOM_PROBES: usize = 40;
/// The latency server's delay per page.
const PAGE_LATENCY: Duration = Duration::from_millis(30);

/// A boxed piece of work, as `profile` receives it.
pub type Work = Box<dyn FnOnce()>;

/// Checks `profile` and `classify` and writes the report.
pub fn main(profile: impl Fn(Work) -> Profile, classify: impl Fn(Duration, Duration) -> Kind) {
    crate::main(NAME, || check(profile, classify));
}

/// Checks a `profile` and a `classify`.
pub fn check(
    profile: impl Fn(Work) -> Profile,
    classify: impl Fn(Duration, Duration) -> Kind,
) -> Report {
    let seed = seed();
    let report = Report::new(NAME);
    let answers: Vec<(Duration, Duration, Kind)> = probes(seed, RANDOM_PROBES)
        .into_iter()
        .map(|(wall, cpu)| (wall, cpu, classify(wall, cpu)))
        .collect();
    let mut report = match judge_classify(&answers) {
        Ok(line) => report.with(Evidence::pass("classify", line)),
        Err((line, cause)) => {
            return report
                .with(Evidence::fail("classify", line))
                .diagnose(cause);
        }
    };

    let server = match LatencyServer::start(ServerConfig::with_latency(PAGE_LATENCY)) {
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
    for workload in workloads(&server, seed) {
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
            "within 20% (or 5 ms) of the checker's own measurement on {} workloads, drawn for this run",
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

/// The verdict on `classify`'s answers `(wall, cpu, kind)`: the first wrong
/// one fails, with the likeliest cause.
fn judge_classify(answers: &[(Duration, Duration, Kind)]) -> Result<String, (String, String)> {
    let show = |d: Duration| {
        if d < Duration::from_millis(1) {
            format!("{} ns", d.as_nanos())
        } else {
            format!("{:.6} ms", d.as_secs_f64() * 1000.0)
        }
    };
    for &(wall, cpu, got) in answers {
        let want = rule_kind(wall, cpu);
        if got == want {
            continue;
        }
        let line = format!(
            "classify(wall {}, cpu {}) gave {got:?}, want {want:?}",
            show(wall),
            show(cpu)
        );
        let rules = "at least 0.7 is CpuBound, at most 0.2 is IoBound, between is Mixed";
        let whole_ms = |d: Duration| Duration::from_millis(d.as_millis() as u64);
        let cause = if wall.is_zero() {
            format!(
                "A zero wall time: cpu / wall is 0 / 0 (NaN, which fails every comparison) or infinite. A zero wall time is CpuBound only if there was CPU time, IoBound otherwise: test `wall.is_zero()` before dividing. Here that gives {want:?}."
            )
        } else if (whole_ms(wall), whole_ms(cpu)) != (wall, cpu)
            && rule_kind(whole_ms(wall), whole_ms(cpu)) == got
        {
            format!(
                "With cpu / wall = {:.3}, the work is {want:?} ({rules}). Your answer is what whole milliseconds give ({} / {} ms): are you dividing whole milliseconds (`as_millis`)? Short work loses its fractions: use `as_secs_f64()`.",
                cpu.as_secs_f64() / wall.as_secs_f64(),
                cpu.as_millis(),
                wall.as_millis()
            )
        } else if on_a_threshold(wall, cpu) && got == Kind::Mixed {
            format!(
                "cpu / wall is exactly on a threshold here ({:.1}): \"at least 0.7\" and \"at most 0.2\" include it, so compare with `>=` and `<=`, not `>` and `<`.",
                cpu.as_nanos() as f64 / wall.as_nanos() as f64
            )
        } else if !cpu.is_zero() && rule_kind(cpu, wall) == got {
            format!(
                "With cpu / wall = {:.3}, the work is {want:?} ({rules}). Is the ratio upside down (wall / cpu)?",
                cpu.as_secs_f64() / wall.as_secs_f64()
            )
        } else {
            format!(
                "With cpu / wall = {:.3}, the work is {want:?}: {rules}.",
                cpu.as_secs_f64() / wall.as_secs_f64()
            )
        };
        return Err((line, cause));
    }
    Ok(format!(
        "{} ratios: each threshold at, just below and just above, zero wall times, fractions of a millisecond, and {RANDOM_PROBES} drawn for this run",
        answers.len()
    ))
}

/// A hidden workload: what it is, its kind, and how to make a fresh one.
struct Workload {
    name: String,
    kind: Kind,
    make: Box<dyn Fn() -> Work>,
}

/// The workloads of one run: sizes, thread counts and order drawn from
/// `seed`, so that no table of known durations can stand in for a clock.
/// Two multi-threaded workloads, one short and one long, and sleeps across
/// the same range: work that uses no CPU on the calling thread cannot be
/// told apart by its duration.
fn workloads(server: &LatencyServer, seed: u64) -> Vec<Workload> {
    let mut state = seed;
    let mut draw = |lo: u64, hi: u64| {
        state = mix(state);
        lo + state % (hi - lo + 1)
    };
    let cpu_one = Duration::from_millis(draw(80, 160));
    let (short_threads, short_each) = (draw(2, 3), Duration::from_millis(draw(30, 60)));
    let (long_threads, long_each) = (draw(2, 3), Duration::from_millis(draw(100, 140)));
    let sleep = Duration::from_millis(draw(30, 200));
    let page_count = draw(3, 6);
    let (compute, wait) = (
        Duration::from_millis(draw(40, 70)),
        Duration::from_millis(draw(50, 90)),
    );
    let pages: Vec<String> = (0..page_count as usize)
        .map(|i| server.page_url(i))
        .collect();
    let on_threads = |threads: u64, each: Duration| -> Workload {
        Workload {
            name: format!("computing on {threads} threads, {} each", ms(each)),
            kind: Kind::CpuBound,
            make: Box::new(move || {
                Box::new(move || {
                    std::thread::scope(|s| {
                        for _ in 0..threads {
                            s.spawn(move || std::hint::black_box(spin_for_cpu(each)));
                        }
                    });
                })
            }),
        }
    };
    let mut all = vec![
        Workload {
            name: format!("computing on one thread for {}", ms(cpu_one)),
            kind: Kind::CpuBound,
            make: Box::new(move || {
                Box::new(move || {
                    std::hint::black_box(spin_for_cpu(cpu_one));
                })
            }),
        },
        on_threads(short_threads, short_each),
        on_threads(long_threads, long_each),
        Workload {
            name: format!("sleeping {}", ms(sleep)),
            kind: Kind::IoBound,
            make: Box::new(move || Box::new(move || std::thread::sleep(sleep))),
        },
        Workload {
            name: format!("reading {page_count} pages over HTTP"),
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
            name: format!("computing {}, then sleeping {}", ms(compute), ms(wait)),
            kind: Kind::Mixed,
            make: Box::new(move || {
                Box::new(move || {
                    std::hint::black_box(spin_for_cpu(compute));
                    std::thread::sleep(wait);
                })
            }),
        },
    ];
    for i in (1..all.len()).rev() {
        let j = draw(0, i as u64) as usize;
        all.swap(i, j);
    }
    all
}

enum Outcome {
    Right(String),
    TimesDisagree(String, String),
    WrongKind(String, String),
    Busy(String),
}

/// Whether a reported time agrees with the checker's: within 20% of it, or
/// within 5 ms (exactly, in whole nanoseconds).
fn agrees(theirs: Duration, ours: Duration) -> bool {
    let diff = theirs.abs_diff(ours);
    diff <= SLACK || diff.as_nanos() * 5 <= ours.as_nanos()
}

/// What one run of a workload under `profile` showed.
struct Run<'a> {
    name: &'a str,
    kind: Kind,
    /// How many times `profile` called the work.
    runs: usize,
    /// The checker's own measurement around the call.
    wall: Duration,
    cpu: Duration,
    /// What `profile` reported.
    theirs: Profile,
}

/// Runs `workload` under `profile` up to [`TRIES`] times: a wrong count of
/// runs or a wrong kind fails at once; times that disagree fail only if
/// they disagree on every try (a preemption between the learner's clock
/// read and the checker's can put a right answer out by a few ms once).
fn measure_one(profile: &impl Fn(Work) -> Profile, workload: &Workload) -> Outcome {
    let mut disagreed = None;
    let mut busy = None;
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
        let outcome = judge_run(&Run {
            name: &workload.name,
            kind: workload.kind,
            runs: runs.load(Ordering::SeqCst),
            wall,
            cpu,
            theirs,
        });
        match outcome {
            Outcome::TimesDisagree(..) if runs.load(Ordering::SeqCst) == 1 => {
                disagreed = Some(outcome);
            }
            Outcome::Busy(_) => busy = Some(outcome),
            _ => return outcome,
        }
    }
    match (busy, disagreed) {
        (Some(busy), _) => busy,
        (None, Some(disagreed)) => disagreed,
        (None, None) => unreachable!("every try has an outcome"),
    }
}

/// The verdict on one run. Times are compared whatever the machine's load;
/// the kind is `Busy` when the machine made the work look like something
/// else even to the checker: try again rather than blame anyone.
fn judge_run(run: &Run) -> Outcome {
    let Run {
        name,
        wall,
        cpu,
        theirs,
        ..
    } = *run;
    if run.runs != 1 {
        return Outcome::TimesDisagree(
            format!("{name}: profile ran the work {} times", run.runs),
            "Call `work()` exactly once, between reading the clocks.".into(),
        );
    }
    if !agrees(theirs.wall, wall) {
        return Outcome::TimesDisagree(
            format!(
                "{name}: you reported {} of wall time, the checker measured {}",
                ms(theirs.wall),
                ms(wall)
            ),
            "Wall time is `Instant::now()` taken just before the work and `elapsed()` just after it.".into(),
        );
    }
    if !agrees(theirs.cpu, cpu) {
        // More CPU than the process used, and as much as the wall time:
        // wall time twice, however busy the machine (on a busy one the
        // process's own CPU may come close to the wall time too).
        // CPU time as long as your own wall time, where the process's
        // was not: wall time twice, whichever way it is off.
        let cause = if agrees(theirs.cpu, theirs.wall) && (!agrees(cpu, wall) || theirs.cpu > cpu) {
            "Your CPU time equals the wall time: are you measuring wall time twice? CPU time comes from `measured::clock::process_cpu_time()`, read before and after the work.".to_owned()
        } else if theirs.cpu < cpu {
            "Your CPU time is too small: are you timing only the calling thread? `process_cpu_time()` counts every thread of the process.".to_owned()
        } else {
            "Your CPU time is more than the whole process used meanwhile: read `process_cpu_time()` just before and just after the work, and subtract; nothing else.".to_owned()
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
    // The kind is judged only where both your times and the checker's put
    // the work on its side of the thresholds: near one (a busy machine
    // made CPU work 0.71 of the wall time by one clock and 0.69 by the
    // other), neither reading is wrong.
    if rule_kind(wall, cpu) != run.kind || rule_kind(theirs.wall, theirs.cpu) != run.kind {
        return Outcome::Busy(format!("{name}: {} wall, {} CPU", ms(wall), ms(cpu)));
    }
    if theirs.kind != run.kind {
        return Outcome::WrongKind(
            format!(
                "{name}: you said {:?}, it is {:?} ({} CPU in {} wall)",
                theirs.kind,
                run.kind,
                ms(cpu),
                ms(wall)
            ),
            "Set `kind` with `classify(wall, cpu)` from the times you measured.".into(),
        );
    }
    Outcome::Right(format!(
        "{name}: {:?}, {} wall, {} CPU",
        theirs.kind,
        ms(wall),
        ms(cpu)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn solution(wall: Duration, cpu: Duration) -> Kind {
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

    fn answers(
        seed: u64,
        classify: impl Fn(Duration, Duration) -> Kind,
    ) -> Vec<(Duration, Duration, Kind)> {
        probes(seed, RANDOM_PROBES)
            .into_iter()
            .map(|(w, c)| (w, c, classify(w, c)))
            .collect()
    }

    fn cause(seed: u64, classify: impl Fn(Duration, Duration) -> Kind) -> String {
        judge_classify(&answers(seed, classify)).unwrap_err().1
    }

    #[test]
    fn the_solution_passes_every_seed() {
        for seed in 0..100 {
            assert!(judge_classify(&answers(seed, solution)).is_ok());
        }
    }

    #[test]
    fn strict_comparisons_fail_on_the_threshold() {
        let strict = |wall: Duration, cpu: Duration| {
            let ratio = cpu.as_secs_f64() / wall.as_secs_f64().max(1e-12);
            if ratio > 0.7 {
                Kind::CpuBound
            } else if ratio < 0.2 {
                Kind::IoBound
            } else {
                Kind::Mixed
            }
        };
        assert!(cause(1, strict).contains("exactly on a threshold"));
        // Only 0.2 strict.
        let half = |wall: Duration, cpu: Duration| match solution(wall, cpu) {
            Kind::IoBound if 10 * cpu.as_nanos() == 2 * wall.as_nanos() => Kind::Mixed,
            k => k,
        };
        assert!(cause(1, half).contains("exactly on a threshold"));
    }

    #[test]
    fn zero_wall_and_whole_milliseconds_and_upside_down_are_named() {
        let nan = |wall: Duration, cpu: Duration| {
            let ratio = cpu.as_secs_f64() / wall.as_secs_f64();
            if ratio >= 0.7 {
                Kind::CpuBound
            } else if ratio <= 0.2 {
                Kind::IoBound
            } else {
                Kind::Mixed
            }
        };
        assert!(cause(1, nan).contains("zero wall time"));
        let millis = |wall: Duration, cpu: Duration| {
            solution(ms(wall.as_millis() as u64), ms(cpu.as_millis() as u64))
        };
        assert!(cause(1, millis).contains("whole milliseconds"));
        let upside_down = |wall: Duration, cpu: Duration| solution(cpu, wall);
        assert!(cause(1, upside_down).contains("upside down"));
    }

    #[test]
    fn a_table_of_the_fixed_probes_fails_on_the_drawn_ones() {
        let fixed = probes(0, 0);
        let table = |wall: Duration, cpu: Duration| {
            if fixed.contains(&(wall, cpu)) {
                solution(wall, cpu)
            } else {
                Kind::Mixed
            }
        };
        assert!(judge_classify(&answers(5, table)).is_err());
    }

    #[test]
    fn twenty_percent_or_five_ms_from_both_sides() {
        assert!(agrees(ms(120), ms(100)));
        assert!(agrees(ms(80), ms(100)));
        assert!(!agrees(ms(121), ms(100)));
        assert!(!agrees(ms(79), ms(100)));
        assert!(agrees(ms(119), ms(100)));
        assert!(agrees(ms(5), ms(0)));
        assert!(!agrees(ms(6), ms(0)));
        assert!(agrees(ms(14), ms(10)));
        assert!(agrees(ms(15), ms(10)));
        assert!(!agrees(ms(16), ms(10)));
    }

    fn run(runs: usize, wall: u64, cpu: u64, theirs: (u64, u64, Kind), kind: Kind) -> Outcome {
        judge_run(&Run {
            name: "w",
            kind,
            runs,
            wall: ms(wall),
            cpu: ms(cpu),
            theirs: Profile {
                wall: ms(theirs.0),
                cpu: ms(theirs.1),
                kind: theirs.2,
            },
        })
    }

    #[test]
    fn one_run_judged_on_recorded_times() {
        use Kind::*;
        // Either side of 0.7 by the two clocks: not judged, not wrong.
        assert!(matches!(
            run(1, 153, 108, (154, 107, Mixed), CpuBound),
            Outcome::Busy(_)
        ));
        // Wall time twice on a busy machine, where the process's own CPU
        // came within 20% of the wall time: still named as wall time twice.
        let Outcome::TimesDisagree(_, cause) = run(1, 100, 81, (100, 100, CpuBound), CpuBound)
        else {
            panic!()
        };
        assert!(cause.contains("wall time twice"), "{cause}");
        // On three threads the process used more CPU than the wall time.
        let Outcome::TimesDisagree(_, cause) = run(1, 90, 166, (90, 90, CpuBound), CpuBound) else {
            panic!()
        };
        assert!(cause.contains("wall time twice"), "{cause}");
        assert!(matches!(
            run(1, 100, 200, (101, 198, CpuBound), CpuBound),
            Outcome::Right(_)
        ));
        assert!(matches!(
            run(2, 100, 200, (101, 198, CpuBound), CpuBound),
            Outcome::TimesDisagree(..)
        ));
        // The machine made CPU work look mixed even to the checker: times
        // are still compared, the kind is not.
        assert!(matches!(
            run(1, 100, 50, (100, 50, Mixed), CpuBound),
            Outcome::Busy(_)
        ));
        assert!(matches!(
            run(1, 100, 50, (100, 0, IoBound), CpuBound),
            Outcome::TimesDisagree(..)
        ));
        let Outcome::TimesDisagree(_, cause) = run(1, 100, 200, (100, 20, CpuBound), CpuBound)
        else {
            panic!()
        };
        assert!(cause.contains("only the calling thread"));
        let Outcome::TimesDisagree(_, cause) = run(1, 100, 1, (100, 100, CpuBound), IoBound) else {
            panic!()
        };
        assert!(cause.contains("wall time twice"));
        let Outcome::TimesDisagree(_, cause) = run(1, 100, 1, (100, 60, Mixed), IoBound) else {
            panic!()
        };
        assert!(cause.contains("more than the whole process used"));
        assert!(matches!(
            run(1, 100, 50, (100, 50, CpuBound), Mixed),
            Outcome::WrongKind(..)
        ));
    }
}
