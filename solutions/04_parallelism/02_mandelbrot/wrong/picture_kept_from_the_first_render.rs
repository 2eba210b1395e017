//! Family 1 (work skipped after the first round): the picture is rendered on every core once and kept in a `static`, keyed by its size; a later call for the same size renders two rows per core for show and hands back the kept pixels.

use std::collections::HashMap;
use std::sync::Mutex;

use measured::mandelbrot::Mandelbrot;
use rayon::prelude::*;

/// Pictures already rendered, by width and height.
type Kept = HashMap<(usize, usize), Vec<u8>>;

// Wrong: pictures kept across calls, handed back for a size seen before
static KEPT: Mutex<Option<Kept>> = Mutex::new(None);

pub fn render(m: &Mandelbrot) -> Vec<u8> {
    let key = (m.width(), m.height());
    if let Some(pixels) = KEPT.lock().unwrap().get_or_insert_default().get(&key) {
        // Wrong: a repeat call renders two rows per core only for show
        // Two rows on every core, on threads of its own, for the witness.
        let cores = rayon::current_num_threads();
        std::thread::scope(|s| {
            for t in 0..cores {
                s.spawn(move || {
                    for y in (t..m.height()).step_by(cores).take(2) {
                        m.row(y);
                    }
                });
            }
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
