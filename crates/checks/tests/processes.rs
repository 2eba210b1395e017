//! The wrong-but-tempting versions of chapter 05 (processes) fail their
//! checks, on the evidence and with the diagnosis a learner who wrote them
//! needs.
//!
//! Their workers are this test binary started again: with `--worker NAME`
//! it serves as fixture NAME's worker, with `--reference-worker` as the
//! checker's own; otherwise libtest-mimic runs the tests, one at a time,
//! since the checks measure time and count this process's children.
//! `SHOW_REPORTS=1` prints every fixture's report.

use std::io;

use libtest_mimic::{Arguments, Failed, Trial};
use measured::process::{Spawner, WORKER_ARG};

mod support;

macro_rules! fixtures {
    ($(
        $name:ident: $path:literal, |$f:ident, $spawner:ident| $check:expr, $evidence:literal, $cause:literal;
    )*) => {
        $(
            #[path = $path]
            #[allow(dead_code)]
            mod $name;
        )*

        /// Serves as fixture `name`'s worker.
        fn worker(name: &str) -> io::Result<()> {
            match name {
                $(stringify!($name) => $name::worker(io::stdin().lock(), io::stdout().lock()),)*
                other => Err(io::Error::other(format!("no fixture called {other}"))),
            }
        }

        fn trials() -> Vec<Trial> {
            vec![$(
                Trial::test(stringify!($name), || {
                    use $name as $f;
                    let spawner = || Spawner::this_program([WORKER_ARG, stringify!($name)]);
                    spawner().map_err(|e| Failed::from(e.to_string()))?;
                    support::wrong_one(
                        stringify!($name),
                        || {
                            let $spawner = spawner().expect("made once already");
                            checks::run("fixture", || $check)
                        },
                        $evidence,
                        $cause,
                    )
                    .map_err(Failed::from)
                }),
            )*]
        }
    };
}

fixtures! {
    // 05/01 worker processes
    worker_processes_in_parent:
        "../../../solutions/05_processes/01_worker_processes/wrong/in_parent.rs",
        |f, spawner| checks::worker_processes::check(f::run, spawner),
        "in workers", "The work ran in the parent process";
    worker_processes_one_at_a_time:
        "../../../solutions/05_processes/01_worker_processes/wrong/one_at_a_time.rs",
        |f, spawner| checks::worker_processes::check(f::run, spawner),
        "concurrent", "1 task in flight at a time";
    worker_processes_never_waits:
        "../../../solutions/05_processes/01_worker_processes/wrong/never_waits.rs",
        |f, spawner| checks::worker_processes::check(f::run, spawner),
        "in workers", "call `child.wait()` on every worker";

    worker_processes_cached_by_id:
        "../../../solutions/05_processes/01_worker_processes/wrong/cached_by_id.rs",
        |f, spawner| checks::worker_processes::check(f::run, spawner),
        "correct", "an answer kept from an earlier run";
    worker_processes_threads_after_checked_run:
        "../../../solutions/05_processes/01_worker_processes/wrong/threads_after_checked_run.rs",
        |f, spawner| checks::worker_processes::check(f::run, spawner),
        "in workers", "a timed run did it in this process";
    worker_processes_keeps_workers_alive:
        "../../../solutions/05_processes/01_worker_processes/wrong/keeps_workers_alive.rs",
        |f, spawner| checks::worker_processes::check(f::run, spawner),
        "cleaned up", "Workers were still running when your function returned";

    // 05/02 process pool
    process_pool_relabelled_by_the_parent:
        "../../../solutions/05_processes/02_process_pool/wrong/relabelled_by_the_parent.rs",
        |f, spawner| checks::process_pool::check(f::Pool::new, f::Pool::map, spawner),
        "in workers", "computed somewhere else";
    process_pool_process_per_task:
        "../../../solutions/05_processes/02_process_pool/wrong/process_per_task.rs",
        |f, spawner| checks::process_pool::check(f::Pool::new, f::Pool::map, spawner),
        "persistent", "Start the workers once";
    process_pool_drops_the_tail:
        "../../../solutions/05_processes/02_process_pool/wrong/drops_the_tail.rs",
        |f, spawner| checks::process_pool::check(f::Pool::new, f::Pool::map, spawner),
        "correct", "`chunks_exact` drops it";
    process_pool_writes_everything_first:
        "../../../solutions/05_processes/02_process_pool/wrong/writes_everything_first.rs",
        |f, spawner| checks::process_pool::check(f::Pool::new, f::Pool::map, spawner),
        "correct", "full pipe";

    process_pool_fresh_workers_per_map:
        "../../../solutions/05_processes/02_process_pool/wrong/fresh_workers_per_map.rs",
        |f, spawner| checks::process_pool::check(f::Pool::new, f::Pool::map, spawner),
        "persistent", "the OS counts every process";
    process_pool_one_worker_at_a_time:
        "../../../solutions/05_processes/02_process_pool/wrong/one_worker_at_a_time.rs",
        |f, spawner| checks::process_pool::check(f::Pool::new, f::Pool::map, spawner),
        "side by side", "One worker computed at a time";
    process_pool_remembers_last_map:
        "../../../solutions/05_processes/02_process_pool/wrong/remembers_last_map.rs",
        |f, spawner| checks::process_pool::check(f::Pool::new, f::Pool::map, spawner),
        "correct", "answers kept from an earlier map are wrong";

    process_pool_in_parent:
        "../../../solutions/05_processes/02_process_pool/wrong/in_parent.rs",
        |f, spawner| checks::process_pool::check(f::Pool::new, f::Pool::map, spawner),
        "in workers", "The pool ran tasks in the parent process";

    // 05/03 crash isolation
    crash_isolation_panics_on_a_crash:
        "../../../solutions/05_processes/03_crash_isolation/wrong/panics_on_a_crash.rs",
        |f, spawner| checks::crash_isolation::check(f::run, spawner),
        "survives", "took the parent down too";
    crash_isolation_gives_up:
        "../../../solutions/05_processes/03_crash_isolation/wrong/gives_up.rs",
        |f, spawner| checks::crash_isolation::check(f::run, spawner),
        "correct", "start a new worker in place of the dead one";
    crash_isolation_leaves_the_dead:
        "../../../solutions/05_processes/03_crash_isolation/wrong/leaves_the_dead.rs",
        |f, spawner| checks::crash_isolation::check(f::run, spawner),
        "cleaned up", "a dead child is a zombie until you wait for it";
    crash_isolation_screens_in_parent:
        "../../../solutions/05_processes/03_crash_isolation/wrong/screens_in_parent.rs",
        |f, spawner| checks::crash_isolation::check(f::run, spawner),
        "in workers", "The tasks ran in the parent process";
    crash_isolation_one_worker:
        "../../../solutions/05_processes/03_crash_isolation/wrong/one_worker.rs",
        |f, spawner| checks::crash_isolation::check(f::run, spawner),
        "side by side", "a crash pool is still a pool";
    crash_isolation_process_per_task:
        "../../../solutions/05_processes/03_crash_isolation/wrong/process_per_task.rs",
        |f, spawner| checks::crash_isolation::check(f::run, spawner),
        "persistent", "Your pool starts a process per task";
}

fn main() {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some(WORKER_ARG) {
        let name = args.next().unwrap_or_default();
        checks::processes::exit_with(worker(&name));
    }
    checks::processes::serve_if_worker(|_, _| unreachable!("handled above"));
    let mut arguments = Arguments::from_args();
    arguments.test_threads = Some(1);
    libtest_mimic::run(&arguments, trials()).exit();
}
