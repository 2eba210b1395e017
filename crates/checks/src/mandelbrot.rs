//! 04/02 Mandelbrot: rows of very different cost. The pixels must equal the
//! sequential render; the common CPU rules ([`crate::cpu`]) then grade the
//! structure and the speed, and a split into two halves fails on structure,
//! because the costly rows all lie in one half. The learner's picture is
//! saved as a PNG to look at.

use measured::mandelbrot::Mandelbrot;
use verdict::{Report, Status};

use crate::cpu::{self, CpuExercise, CpuWork};
use crate::harness::state_path;

/// The exercise's short name.
pub const NAME: &str = "mandelbrot";
/// The size of the saved picture, whatever the machine's speed.
pub const PICTURE: (usize, usize) = (600, 300);

impl CpuWork for Mandelbrot {
    type Output = Vec<u8>;

    fn watched(&self, witness: &measured::witness::InFlightWitness) -> Self {
        Mandelbrot::watched(self, witness)
    }

    fn items(&self) -> usize {
        self.height()
    }

    fn item_name(&self) -> &'static str {
        "row"
    }

    fn sequential(&self) -> Vec<u8> {
        references::mandelbrot::sequential(self)
    }

    fn ideal_parallel(&self, threads: usize) -> Vec<u8> {
        references::mandelbrot::ideal_parallel(self, threads)
    }

    fn describe(&self, _: &Vec<u8>) -> String {
        format!("all {} x {} pixels", self.width(), self.height())
    }

    fn challenge(seed: u64) -> Option<Self> {
        Some(Mandelbrot::seeded(seed, 120, 60))
    }

    fn digest(output: &Vec<u8>) -> String {
        crate::challenge::digest_bytes(output)
    }

    fn mismatch(&self, got: &Vec<u8>, want: &Vec<u8>) -> (String, String) {
        let (w, h) = (self.width(), self.height());
        if got.len() != want.len() {
            return (
                format!(
                    "{} pixels for a {w} x {h} picture ({})",
                    got.len(),
                    want.len()
                ),
                "Return every row, `width` bytes each, from the top row to the bottom one.".into(),
            );
        }
        let want_rows: Vec<&[u8]> = want.chunks(w).collect();
        let first = got
            .chunks(w)
            .zip(&want_rows)
            .position(|(g, w)| g != *w)
            .unwrap_or(0);
        let all_there = got.chunks(w).all(|row| want_rows.contains(&row));
        if all_there {
            (
                format!("row {first} holds the pixels of another row"),
                "The rows are all there, in another order: rows that finish first must not go first. Collect from an indexed parallel iterator (`map` then `collect` keeps order), or write each row into its own slice of the picture.".into(),
            )
        } else {
            let differ = got.iter().zip(want).filter(|(g, w)| g != w).count();
            (
                format!(
                    "{differ} of {} pixels differ, the first in row {first}",
                    want.len()
                ),
                "Render each row with `m.row(y)` and keep its pixels as they are.".into(),
            )
        }
    }
}

/// Checks a `render` and writes the report.
pub fn main(render: impl Fn(&Mandelbrot) -> Vec<u8>) {
    crate::main(NAME, || check(render));
}

/// Checks a `render`.
pub fn check(render: impl Fn(&Mandelbrot) -> Vec<u8>) -> Report {
    let exercise = CpuExercise {
        name: NAME,
        one_at_a_time: "1 row in flight at a time: is it `iter()` where `into_par_iter()` belongs, or a lock held while a row renders?",
        average_fraction: measured::grade::AVERAGE_FRACTION,
    };
    let mut report = cpu::check(exercise, Mandelbrot::sized, &render);
    let correct = report
        .evidence("correct")
        .is_some_and(|e| e.status == Status::Pass);
    if let Some(path) = state_path("mandelbrot.png").filter(|_| correct) {
        let picture = Mandelbrot::new(PICTURE.0, PICTURE.1);
        report = match picture.save_png(&render(&picture), &path) {
            Ok(()) => report.note(format!("your picture: {}", path.display())),
            Err(e) => report.note(format!(
                "could not save your picture to {}: {e}",
                path.display()
            )),
        };
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(m: &Mandelbrot) -> Vec<u8> {
        (0..m.height()).flat_map(|y| m.row(y)).collect()
    }

    #[test]
    fn a_short_picture_rows_out_of_order_and_wrong_pixels_are_told_apart() {
        let m = Mandelbrot::new(8, 4);
        let want = render(&m);
        let (line, cause) = m.mismatch(&want[..8].to_vec(), &want);
        assert_eq!(line, "8 pixels for a 8 x 4 picture (32)");
        assert!(cause.contains("Return every row"));

        let mut swapped = want.clone();
        let (top, rest) = swapped.split_at_mut(8);
        top.swap_with_slice(&mut rest[16..24]);
        let (line, cause) = m.mismatch(&swapped, &want);
        assert_eq!(line, "row 0 holds the pixels of another row");
        assert!(cause.contains("in another order"));

        let mut dimmed = want.clone();
        dimmed[9] = dimmed[9].wrapping_add(1);
        let (line, cause) = m.mismatch(&dimmed, &want);
        assert_eq!(line, "1 of 32 pixels differ, the first in row 1");
        assert!(cause.contains("m.row(y)"));
    }

    #[test]
    fn rows_are_the_items() {
        let m = Mandelbrot::new(8, 4);
        assert_eq!((CpuWork::items(&m), m.item_name()), (4, "row"));
        assert_eq!(CpuWork::ideal_parallel(&m, 3), CpuWork::sequential(&m));
        assert_eq!(m.describe(&Vec::new()), "all 8 x 4 pixels");
    }
}
