//! The checks of 06/02, run on this crate by `cargo run -p checker`.

fn main() {
    checks::bounded::main(bounded_solution::fetch_bounded);
}
