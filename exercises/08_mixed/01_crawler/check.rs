//! The checks of 08/01, run on this crate by `cargo run -p checker`.

fn main() {
    checks::crawler::main(crawler::crawl);
}
