//! The checks of 04/02, run on this crate by `cargo run -p checker`.

fn main() {
    checks::mandelbrot::main(mandelbrot::render);
}
