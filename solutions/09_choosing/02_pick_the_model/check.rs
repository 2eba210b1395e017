//! The checks of 09/02, run on this crate by `cargo run -p checker`.

fn main() {
    checks::pick_the_model::main(pick_the_model_solution::choose);
}
