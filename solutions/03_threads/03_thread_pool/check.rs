//! The checks of 03/03, run on this crate by `cargo run -p checker`.

fn main() {
    checks::thread_pool::main(checks::pool_adapter!(thread_pool_solution::ThreadPool));
}
