//! 04/02 Mandelbrot, solved: one parallel iterator over the rows. rayon
//! hands rows out in small pieces and idle threads steal more, so the costly
//! rows end up spread over every core; an indexed iterator keeps the order.

use measured::mandelbrot::Mandelbrot;
use rayon::prelude::*;

/// Every pixel of the picture, row after row, rendered on all cores.
pub fn render(m: &Mandelbrot) -> Vec<u8> {
    (0..m.height())
        .into_par_iter()
        .flat_map_iter(|y| m.row(y))
        .collect()
}
