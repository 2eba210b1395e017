//! The checks of 07/01, run on this crate by `cargo run -p checker`.

fn main() {
    checks::pipeline::main(pipeline_solution::run);
}
