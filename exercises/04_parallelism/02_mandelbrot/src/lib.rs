//! 04/02 Mandelbrot: render a picture whose rows cost very different
//! amounts.
//!
//! `m.row(y)` renders row `y` (0 is the top) as `m.width()` grey pixels. Rows
//! that cross the black set take hundreds of steps per pixel; rows far from
//! it take a few. The picture is every row, top to bottom, in one `Vec<u8>`.
//! How you share the rows among cores decides how long the slowest core
//! works while the others wait.
//!
//! Read: src/04_parallelism/02_mandelbrot.md in the book.
//! Check: cargo run -p checker -- run mandelbrot

use measured::mandelbrot::Mandelbrot;

/// Every pixel of the picture, row after row, rendered on all cores.
pub fn render(m: &Mandelbrot) -> Vec<u8> {
    // One core at a time:
    //
    //     (0..m.height()).flat_map(|y| m.row(y)).collect()
    //
    // TODO: render the rows on every core with rayon (`use rayon::prelude::*;`),
    // keeping them in order from top to bottom.
    let _ = m;
    todo!()
}
