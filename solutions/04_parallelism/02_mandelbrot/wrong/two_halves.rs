//! Wrong: two threads, the top half of the rows on one and the bottom half
//! on the other. Even by count, uneven by cost: the costly rows are all in
//! the bottom half, so one thread works while the other has long finished.

use std::thread;

use measured::mandelbrot::Mandelbrot;

pub fn render(m: &Mandelbrot) -> Vec<u8> {
    // Wrong: two halves: even by count, uneven by cost; the costly rows all land on one
    let half = m.height() / 2;
    thread::scope(|s| {
        let top = s.spawn(move || (0..half).flat_map(|y| m.row(y)).collect::<Vec<u8>>());
        let bottom = s.spawn(move || {
            (half..m.height())
                .flat_map(|y| m.row(y))
                .collect::<Vec<u8>>()
        });
        let mut pixels = top.join().unwrap();
        pixels.extend(bottom.join().unwrap());
        pixels
    })
}
