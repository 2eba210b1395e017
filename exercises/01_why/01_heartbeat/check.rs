//! The checks of 01/01, run on this crate by `cargo run -p checker`.

fn main() {
    checks::heartbeat::main(heartbeat::run_app);
}
