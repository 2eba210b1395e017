//! The checker's answers for the exercises that decide something: 01/02's
//! kinds of work ([`kinds`]) and 09/02's models ([`models`]), with the
//! workloads they are asked about, some of them made up afresh every run.

/// 01/02: what kind of work used `cpu` in `wall`, by the exercise's rules.
pub mod kinds {
    use std::time::Duration;

    use measured::profile::Kind;

    /// The rules, exactly (in whole nanoseconds, no rounding): with
    /// `ratio = cpu / wall`, at least 0.7 is CPU-bound, at most 0.2 is
    /// I/O-bound, anything between is mixed; a zero wall time is CPU-bound
    /// only if there was CPU time.
    pub fn kind(wall: Duration, cpu: Duration) -> Kind {
        let (wall, cpu) = (wall.as_nanos(), cpu.as_nanos());
        if wall == 0 {
            return if cpu == 0 {
                Kind::IoBound
            } else {
                Kind::CpuBound
            };
        }
        if 10 * cpu >= 7 * wall {
            Kind::CpuBound
        } else if 10 * cpu <= 2 * wall {
            Kind::IoBound
        } else {
            Kind::Mixed
        }
    }

    /// Whether `cpu / wall` is exactly one of the thresholds.
    pub fn on_a_threshold(wall: Duration, cpu: Duration) -> bool {
        let (wall, cpu) = (wall.as_nanos(), cpu.as_nanos());
        wall > 0 && (10 * cpu == 7 * wall || 10 * cpu == 2 * wall)
    }

    /// The (wall, cpu) pairs `classify` is asked about: every threshold
    /// at, one nanosecond below and above, at several scales; zero wall
    /// times; short times whose fractions of a millisecond decide; then
    /// `random` more made from `seed`, none within a millionth of a
    /// threshold (where the exact rule and `f64` division may disagree).
    pub fn probes(seed: u64, random: usize) -> Vec<(Duration, Duration)> {
        let ms = Duration::from_millis;
        let us = Duration::from_micros;
        let ns = Duration::from_nanos;
        let mut probes = vec![
            (ms(100), ms(100)),
            (ms(100), ms(190)),
            (ms(100), ms(50)),
            (ms(1000), ms(0)),
            // 0.7: at, below, above.
            (ms(1000), ms(700)),
            (ms(1000), ns(699_999_999)),
            (ms(1000), ns(700_000_001)),
            (ms(100), ms(70)),
            (ms(100), ms(69)),
            (ms(100), ms(71)),
            (ms(10), ms(7)),
            (us(10), us(7)),
            (ns(10), ns(7)),
            // 0.2: at, below, above.
            (ms(1000), ms(200)),
            (ms(1000), ns(199_999_999)),
            (ms(1000), ns(200_000_001)),
            (ms(100), ms(20)),
            (ms(100), ms(19)),
            (ms(100), ms(21)),
            (ms(10), ms(2)),
            (us(10), us(2)),
            (ns(10), ns(2)),
            // No wall time at all.
            (ms(0), ms(0)),
            (ms(0), ms(3)),
            (ms(0), ns(1)),
            // Fractions of a millisecond decide.
            (us(1_900), us(1_000)),
            (us(1_900), us(300)),
            (us(2_500), us(600)),
            (us(999), us(700)),
        ];
        let mut state = seed;
        let mut next = || {
            state = measured::kernel::mix(state);
            state
        };
        let fixed = probes.len();
        while probes.len() < fixed + random {
            // Wall from 1 us to 10 s, spread over the scales; ratio 0 to 2.5.
            let base = 1_000 * 10u64.pow((next() % 7) as u32);
            let wall = base + next() % (9 * base);
            let ratio = (next() % 2_500_001) as f64 / 1_000_000.0;
            let cpu = (wall as f64 * ratio) as u64;
            let exact = cpu as f64 / wall as f64;
            if (exact - 0.7).abs() < 1e-6 || (exact - 0.2).abs() < 1e-6 {
                continue;
            }
            probes.push((ns(wall.max(1)), ns(cpu)));
        }
        probes
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// The solution's way: `f64` seconds.
        fn by_f64(wall: Duration, cpu: Duration) -> Kind {
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

        #[test]
        fn both_sides_of_each_threshold() {
            let ms = Duration::from_millis;
            let ns = Duration::from_nanos;
            assert_eq!(kind(ms(1000), ms(700)), Kind::CpuBound);
            assert_eq!(kind(ms(1000), ns(699_999_999)), Kind::Mixed);
            assert_eq!(kind(ms(1000), ms(200)), Kind::IoBound);
            assert_eq!(kind(ms(1000), ns(200_000_001)), Kind::Mixed);
            assert_eq!(kind(ms(0), ms(0)), Kind::IoBound);
            assert_eq!(kind(ms(0), ns(1)), Kind::CpuBound);
            assert!(on_a_threshold(ms(10), ms(7)));
            assert!(on_a_threshold(ms(10), ms(2)));
            assert!(!on_a_threshold(ms(10), ns(6_999_999)));
            assert!(!on_a_threshold(ms(0), ms(0)));
        }

        #[test]
        fn a_right_f64_classify_agrees_on_every_probe() {
            for seed in 0..200 {
                for (wall, cpu) in probes(seed, 40) {
                    assert_eq!(by_f64(wall, cpu), kind(wall, cpu), "{wall:?} {cpu:?}");
                }
            }
        }

        #[test]
        fn probes_differ_from_seed_to_seed() {
            assert_ne!(probes(1, 10), probes(2, 10));
            assert_eq!(probes(1, 10).len(), 39);
        }
    }
}

/// 09/02: the course's flowchart as the checker's own function, the
/// described workloads of the book, and workloads made up per run.
pub mod models {
    use measured::choosing::{Kind, Model, Workload};

