//! The checks of 09/01, run on this crate by `cargo run -p checker`.
//! Started with `--exit`, this program exits at once: the process whose
//! start-up you measure.

fn main() {
    checks::spawn_costs::main(spawn_costs_solution::measure);
}
