//! The checks of 04/03, run on this crate by `cargo run -p checker`.

fn main() {
    checks::scoped_sum::main(scoped_sum_solution::total);
}