    /// Below this many operations, I/O-bound work is as fast on threads.
    pub const HIGH_VOLUME: usize = 100;

    /// One workload, the model the rules give, and why.
    #[derive(Debug, Clone)]
    pub struct Scenario {
        /// In words.
        pub what: String,
        /// As the flowchart sees it.
        pub workload: Workload,
        /// The right model.
        pub model: Model,
        /// Why, for the learner who chose something else.
        pub because: String,
    }

    /// The flowchart, its questions in order: the model and why.
    pub fn rule(w: &Workload) -> (Model, &'static str) {
        if w.needs_isolation {
            return (
                Model::Processes,
                "isolation comes first: whatever the workload, code that can crash, hang or leak takes only its worker process down, not yours (05/03)",
            );
        }
        match w.kind {
            Kind::Light => (
                Model::Sequential,
                "there is almost nothing to do: any concurrency costs more than it saves, and sequential code is the easiest to get right",
            ),
            Kind::Cpu => (
                Model::Rayon,
                "CPU-bound: Rust threads run in parallel (there is no GIL), and rayon spreads the items over every core; processes would buy isolation you don't need",
            ),
            Kind::Mixed => (
                Model::AsyncWithPool,
                "waiting and computing together: async for the waiting, a thread pool for the computing (08/01), whatever the library",
            ),
            Kind::Io if !w.async_library => (
                Model::Threads,
                "only a blocking library exists: async would have to hand every call to a thread anyway (spawn_blocking), so use threads directly",
            ),
            Kind::Io if w.operations < HIGH_VOLUME => (
                Model::Threads,
                "fewer than 100 operations: threads are as fast here and simpler; async pays off at high volume",
            ),
            Kind::Io => (
                Model::Async,
                "100 operations or more with an async library: async is the rule from there on",
            ),
        }
    }

    const fn w(
        kind: Kind,
        operations: usize,
        async_library: bool,
        needs_isolation: bool,
    ) -> Workload {
        Workload {
            kind,
            operations,
            async_library,
            needs_isolation,
        }
    }

    /// The workloads the book describes, with the book's reasons.
    pub fn described() -> Vec<Scenario> {
        use Kind::*;
        let table: [(&str, Workload, &str); 16] = [
            (
                "read a 2 KB config file at start-up",
                w(Light, 1, true, false),
                "there is almost nothing to do: any concurrency costs more than it saves, and sequential code is the easiest to get right",
            ),
            (
                "add up 100 numbers",
                w(Light, 100, false, false),
                "a few microseconds of work: starting even one thread (about 35 µs here) costs more",
            ),
            (
                "resize 10,000 photos",
                w(Cpu, 10_000, false, false),
                "CPU-bound work on independent items: in Rust, threads run in parallel (there is no GIL), and rayon spreads the items over every core",
            ),
            (
                "render one Mandelbrot frame, row by row",
                w(Cpu, 1_080, false, false),
                "CPU-bound and data-parallel: rayon's work stealing also balances rows of uneven cost (04/02)",
            ),
            (
                "compress 300 log files",
                w(Cpu, 300, false, false),
                "CPU-bound: processes would buy isolation you don't need at a higher start-up and copying cost; Python needs them only because of the GIL",
            ),
            (
                "download 20 files with a blocking HTTP client",
                w(Io, 20, false, false),
                "a few blocking waits: a thread each (or a small pool) overlaps them simply, as in 03/01",
            ),
            (
                "fetch 50 pages, an async client available",
                w(Io, 50, true, false),
                "low volume (under 100 operations): threads are as fast here and simpler; async pays off at high volume (the 'asyncio is always faster' myth)",
            ),
            (
                "call 5,000 REST endpoints with an async client",
                w(Io, 5_000, true, false),
                "high-volume waiting: thousands of tasks cost kilobytes each where threads cost a stack and a spawn each (06/01)",
            ),
            (
                "a chat server holding 10,000 open websockets",
                w(Io, 10_000, true, false),
                "ten thousand mostly idle connections: one task each is cheap, one thread each is not",
            ),
            (
                "2,000 queries through a legacy blocking database driver",
                w(Io, 2_000, false, false),
                "only a blocking library exists: async would have to hand every call to a thread anyway (spawn_blocking), so use a pool of threads directly",
            ),
            (
                "crawl 1,000 pages and parse each",
                w(Mixed, 1_000, true, false),
                "waiting and computing together: async for the fetches, a thread pool for the parsing, overlapped (08/01)",
            ),
            (
                "a web API that hashes passwords per request",
                w(Mixed, 5_000, true, false),
                "many requests (async) with CPU-heavy work in each: move the hashing off the runtime (06/03)",
            ),
            (
                "run an image decoder written in C, which can crash, on user uploads",
                w(Cpu, 500, false, true),
                "a crash in a thread takes the whole program down; a crash in a worker process takes only that worker (05/03)",
            ),
            (
                "transcode videos with a library that leaks memory",
                w(Cpu, 40, false, true),
                "a process gives its memory back when it ends: restart workers to contain the leak",
            ),
            (
                "fetch pages through a scraper plugin that may hang or crash",
                w(Io, 200, true, true),
                "isolation comes first: whatever the workload, code that can take the process down belongs in another process",
            ),
            (
                "check 300 URLs with an async client",
                w(Io, 300, true, false),
                "100 operations or more with an async library: async is the rule from there on",
            ),
        ];
        table
            .into_iter()
            .map(|(what, workload, because)| Scenario {
                what: what.into(),
                model: rule(&workload).0,
                workload,
                because: because.into(),
            })
            .collect()
    }

