//! The checks of 05/02, run on this crate by `cargo run -p checker`.
//! Started with `--worker`, this program is one of your workers instead.

fn main() {
    checks::process_pool::main(
        process_pool_solution::worker,
        process_pool_solution::Pool::new,
        process_pool_solution::Pool::map,
    );
}
