//! The checks of 03/02, run on this crate by `cargo run -p checker`.

fn main() {
    checks::lost_updates::main(checks::bank_ops!(lost_updates_solution::Bank));
}
