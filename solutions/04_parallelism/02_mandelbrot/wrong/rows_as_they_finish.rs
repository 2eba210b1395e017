//! Wrong: every core renders rows, but each row is appended to the picture
//! as soon as it is done, so cheap rows jump ahead of costly ones.

use std::sync::Mutex;

use measured::mandelbrot::Mandelbrot;
use rayon::prelude::*;

pub fn render(m: &Mandelbrot) -> Vec<u8> {
    let pixels = Mutex::new(Vec::with_capacity(m.width() * m.height()));
    (0..m.height()).into_par_iter().for_each(|y| {
        let row = m.row(y);
        // Wrong: rows appended as they finish, not in row order; a shared Vec looks simple
        pixels.lock().unwrap().extend(row);
    });
    pixels.into_inner().unwrap()
}
