//! The checks of 01/02, run on this crate by `cargo run -p checker`.

fn main() {
    checks::profile::main(profile_solution::profile, profile_solution::classify);
}
