//! The checker's own Mandelbrot renders (04/02): rows top to bottom, and
//! rows dealt evenly over p threads.

use measured::mandelbrot::Mandelbrot;

/// Every row, top to bottom, one after another: the sequential render.
pub fn sequential(m: &Mandelbrot) -> Vec<u8> {
    (0..m.height()).flat_map(|y| m.row(y)).collect()
}

/// The ideal parallel render: rows dealt round-robin to `threads` threads,
/// then put back in order.
pub fn ideal_parallel(m: &Mandelbrot, threads: usize) -> Vec<u8> {
    crate::schedule::round_robin(m.height(), threads, || (), |_, y| m.row(y)).concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ideal_parallel_render_equals_the_sequential_one() {
        let m = Mandelbrot::new(60, 30);
        assert_eq!(ideal_parallel(&m, 3), sequential(&m));
        assert_eq!(sequential(&m).len(), 60 * 30);
    }
}
