//! Family 1 (work skipped after the first round): the picture is rendered on every core once and kept in a `static`, keyed by its size; a later call for the same size renders a few rows for show and hands back the kept pixels.

use std::collections::HashMap;
use std::sync::Mutex;

use measured::mandelbrot::Mandelbrot;
use rayon::prelude::*;

static KEPT: Mutex<Option<HashMap<(usize, usize), Vec<u8>>>> = Mutex::new(None);

pub fn render(m: &Mandelbrot) -> Vec<u8> {
    let key = (m.width(), m.height());
    if let Some(pixels) = KEPT.lock().unwrap().get_or_insert_default().get(&key) {
        (0..4.min(m.height())).into_par_iter().for_each(|y| {
            m.row(y);
        });
        return pixels.clone();
    }
    let pixels: Vec<u8> = (0..m.height())
        .into_par_iter()
        .flat_map_iter(|y| m.row(y))
        .collect();
    KEPT.lock()
        .unwrap()
        .get_or_insert_default()
        .insert(key, pixels.clone());
    pixels
}
