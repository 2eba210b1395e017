//! 09/02 pick the model: the course's flowchart and decision matrix as a
//! function. The check runs it over a table of described workloads and
//! explains every wrong choice.

use measured::choosing::{Kind, Model, Workload};
use verdict::{Evidence, Report};

/// The exercise's short name.
pub const NAME: &str = "pick_the_model";

/// One described workload, the model the rules give, and why.
pub struct Scenario {
    /// In words.
    pub what: &'static str,
    /// As the flowchart sees it.
    pub workload: Workload,
    /// The right model.
    pub model: Model,
    /// Why, for the learner who chose something else.
    pub because: &'static str,
}

const fn w(kind: Kind, operations: usize, async_library: bool, needs_isolation: bool) -> Workload {
    Workload {
        kind,
        operations,
        async_library,
        needs_isolation,
    }
}

/// The table the check uses.
pub fn scenarios() -> Vec<Scenario> {
    use Kind::*;
    use Model::*;
    vec![
        Scenario {
            what: "read a 2 KB config file at start-up",
            workload: w(Light, 1, true, false),
            model: Sequential,
            because: "there is almost nothing to do: any concurrency costs more than it saves, and sequential code is the easiest to get right",
        },
        Scenario {
            what: "add up 100 numbers",
            workload: w(Light, 100, false, false),
            model: Sequential,
            because: "a few microseconds of work: starting even one thread (about 35 µs here) costs more",
        },
        Scenario {
            what: "resize 10,000 photos",
            workload: w(Cpu, 10_000, false, false),
            model: Rayon,
            because: "CPU-bound work on independent items: in Rust, threads run in parallel (there is no GIL), and rayon spreads the items over every core",
        },
        Scenario {
            what: "render one Mandelbrot frame, row by row",
            workload: w(Cpu, 1_080, false, false),
            model: Rayon,
            because: "CPU-bound and data-parallel: rayon's work stealing also balances rows of uneven cost (04/02)",
        },
        Scenario {
            what: "compress 300 log files",
            workload: w(Cpu, 300, false, false),
            model: Rayon,
            because: "CPU-bound: processes would buy isolation you don't need at a higher start-up and copying cost; Python needs them only because of the GIL",
        },
        Scenario {
            what: "download 20 files with a blocking HTTP client",
            workload: w(Io, 20, false, false),
            model: Threads,
            because: "a few blocking waits: a thread each (or a small pool) overlaps them simply, as in 03/01",
        },
        Scenario {
            what: "fetch 50 pages, an async client available",
            workload: w(Io, 50, true, false),
            model: Threads,
            because: "low volume (under 100 operations): threads are as fast here and simpler; async pays off at high volume (the 'asyncio is always faster' myth)",
        },
        Scenario {
            what: "call 5,000 REST endpoints with an async client",
            workload: w(Io, 5_000, true, false),
            model: Async,
            because: "high-volume waiting: thousands of tasks cost kilobytes each where threads cost a stack and a spawn each (06/01)",
        },
        Scenario {
            what: "a chat server holding 10,000 open websockets",
            workload: w(Io, 10_000, true, false),
            model: Async,
            because: "ten thousand mostly idle connections: one task each is cheap, one thread each is not",
        },
        Scenario {
            what: "2,000 queries through a legacy blocking database driver",
            workload: w(Io, 2_000, false, false),
            model: Threads,
            because: "only a blocking library exists: async would have to hand every call to a thread anyway (spawn_blocking), so use a pool of threads directly",
        },
        Scenario {
            what: "crawl 1,000 pages and parse each",
            workload: w(Mixed, 1_000, true, false),
            model: AsyncWithPool,
            because: "waiting and computing together: async for the fetches, a thread pool for the parsing, overlapped (08/01)",
        },
        Scenario {
            what: "a web API that hashes passwords per request",
            workload: w(Mixed, 5_000, true, false),
            model: AsyncWithPool,
            because: "many requests (async) with CPU-heavy work in each: move the hashing off the runtime (06/03)",
        },
        Scenario {
            what: "run an image decoder written in C, which can crash, on user uploads",
            workload: w(Cpu, 500, false, true),
            model: Processes,
            because: "a crash in a thread takes the whole program down; a crash in a worker process takes only that worker (05/03)",
        },
        Scenario {
            what: "transcode videos with a library that leaks memory",
            workload: w(Cpu, 40, false, true),
            model: Processes,
            because: "a process gives its memory back when it ends: restart workers to contain the leak",
        },
        Scenario {
            what: "fetch pages through a scraper plugin that may hang or crash",
            workload: w(Io, 200, true, true),
            model: Processes,
            because: "isolation comes first: whatever the workload, code that can take the process down belongs in another process",
        },
        Scenario {
            what: "check 300 URLs with an async client",
            workload: w(Io, 300, true, false),
            model: Async,
            because: "100 operations or more with an async library: async is the rule from there on",
        },
    ]
}

/// Checks a `choose` and writes the report.
pub fn main(choose: impl Fn(&Workload) -> Model) {
    crate::main(NAME, || check(choose));
}

/// Checks a `choose`.
pub fn check(choose: impl Fn(&Workload) -> Model) -> Report {
    let report = Report::new(NAME);
    let table = scenarios();
    let wrong: Vec<(&Scenario, Model)> = table
        .iter()
        .map(|s| (s, choose(&s.workload)))
        .filter(|(s, got)| *got != s.model)
        .collect();
    if wrong.is_empty() {
        return report.with(Evidence::pass(
            "correct",
            format!(
                "{} of {} workloads matched to the right model",
                table.len(),
                table.len()
            ),
        ));
    }
    let explain = |(s, got): &(&Scenario, Model)| {
        format!(
            "\"{}\": you chose {got:?}; {:?}, because {}",
            s.what, s.model, s.because
        )
    };
    let mut shown: Vec<String> = wrong.iter().take(3).map(explain).collect();
    if wrong.len() > 3 {
        shown.push(format!("and {} more", wrong.len() - 3));
    }
    report
        .with(Evidence::fail(
            "correct",
            format!(
                "{} of {} workloads right; {}",
                table.len() - wrong.len(),
                table.len(),
                shown.join("; ")
            ),
        ))
        .diagnose(format!("First mistake: {}.", explain(&wrong[0])))
}
