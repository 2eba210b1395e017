//! The checks of 06/01, run on this crate by `cargo run -p checker`.

fn main() {
    checks::gather::main(gather::fetch_all);
}
