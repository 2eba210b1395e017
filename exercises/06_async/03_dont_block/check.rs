//! The checks of 06/03, run on this crate by `cargo run -p checker`.

fn main() {
    checks::dont_block::main(dont_block::handle);
}
