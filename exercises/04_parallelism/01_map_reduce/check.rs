//! The checks of 04/01, run on this crate by `cargo run -p checker`.

fn main() {
    checks::map_reduce::main(map_reduce::total);
}
