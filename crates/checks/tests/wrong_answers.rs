//! Every wrong-but-tempting version kept beside a solution (`wrong/`) fails
//! its exercise's checks, on the evidence and with the diagnosis a learner
//! who wrote it needs; every other right way of solving it kept beside the
//! solution (`right/`, the ways the book also calls right) passes them
//! (speed may be "not judged" on a busy machine). The fixtures are modules
//! of this one test binary; the right ones' tests are named `right_...`.
//!
//! libtest-mimic runs them one at a time on the main thread: the checks
//! measure time and count the threads this process starts, so no other
//! test may run, or even start its thread, during a check (libtest's own
//! harness starts a thread per test, which a check would count as one the
//! learner left running). `SHOW_REPORTS=1` prints every fixture's report.

use libtest_mimic::{Arguments, Failed, Trial};

mod support;

macro_rules! fixtures {
    ($(
        $name:ident: $path:literal, |$f:ident| $check:expr, $evidence:literal, $cause:literal;
    )*) => {
        $(
            #[path = $path]
            #[allow(dead_code)]
            mod $name;
        )*

        fn trials() -> Vec<Trial> {
            vec![$(
                Trial::test(stringify!($name), || {
                    use $name as $f;
                    support::wrong_one(
                        stringify!($name),
                        || checks::run("fixture", || $check),
                        $evidence,
                        $cause,
                    )
                    .map_err(Failed::from)
                }),
            )*]
        }
    };
}

macro_rules! rights {
    ($(
        $name:ident: $path:literal, |$f:ident| $check:expr;
    )*) => {
        $(
            #[path = $path]
            #[allow(dead_code)]
            mod $name;
        )*

        fn right_trials() -> Vec<Trial> {
            vec![$(
                Trial::test(stringify!($name), || {
                    use $name as $f;
                    let report = checks::run("fixture", || $check);
                    support::show(&report);
                    support::passes(&report).map_err(Failed::from)
                }),
            )*]
        }
    };
}

/// 09/01 spawn costs: the process measured is `true`, which exits at once.
fn exits_at_once() -> measured::process::Spawner {
    measured::process::Spawner::new("true", Vec::<String>::new())
}

