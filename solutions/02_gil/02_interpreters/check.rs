//! The checks of 02/02, run on this crate by `cargo run -p checker`.

fn main() {
    checks::interpreters::main(interpreters_solution::run_all);
}
