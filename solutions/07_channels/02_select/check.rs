//! The checks of 07/02, run on this crate by `cargo run -p checker`.

fn main() {
    checks::select::main(select_solution::batcher);
}