fixtures! {
    // 01/01 heartbeat
    heartbeat_on_the_app_thread:
        "../../../solutions/01_why/01_heartbeat/wrong/on_the_app_thread.rs",
        |f| checks::heartbeat::check(f::run_app),
        "concurrent", "ran on the app's own thread";
    heartbeat_spawn_then_join:
        "../../../solutions/01_why/01_heartbeat/wrong/spawn_then_join.rs",
        |f| checks::heartbeat::check(f::run_app),
        "responsive", "are you joining the thread right after spawning it?";
    heartbeat_sleepy_ticks:
        "../../../solutions/01_why/01_heartbeat/wrong/sleepy_ticks.rs",
        |f| checks::heartbeat::check(f::run_app),
        "responsive", "sleep `App::TICK` between ticks";
    heartbeat_timer_thread_left_running:
        "../../../solutions/01_why/01_heartbeat/wrong/timer_thread_left_running.rs",
        |f| checks::heartbeat::check(f::run_app),
        "cleaned up", "still running after `run_app` returned";
    heartbeat_worker_kept_for_later:
        "../../../solutions/01_why/01_heartbeat/wrong/worker_kept_for_later.rs",
        |f| checks::heartbeat::check(f::run_app),
        "cleaned up", "still running after `run_app` returned";
    heartbeat_ticks_without_resting:
        "../../../solutions/01_why/01_heartbeat/wrong/ticks_without_resting.rs",
        |f| checks::heartbeat::check(f::run_app),
        "responsive", "its thread spun";
    heartbeat_ticked_from_a_helper:
        "../../../solutions/01_why/01_heartbeat/wrong/ticked_from_a_helper.rs",
        |f| checks::heartbeat::check(f::run_app),
        "responsive", "ticked from another thread";

    // 01/02 profile
    profile_wall_twice:
        "../../../solutions/01_why/02_profile/wrong/wall_twice.rs",
        |f| checks::profile::check(f::profile, f::classify),
        "times", "are you measuring wall time twice?";
    profile_calling_thread_only:
        "../../../solutions/01_why/02_profile/wrong/calling_thread_only.rs",
        |f| checks::profile::check(f::profile, f::classify),
        "times", "are you timing only the calling thread?";
    profile_upside_down_ratio:
        "../../../solutions/01_why/02_profile/wrong/upside_down_ratio.rs",
        |f| checks::profile::check(f::profile, f::classify),
        "classify", "upside down";
    profile_strict_thresholds:
        "../../../solutions/01_why/02_profile/wrong/strict_thresholds.rs",
        |f| checks::profile::check(f::profile, f::classify),
        "classify", "exactly on a threshold";
    profile_whole_milliseconds:
        "../../../solutions/01_why/02_profile/wrong/whole_milliseconds.rs",
        |f| checks::profile::check(f::profile, f::classify),
        "classify", "whole milliseconds";
    profile_zero_wall:
        "../../../solutions/01_why/02_profile/wrong/zero_wall.rs",
        |f| checks::profile::check(f::profile, f::classify),
        "classify", "zero wall time";
    profile_patched_for_known_workloads:
        "../../../solutions/01_why/02_profile/wrong/patched_for_known_workloads.rs",
        |f| checks::profile::check(f::profile, f::classify),
        "times", "Your CPU time is";

    // 03/01 download
    download_spawn_then_join:
        "../../../solutions/03_threads/01_download/wrong/spawn_then_join.rs",
        |f| checks::download::check(f::download_all),
        "concurrent", "1 request in flight at a time: are you joining each thread right after spawning it";
    download_thread_per_page:
        "../../../solutions/03_threads/01_download/wrong/thread_per_page.rs",
        |f| checks::download::check(f::download_all),
        "concurrent", "a thread per page?";
    download_completion_order:
        "../../../solutions/03_threads/01_download/wrong/completion_order.rs",
        |f| checks::download::check(f::download_all),
        "correct", "not the order of `urls`";
    download_waves:
        "../../../solutions/03_threads/01_download/wrong/waves.rs",
        |f| checks::download::check(f::download_all),
        "speed", "joining them all, then starting the next";
    download_static_cache:
        "../../../solutions/03_threads/01_download/wrong/static_cache.rs",
        |f| checks::download::check(f::download_all),
        "correct", "from an earlier call";
    download_made_up_pages:
        "../../../solutions/03_threads/01_download/wrong/made_up_pages.rs",
        |f| checks::download::check(f::download_all),
        "correct", "cannot be made up";
    download_lock_across_fetch:
        "../../../solutions/03_threads/01_download/wrong/lock_across_fetch.rs",
        |f| checks::download::check(f::download_all),
        "concurrent", "holding a lock while fetching";
    download_static_pool:
        "../../../solutions/03_threads/01_download/wrong/static_pool.rs",
        |f| checks::download::check(f::download_all),
        "cleaned up", "Threads outlived the call";

    // 03/02 lost updates
    lost_updates_argument_order_locks:
        "../../../solutions/03_threads/02_lost_updates/wrong/argument_order_locks.rs",
        |f| checks::lost_updates::check(checks::bank_ops!(f::Bank)),
        "no deadlock", "Deadlock";
    lost_updates_check_then_act:
        "../../../solutions/03_threads/02_lost_updates/wrong/check_then_act.rs",
        |f| checks::lost_updates::check(checks::bank_ops!(f::Bank)),
        "no overdraft", "went below zero";
    lost_updates_half_fixed_atomics:
        "../../../solutions/03_threads/02_lost_updates/wrong/half_fixed_atomics.rs",
        |f| checks::lost_updates::check(checks::bank_ops!(f::Bank)),
        "no overdraft", "went below zero";
    lost_updates_transfer_check_then_act:
        "../../../solutions/03_threads/02_lost_updates/wrong/transfer_check_then_act.rs",
        |f| checks::lost_updates::check(checks::bank_ops!(f::Bank)),
        "no overdraft", "`transfer` must check and take in one step";
    lost_updates_transfer_without_check:
        "../../../solutions/03_threads/02_lost_updates/wrong/transfer_without_check.rs",
        |f| checks::lost_updates::check(checks::bank_ops!(f::Bank)),
        "no overdraft", "`transfer` must refuse";
    lost_updates_transfer_reports_without_moving:
        "../../../solutions/03_threads/02_lost_updates/wrong/transfer_reports_without_moving.rs",
        |f| checks::lost_updates::check(checks::bank_ops!(f::Bank)),
        "totals", "`transfer` must return true exactly when";
    lost_updates_self_transfer_deadlock:
        "../../../solutions/03_threads/02_lost_updates/wrong/self_transfer_deadlock.rs",
        |f| checks::lost_updates::check(checks::bank_ops!(f::Bank)),
        "no deadlock", "to itself never returned";
    lost_updates_total_locks_backwards:
        "../../../solutions/03_threads/02_lost_updates/wrong/total_locks_backwards.rs",
        |f| checks::lost_updates::check(checks::bank_ops!(f::Bank)),
        "no deadlock", "between `total`";

    // 03/03 thread pool
    thread_pool_thread_per_job:
        "../../../solutions/03_threads/03_thread_pool/wrong/thread_per_job.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "bounded", "a new thread per job?";
    thread_pool_dies_on_panic:
        "../../../solutions/03_threads/03_thread_pool/wrong/dies_on_panic.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "panics", "a panic killed the worker";
    thread_pool_lock_held_while_running:
        "../../../solutions/03_threads/03_thread_pool/wrong/lock_held_while_running.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "bounded", "holding the queue's lock while it runs its job?";
    thread_pool_drop_without_join:
        "../../../solutions/03_threads/03_thread_pool/wrong/drop_without_join.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "shutdown", "close the queue (drop the sender), then join every worker";
    thread_pool_runs_on_caller:
        "../../../solutions/03_threads/03_thread_pool/wrong/runs_on_caller.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "correct", "`submit` should queue the job for a worker, not run it";
    thread_pool_map_thread_per_item:
        "../../../solutions/03_threads/03_thread_pool/wrong/map_thread_per_item.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "bounded", "`map` started more threads";
    thread_pool_map_one_at_a_time:
        "../../../solutions/03_threads/03_thread_pool/wrong/map_one_at_a_time.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "bounded", "`map` ran one item at a time";
    thread_pool_map_without_catch_unwind:
        "../../../solutions/03_threads/03_thread_pool/wrong/map_without_catch_unwind.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "panics", "`map`";
    thread_pool_round_robin_queues:
        "../../../solutions/03_threads/03_thread_pool/wrong/round_robin_queues.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "one queue", "a queue of its own";
    thread_pool_supervisor_left_running:
        "../../../solutions/03_threads/03_thread_pool/wrong/supervisor_left_running.rs",
        |f| checks::thread_pool::check(checks::pool_adapter!(f::ThreadPool)),
        "shutdown", "and any other thread the pool started";

    // 04/01 map-reduce with rayon
    map_reduce_forgot_par_iter:
        "../../../solutions/04_parallelism/01_map_reduce/wrong/forgot_par_iter.rs",
        |f| checks::map_reduce::check(f::total),
        "concurrent", "is it `iter()` where `into_par_iter()` belongs";
    map_reduce_lock_around_the_work:
        "../../../solutions/04_parallelism/01_map_reduce/wrong/lock_around_the_work.rs",
        |f| checks::map_reduce::check(f::total),
        "concurrent", "a lock held around the work";
    map_reduce_cached_after_first_run:
        "../../../solutions/04_parallelism/01_map_reduce/wrong/cached_after_first_run.rs",
        |f| checks::map_reduce::check(f::total),
        "correct", "the answer to an earlier run";
    map_reduce_answer_from_a_hidden_copy:
        "../../../solutions/04_parallelism/01_map_reduce/wrong/answer_from_a_hidden_copy.rs",
        |f| checks::map_reduce::check(f::total),
        "work", "showing the checker a few chunks while the answer comes from elsewhere";
    map_reduce_every_chunk_twice:
        "../../../solutions/04_parallelism/01_map_reduce/wrong/every_chunk_twice.rs",
        |f| checks::map_reduce::check(f::total),
        "work", "Some chunks ran more than once";

    // 04/03 scoped threads
    scoped_sum_spawn_then_join:
        "../../../solutions/04_parallelism/03_scoped_sum/wrong/spawn_then_join.rs",
        |f| checks::scoped_sum::check(f::total),
        "concurrent", "are you joining each thread right after spawning it?";
    scoped_sum_ninety_ten:
        "../../../solutions/04_parallelism/03_scoped_sum/wrong/ninety_ten.rs",
        |f| checks::scoped_sum::check(f::total),
        "concurrent", "most of the work";
    scoped_sum_cached_in_a_static:
        "../../../solutions/04_parallelism/03_scoped_sum/wrong/cached_in_a_static.rs",
        |f| checks::scoped_sum::check(f::total),
        "correct", "the answer to an earlier run";
    scoped_sum_hidden_copy_for_show:
        "../../../solutions/04_parallelism/03_scoped_sum/wrong/hidden_copy_for_show.rs",
        |f| checks::scoped_sum::check(f::total),
        "work", "showing the checker a few chunks while the answer comes from elsewhere";
    scoped_sum_overlapping_ranges:
        "../../../solutions/04_parallelism/03_scoped_sum/wrong/overlapping_ranges.rs",
        |f| checks::scoped_sum::check(f::total),
        "work", "Some chunks ran more than once";

    // 04/02 Mandelbrot
    mandelbrot_two_halves:
        "../../../solutions/04_parallelism/02_mandelbrot/wrong/two_halves.rs",
        |f| checks::mandelbrot::check(f::render),
        "concurrent", "most of the work";
    mandelbrot_rows_as_they_finish:
        "../../../solutions/04_parallelism/02_mandelbrot/wrong/rows_as_they_finish.rs",
        |f| checks::mandelbrot::check(f::render),
        "correct", "The rows are all there, in another order";
    mandelbrot_picture_kept_from_the_first_render:
        "../../../solutions/04_parallelism/02_mandelbrot/wrong/picture_kept_from_the_first_render.rs",
        |f| checks::mandelbrot::check(f::render),
        "correct", "the answer to an earlier run";
    mandelbrot_rows_from_a_hidden_copy:
        "../../../solutions/04_parallelism/02_mandelbrot/wrong/rows_from_a_hidden_copy.rs",
        |f| checks::mandelbrot::check(f::render),
        "work", "showing the checker a few rows while the answer comes from elsewhere";
    mandelbrot_first_row_for_its_width:
        "../../../solutions/04_parallelism/02_mandelbrot/wrong/first_row_for_its_width.rs",
        |f| checks::mandelbrot::check(f::render),
        "work", "Some rows ran more than once";

    // 02/01 build a GIL
    build_a_gil_never_asks_to_switch:
        "../../../solutions/02_gil/01_build_a_gil/wrong/never_asks_to_switch.rs",
        |f| checks::build_a_gil::check(f::Gil::new),
        "fair", "a waiter must ask for it after a switch interval";
    build_a_gil_holds_the_lock_while_blocking:
        "../../../solutions/02_gil/01_build_a_gil/wrong/holds_the_lock_while_blocking.rs",
        |f| checks::build_a_gil::check(f::Gil::new),
        "io overlaps", "a blocking call must run without the lock";
    build_a_gil_no_lock_at_all:
        "../../../solutions/02_gil/01_build_a_gil/wrong/no_lock_at_all.rs",
        |f| checks::build_a_gil::check(f::Gil::new),
        "exclusive", "Two threads held the lock at once";
    build_a_gil_always_asks_to_switch:
        "../../../solutions/02_gil/01_build_a_gil/wrong/always_asks_to_switch.rs",
        |f| checks::build_a_gil::check(f::Gil::new),
        "switch interval", "let go more often than the switch interval";
    build_a_gil_counts_steps:
        "../../../solutions/02_gil/01_build_a_gil/wrong/counts_steps.rs",
        |f| checks::build_a_gil::check(f::Gil::new),
        "switch interval", "let go more often than the switch interval";
    build_a_gil_fixed_interval:
        "../../../solutions/02_gil/01_build_a_gil/wrong/fixed_interval.rs",
        |f| checks::build_a_gil::check(f::Gil::new),
        "switch interval", "let go more often than the switch interval";
    build_a_gil_lock_off_for_io:
        "../../../solutions/02_gil/01_build_a_gil/wrong/lock_off_for_io.rs",
        |f| checks::build_a_gil::check(f::Gil::new),
        "exclusive", "After a blocking call";

    // 02/02 one interpreter per worker
    interpreters_one_shared_interpreter:
        "../../../solutions/02_gil/02_interpreters/wrong/one_shared_interpreter.rs",
        |f| checks::interpreters::check(f::run_all),
        "concurrent", "do your threads share one interpreter?";
    interpreters_results_as_they_come:
        "../../../solutions/02_gil/02_interpreters/wrong/results_as_they_come.rs",
        |f| checks::interpreters::check(f::run_all),
        "correct", "out of order";
    interpreters_results_kept_from_the_first_batch:
        "../../../solutions/02_gil/02_interpreters/wrong/results_kept_from_the_first_batch.rs",
        |f| checks::interpreters::check(f::run_all),
        "correct", "the answer to an earlier run";
    interpreters_test_run_per_interpreter:
        "../../../solutions/02_gil/02_interpreters/wrong/test_run_per_interpreter.rs",
        |f| checks::interpreters::check(f::run_all),
        "work", "Some scripts ran more than once";
    interpreters_one_worker_per_core:
        "../../../solutions/02_gil/02_interpreters/wrong/one_worker_per_core.rs",
        |f| checks::interpreters::check(f::run_all),
        "concurrent", "instead of `workers`";

    // 06/01 gather
    gather_await_in_a_loop:
        "../../../solutions/06_async/01_gather/wrong/await_in_a_loop.rs",
        |f| checks::gather::check(f::fetch_all),
        "concurrent", "`.await` inside a loop waits for each request";
    gather_spawn_then_await:
        "../../../solutions/06_async/01_gather/wrong/spawn_then_await.rs",
        |f| checks::gather::check(f::fetch_all),
        "concurrent", "awaiting a spawned task's handle right after spawning it";
    gather_polite_sleep:
        "../../../solutions/06_async/01_gather/wrong/polite_sleep.rs",
        |f| checks::gather::check(f::fetch_all),
        "never blocks", "`std::thread::sleep`";
    gather_made_up_pages:
        "../../../solutions/06_async/01_gather/wrong/made_up_pages.rs",
        |f| checks::gather::check(f::fetch_all),
        "correct", "cannot be made up";
    gather_fetched_twice:
        "../../../solutions/06_async/01_gather/wrong/fetched_twice.rs",
        |f| checks::gather::check(f::fetch_all),
        "one request each", "Fetch each URL exactly once";
    gather_background_refresh:
        "../../../solutions/06_async/01_gather/wrong/background_refresh.rs",
        |f| checks::gather::check(f::fetch_all),
        "cleaned up", "never awaited";
    gather_refresh_on_a_thread:
        "../../../solutions/06_async/01_gather/wrong/refresh_on_a_thread.rs",
        |f| checks::gather::check(f::fetch_all),
        "cleaned up", "A thread of your own outlived the call";

    // 06/02 bounded
    bounded_unbounded:
        "../../../solutions/06_async/02_bounded/wrong/unbounded.rs",
        |f| checks::bounded::check(f::fetch_bounded),
        "within the limit", "The server turned requests away";
    bounded_permit_dropped:
        "../../../solutions/06_async/02_bounded/wrong/permit_dropped.rs",
        |f| checks::bounded::check(f::fetch_bounded),
        "within the limit", "`let _ = ...` drops it at once";
    bounded_in_order_slots:
        "../../../solutions/06_async/02_bounded/wrong/in_order_slots.rs",
        |f| checks::bounded::check(f::fetch_bounded),
        "concurrent", "`buffered(limit)` keeps a finished request in its slot";
    bounded_one_at_a_time:
        "../../../solutions/06_async/02_bounded/wrong/one_at_a_time.rs",
        |f| checks::bounded::check(f::fetch_bounded),
        "within the limit", "Fewer requests ran at once than the server allows";
    bounded_waves:
        "../../../solutions/06_async/02_bounded/wrong/waves.rs",
        |f| checks::bounded::check(f::fetch_bounded),
        "concurrent", "waves";
    bounded_fixed_shares:
        "../../../solutions/06_async/02_bounded/wrong/fixed_shares.rs",
        |f| checks::bounded::check(f::fetch_bounded),
        "concurrent", "fixed share";
    bounded_made_up_pages:
        "../../../solutions/06_async/02_bounded/wrong/made_up_pages.rs",
        |f| checks::bounded::check(f::fetch_bounded),
        "correct", "cannot be made up";

    // 06/03 don't block the loop
    dont_block_inline:
        "../../../solutions/06_async/03_dont_block/wrong/inline.rs",
        |f| checks::dont_block::check(f::handle),
        "responsive", "Move every blocking call and every heavy computation into `tokio::task::spawn_blocking";
    dont_block_tokio_spawn:
        "../../../solutions/06_async/03_dont_block/wrong/tokio_spawn.rs",
        |f| checks::dont_block::check(f::handle),
        "responsive", "`tokio::spawn` is not enough";
    dont_block_half_fixed:
        "../../../solutions/06_async/03_dont_block/wrong/half_fixed.rs",
        |f| checks::dont_block::check(f::handle),
        "responsive", "spawn_blocking";
    dont_block_owner_from_formula:
        "../../../solutions/06_async/03_dont_block/wrong/owner_from_formula.rs",
        |f| checks::dont_block::check(f::handle),
        "correct", "the only way to an owner is the call itself";
    dont_block_prefetch_next:
        "../../../solutions/06_async/03_dont_block/wrong/prefetch_next.rs",
        |f| checks::dont_block::check(f::handle),
        "one legacy call each", "exactly one legacy call per request";
    dont_block_looked_up_twice:
        "../../../solutions/06_async/03_dont_block/wrong/looked_up_twice.rs",
        |f| checks::dont_block::check(f::handle),
        "one legacy call each", "exactly one legacy call per request";

    // 06/04 deadlines
    deadlines_deadline_only:
        "../../../solutions/06_async/04_deadlines/wrong/deadline_only.rs",
        |f| checks::deadlines::check(f::fetch_with_deadlines),
        "correct", "wrap each request in `tokio::time::timeout(job_timeout";
    deadlines_select_around_all:
        "../../../solutions/06_async/04_deadlines/wrong/select_around_all.rs",
        |f| checks::deadlines::check(f::fetch_with_deadlines),
        "correct", "not as one `select!` around the whole batch";
    deadlines_label_afterwards:
        "../../../solutions/06_async/04_deadlines/wrong/label_afterwards.rs",
        |f| checks::deadlines::check(f::fetch_with_deadlines),
        "cancelled", "drop its future";
    deadlines_hedged:
        "../../../solutions/06_async/04_deadlines/wrong/hedged.rs",
        |f| checks::deadlines::check(f::fetch_with_deadlines),
        "one request each", "Fetch each URL exactly once";
    deadlines_background_retry:
        "../../../solutions/06_async/04_deadlines/wrong/background_retry.rs",
        |f| checks::deadlines::check(f::fetch_with_deadlines),
        "cleaned up", "never awaited";
    deadlines_retry_on_a_thread:
        "../../../solutions/06_async/04_deadlines/wrong/retry_on_a_thread.rs",
        |f| checks::deadlines::check(f::fetch_with_deadlines),
        "cleaned up", "A thread of your own outlived the call";
    deadlines_progress_ticker:
        "../../../solutions/06_async/04_deadlines/wrong/progress_ticker.rs",
        |f| checks::deadlines::check(f::fetch_with_deadlines),
        "cleaned up", "never awaited";

    // 07/01 pipeline
    pipeline_unbounded:
        "../../../solutions/07_channels/01_pipeline/wrong/unbounded.rs",
        |f| checks::pipeline::check(f::run),
        "bounded queues", "the channel is unbounded";
    pipeline_progress_thread_left:
        "../../../solutions/07_channels/01_pipeline/wrong/progress_thread_left.rs",
        |f| checks::pipeline::check(f::run),
        "threads exit", "join every thread you start";
    pipeline_thread_per_line:
        "../../../solutions/07_channels/01_pipeline/wrong/thread_per_line.rs",
        |f| checks::pipeline::check(f::run),
        "concurrent", "not a thread per line";
    pipeline_sender_kept:
        "../../../solutions/07_channels/01_pipeline/wrong/sender_kept.rs",
        |f| checks::pipeline::check(f::run),
        "correct", "including the one you created and cloned for the workers";
    pipeline_one_parser:
        "../../../solutions/07_channels/01_pipeline/wrong/one_parser.rs",
        |f| checks::pipeline::check(f::run),
        "concurrent", "the parsing stage has one thread";
    pipeline_records_kept_from_the_first_run:
        "../../../solutions/07_channels/01_pipeline/wrong/records_kept_from_the_first_run.rs",
        |f| checks::pipeline::check(f::run),
        "correct", "the answer to an earlier run";

    // 07/02 select
    select_blocking_recv:
        "../../../solutions/07_channels/02_select/wrong/blocking_recv.rs",
        |f| checks::select::check(f::batcher),
        "correct", "select!";
    select_spins_to_look_slow:
        "../../../solutions/07_channels/02_select/wrong/spins_to_look_slow.rs",
        |f| checks::select::check(f::batcher),
        "correct", "never returned after";
    select_empty_flush:
        "../../../solutions/07_channels/02_select/wrong/empty_flush.rs",
        |f| checks::select::check(f::batcher),
        "correct", "An empty batch was sent";
    select_empty_last_batch:
        "../../../solutions/07_channels/02_select/wrong/empty_last_batch.rs",
        |f| checks::select::check(f::batcher),
        "correct", "An empty batch was sent";
    select_timer_kept_after_flush:
        "../../../solutions/07_channels/02_select/wrong/timer_kept_after_flush.rs",
        |f| checks::select::check(f::batcher),
        "on time", "flushed batch's deadline";
    select_busy_poll:
        "../../../solutions/07_channels/02_select/wrong/busy_poll.rs",
        |f| checks::select::check(f::batcher),
        "sleeps while waiting", "polls instead of waiting";
    select_timer_from_last_value:
        "../../../solutions/07_channels/02_select/wrong/timer_from_last_value.rs",
        |f| checks::select::check(f::batcher),
        "on time", "do not restart it on every value";

    // 08/01 crawler
    crawler_fetch_then_parse:
        "../../../solutions/08_mixed/01_crawler/wrong/fetch_then_parse.rs",
        |f| checks::crawler::check(f::crawl),
        "overlapped", "Fetching and parsing took turns";
    crawler_parse_inline:
        "../../../solutions/08_mixed/01_crawler/wrong/parse_inline.rs",
        |f| checks::crawler::check(f::crawl),
        "responsive", "parsing is CPU work and ran on it";
    crawler_static_cache:
        "../../../solutions/08_mixed/01_crawler/wrong/static_cache.rs",
        |f| checks::crawler::check(f::crawl),
        "correct", "from an earlier call";
    crawler_parses_for_show:
        "../../../solutions/08_mixed/01_crawler/wrong/parses_for_show.rs",
        |f| checks::crawler::check(f::crawl),
        "one parse each", "Parse each page exactly once";
    crawler_fetched_twice:
        "../../../solutions/08_mixed/01_crawler/wrong/fetched_twice.rs",
        |f| checks::crawler::check(f::crawl),
        "one request each", "Fetch each URL exactly once";

    // 09/01 spawn costs
    spawn_costs_sleepy_thread:
        "../../../solutions/09_choosing/01_spawn_costs/wrong/sleepy_thread.rs",
        |f| checks::spawn_costs::check(f::measure, exits_at_once()),
        "order", "Your thread figure is";
    spawn_costs_wrong_divisor:
        "../../../solutions/09_choosing/01_spawn_costs/wrong/wrong_divisor.rs",
        |f| checks::spawn_costs::check(f::measure, exits_at_once()),
        "agrees", "Divide by the number of spawns";
    spawn_costs_hard_coded:
        "../../../solutions/09_choosing/01_spawn_costs/wrong/hard_coded.rs",
        |f| checks::spawn_costs::check(f::measure, exits_at_once()),
        "spawned", "Your process figure was not measured";
    spawn_costs_estimated_process:
        "../../../solutions/09_choosing/01_spawn_costs/wrong/estimated_process.rs",
        |f| checks::spawn_costs::check(f::measure, exits_at_once()),
        "spawned", "Your process figure was not measured";
    spawn_costs_spawns_without_waiting:
        "../../../solutions/09_choosing/01_spawn_costs/wrong/spawns_without_waiting.rs",
        |f| checks::spawn_costs::check(f::measure, exits_at_once()),
        "cleaned up", "times only the start";

    // 09/02 pick the model
    pick_the_model_python_habits:
        "../../../solutions/09_choosing/02_pick_the_model/wrong/python_habits.rs",
        |f| checks::pick_the_model::check(f::choose),
        "correct", "there is no GIL";
    pick_the_model_async_everywhere:
        "../../../solutions/09_choosing/02_pick_the_model/wrong/async_everywhere.rs",
        |f| checks::pick_the_model::check(f::choose),
        "correct", "you chose Async; Threads";
    pick_the_model_isolation_last:
        "../../../solutions/09_choosing/02_pick_the_model/wrong/isolation_last.rs",
        |f| checks::pick_the_model::check(f::choose),
        "correct", "a crash in a thread takes the whole program down";
    pick_the_model_volume_off_by_one:
        "../../../solutions/09_choosing/02_pick_the_model/wrong/volume_off_by_one.rs",
        |f| checks::pick_the_model::check(f::choose),
        "correct", "100 operations or more";
    pick_the_model_light_before_isolation:
        "../../../solutions/09_choosing/02_pick_the_model/wrong/light_before_isolation.rs",
        |f| checks::pick_the_model::check(f::choose),
        "correct", "isolation comes first";
    pick_the_model_mixed_needs_an_async_library:
        "../../../solutions/09_choosing/02_pick_the_model/wrong/mixed_needs_an_async_library.rs",
        |f| checks::pick_the_model::check(f::choose),
        "correct", "whatever the library";
    pick_the_model_answer_table:
        "../../../solutions/09_choosing/02_pick_the_model/wrong/answer_table.rs",
        |f| checks::pick_the_model::check(f::choose),
        "correct", "First mistake";
}

rights! {
    right_bounded_buffer_unordered:
        "../../../solutions/06_async/02_bounded/right/buffer_unordered.rs",
        |f| checks::bounded::check(f::fetch_bounded);
    right_mandelbrot_row_counter:
        "../../../solutions/04_parallelism/02_mandelbrot/right/row_counter.rs",
        |f| checks::mandelbrot::check(f::render);
    right_crawler_spawn_blocking:
        "../../../solutions/08_mixed/01_crawler/right/spawn_blocking.rs",
        |f| checks::crawler::check(f::crawl);
}

fn main() {
    let mut arguments = Arguments::from_args();
    arguments.test_threads = Some(1);
    let mut all = trials();
    all.extend(right_trials());
    libtest_mimic::run(&arguments, all).exit();
}
