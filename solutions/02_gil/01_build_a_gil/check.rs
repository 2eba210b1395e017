//! The checks of 02/01, run on this crate by `cargo run -p checker`.

fn main() {
    checks::build_a_gil::main(build_a_gil_solution::Gil::new);
}
