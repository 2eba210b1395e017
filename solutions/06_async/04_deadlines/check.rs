//! The checks of 06/04, run on this crate by `cargo run -p checker`.

fn main() {
    checks::deadlines::main(deadlines_solution::fetch_with_deadlines);
}
