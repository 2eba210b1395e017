//! The checks of 03/01, run on this crate by `cargo run -p checker`.

fn main() {
    checks::download::main(download::download_all);
}