    /// Workloads no one has seen: every combination of kind, library and
    /// isolation, each at 99, 100 and 101 operations, at 1, and at two
    /// counts drawn from `seed` (one below the volume threshold, one
    /// above), in an order drawn from `seed` too.
    pub fn made_up(seed: u64) -> Vec<Scenario> {
        let mut state = seed;
        let mut next = || {
            state = measured::kernel::mix(state);
            state
        };
        let mut scenarios = Vec::new();
        for kind in [Kind::Light, Kind::Cpu, Kind::Io, Kind::Mixed] {
            for async_library in [false, true] {
                for needs_isolation in [false, true] {
                    let low = 2 + (next() % 97) as usize;
                    let high = 102 + (next() % 99_899) as usize;
                    for operations in [1, low, 99, 100, 101, high] {
                        let workload = w(kind, operations, async_library, needs_isolation);
                        let (model, because) = rule(&workload);
                        scenarios.push(Scenario {
                            what: describe(&workload),
                            workload,
                            model,
                            because: because.into(),
                        });
                    }
                }
            }
        }
        // Fisher-Yates, so the order says nothing either.
        for i in (1..scenarios.len()).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            scenarios.swap(i, j);
        }
        scenarios
    }

    /// A made-up workload in words.
    pub fn describe(w: &Workload) -> String {
        let kind = match w.kind {
            Kind::Light => "light work (a few milliseconds in all)",
            Kind::Cpu => "CPU-bound work",
            Kind::Io => "I/O-bound work",
            Kind::Mixed => "mixed work (waiting, then computing)",
        };
        let library = if w.async_library {
            "an async library available"
        } else {
            "only a blocking library"
        };
        let isolation = if w.needs_isolation {
            ", which can crash the process"
        } else {
            ""
        };
        format!("{kind}: {} operations, {library}{isolation}", w.operations)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_volume_threshold_from_both_sides() {
            let io = |n| rule(&w(Kind::Io, n, true, false)).0;
            assert_eq!(io(99), Model::Threads);
            assert_eq!(io(100), Model::Async);
            assert_eq!(io(101), Model::Async);
            assert_eq!(rule(&w(Kind::Io, 5_000, false, false)).0, Model::Threads);
        }

        #[test]
        fn isolation_comes_before_every_kind() {
            for kind in [Kind::Light, Kind::Cpu, Kind::Io, Kind::Mixed] {
                assert_eq!(rule(&w(kind, 10, true, true)).0, Model::Processes);
            }
            assert_eq!(
                rule(&w(Kind::Mixed, 10, false, false)).0,
                Model::AsyncWithPool
            );
        }

        #[test]
        fn the_described_table_follows_the_rules_as_the_book_gave_them() {
            let models: Vec<Model> = described().iter().map(|s| s.model).collect();
            use Model::*;
            assert_eq!(
                models,
                [
                    Sequential,
                    Sequential,
                    Rayon,
                    Rayon,
                    Rayon,
                    Threads,
                    Threads,
                    Async,
                    Async,
                    Threads,
                    AsyncWithPool,
                    AsyncWithPool,
                    Processes,
                    Processes,
                    Processes,
                    Async
                ]
            );
        }

        #[test]
        fn made_up_workloads_cover_every_question_and_change_per_seed() {
            let a = made_up(1);
            assert_eq!(a.len(), 4 * 2 * 2 * 6);
            let ops = |s: &[Scenario]| s.iter().map(|s| s.workload.operations).collect::<Vec<_>>();
            assert_ne!(ops(&a), ops(&made_up(2)));
            for n in [99, 100, 101] {
                assert!(a.iter().any(|s| s.workload.operations == n
                    && s.workload.kind == Kind::Io
                    && s.workload.async_library
                    && !s.workload.needs_isolation));
            }
        }
    }
}
