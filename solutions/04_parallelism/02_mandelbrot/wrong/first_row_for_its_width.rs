//! Family 2 (item counts that do not match the work): renders row 0 once just to learn how wide a row is, then renders every row on every core: the picture is right, but row 0 is rendered twice.

use measured::mandelbrot::Mandelbrot;
use rayon::prelude::*;

pub fn render(m: &Mandelbrot) -> Vec<u8> {
    // Wrong: row 0 rendered just to learn the width, then rendered again
    let width = m.row(0).len();
    let mut pixels = vec![0; width * m.height()];
    pixels
        .par_chunks_mut(width)
        .enumerate()
        .for_each(|(y, row)| row.copy_from_slice(&m.row(y)));
    pixels
}
