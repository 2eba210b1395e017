//! Family 2 (witness theatre): the rows come from a copy of the picture that reports to a witness of its own, rendered on one core, while a few rows of the real picture render on every core for the checker's witness to see.

use measured::mandelbrot::Mandelbrot;
use measured::witness::InFlightWitness;
use rayon::prelude::*;

pub fn render(m: &Mandelbrot) -> Vec<u8> {
    // Wrong: the pixels from a copy watched by its own witness, on one core
    let hidden = m.watched(&InFlightWitness::new());
    // Wrong: a few real rows on every core, only for the checker's witness
    let shown = (2 * rayon::current_num_threads()).min(m.height());
    let (pixels, ()) = rayon::join(
        || (0..hidden.height()).flat_map(|y| hidden.row(y)).collect(),
        || {
            (0..shown).into_par_iter().for_each(|y| {
                m.row(y);
            })
        },
    );
    pixels
}
