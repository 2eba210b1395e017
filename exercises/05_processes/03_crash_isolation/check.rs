//! The checks of 05/03, run on this crate by `cargo run -p checker`.
//! Started with `--worker`, this program is one of your workers instead.

fn main() {
    checks::crash_isolation::main(crash_isolation::worker, crash_isolation::run);
}
