//! The Mandelbrot set, row by row: work whose items cost very different
//! amounts. Rows that cross the set iterate to the limit at every pixel;
//! rows far from it escape in a few steps. The view is cut so that the
//! costly rows all sit in the bottom half of the picture, which is what makes
//! a split into two halves a bad split.

use std::time::Duration;

use crate::witness::InFlightWitness;

/// Iterations before a point counts as inside the set.
pub const MAX_ITER: u32 = 500;
/// The real axis from left to right.
const X: (f64, f64) = (-2.2, 0.8);
/// The imaginary axis from the top row to the bottom row: the bottom row
/// lies on the real axis, through the middle of the set.
const Y: (f64, f64) = (1.5, 0.0);

/// A picture of `width x height` grey pixels, one byte each, row-major.
///
/// Each pixel shows one point of the plane inside its square. Where in the
/// square is a secret that [`Mandelbrot::sized`] draws at random each time:
/// the picture looks the same, but pixels along the set's edge change from
/// one run to the next, so a picture kept from an earlier run is wrong.
///
/// ```
/// let m = measured::mandelbrot::Mandelbrot::new(8, 4);
/// assert_eq!(m.row(3).len(), 8);
/// ```
///
/// ```compile_fail
/// let m = measured::mandelbrot::Mandelbrot::new(8, 4);
/// m.sequential();
/// ```
///
/// ```compile_fail
/// let m = measured::mandelbrot::Mandelbrot::new(8, 4);
/// m.witness();
/// ```
#[derive(Clone)]
pub struct Mandelbrot {
    width: usize,
    height: usize,
    /// Where in its square each pixel samples, as fractions of a pixel.
    jitter: (f64, f64),
    witness: InFlightWitness,
}

/// Shows the picture's size, never where its pixels sample.
impl std::fmt::Debug for Mandelbrot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mandelbrot")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl Mandelbrot {
    /// A picture of `width x height` pixels.
    pub fn new(width: usize, height: usize) -> Self {
        Mandelbrot {
            width: width.max(1),
            height: height.max(1),
            jitter: (0.5, 0.5),
            witness: InFlightWitness::new(),
        }
    }

    /// A picture of `width x height` pixels whose pixels sample their
    /// squares where `seed` says: the same picture in every process given
    /// the same seed.
    pub fn seeded(seed: u64, width: usize, height: usize) -> Self {
        Mandelbrot {
            jitter: (fraction(seed), fraction(seed.rotate_left(32))),
            ..Mandelbrot::new(width, height)
        }
    }

    /// A picture twice as wide as it is high, sized so that rendering it on
    /// one core takes about `target` on this machine when it is quiet.
    pub fn sized(target: Duration) -> Self {
        static NANOS_PER_PIXEL: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
        let per = *NANOS_PER_PIXEL.get_or_init(|| {
            let probe = Mandelbrot::new(96, 48);
            let fastest = crate::kernel::fastest_of(3, || {
                for y in 0..probe.height {
                    std::hint::black_box(probe.row(y));
                }
            });
            fastest.as_nanos() as f64 / (96.0 * 48.0)
        });
        let pixels = target.as_nanos() as f64 / per.max(0.01);
        let height = (pixels / 2.0).sqrt().max(8.0) as usize;
        Mandelbrot {
            jitter: (
                fraction(crate::salt::fresh()),
                fraction(crate::salt::fresh()),
            ),
            ..Mandelbrot::new(2 * height, height)
        }
    }

    /// The same picture, its rows reporting to `witness`.
    pub fn watched(&self, witness: &InFlightWitness) -> Self {
        Mandelbrot {
            witness: witness.clone(),
            ..self.clone()
        }
    }

    /// Pixels per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Renders row `y` (0 is the top): `width` grey levels, black inside
    /// the set. Safe to call from any thread; reports to the witness.
    pub fn row(&self, y: usize) -> Vec<u8> {
        assert!(y < self.height, "row {y} of {}", self.height);
        let _in_flight = self.witness.enter();
        self.escape_times(y).map(shade).collect()
    }

    /// The escape times of row `y`'s pixels, left to right.
    fn escape_times(&self, y: usize) -> impl Iterator<Item = u32> + '_ {
        let (jx, jy) = self.jitter;
        let im = Y.0 + (Y.1 - Y.0) * (y as f64 + jy) / self.height as f64;
        (0..self.width).map(move |x| {
            let re = X.0 + (X.1 - X.0) * (x as f64 + jx) / self.width as f64;
            escape_time(re, im)
        })
    }

    /// What row `y` costs to compute, in loop turns: its pixels' escape
    /// iterations, plus a few for each pixel's own arithmetic. For
    /// simulating how schedules share out the rows; it does not give the
    /// pixels.
    pub fn row_cost(&self, y: usize) -> u64 {
        assert!(y < self.height, "row {y} of {}", self.height);
        self.escape_times(y).map(|n| u64::from(n) + 4).sum()
    }

    /// Writes `pixels` (a render of this picture) as a greyscale PNG.
    pub fn save_png(&self, pixels: &[u8], path: &std::path::Path) -> std::io::Result<()> {
        assert_eq!(pixels.len(), self.width * self.height, "a whole picture");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::io::BufWriter::new(std::fs::File::create(path)?);
        let mut encoder = png::Encoder::new(file, self.width as u32, self.height as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(std::io::Error::other)?;
        writer
            .write_image_data(pixels)
            .map_err(std::io::Error::other)?;
        writer.finish().map_err(std::io::Error::other)
    }
}

/// A point anywhere in the middle half of its pixel's square, from the
/// top 53 bits of `salt`.
fn fraction(salt: u64) -> f64 {
    0.25 + 0.5 * (salt >> 11) as f64 / (1u64 << 53) as f64
}

/// Steps before `c = re + im·i` escapes the circle of radius 2, or
/// [`MAX_ITER`] if it never does.
fn escape_time(re: f64, im: f64) -> u32 {
    let (mut zr, mut zi) = (0.0f64, 0.0f64);
    for n in 0..MAX_ITER {
        let (zr2, zi2) = (zr * zr, zi * zi);
        if zr2 + zi2 > 4.0 {
            return n;
        }
        zi = 2.0 * zr * zi + im;
        zr = zr2 - zi2 + re;
    }
    MAX_ITER
}

/// Black inside the set; outside, brighter the longer a point held out.
fn shade(n: u32) -> u8 {
    if n >= MAX_ITER {
        0
    } else {
        let level = ((n as f64 + 1.0).ln() / (MAX_ITER as f64).ln()).powf(0.6);
        (level * 235.0) as u8 + 20
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_is_black_and_far_outside_escapes_at_once() {
        assert_eq!(escape_time(0.0, 0.0), MAX_ITER);
        assert_eq!(shade(MAX_ITER), 0);
        assert_eq!(escape_time(2.0, 2.0), 1);
    }

    fn render(m: &Mandelbrot) -> Vec<u8> {
        (0..m.height()).flat_map(|y| m.row(y)).collect()
    }

    #[test]
    fn each_sized_picture_samples_its_pixels_somewhere_new() {
        let target = Duration::from_millis(2);
        let (a, b) = (Mandelbrot::sized(target), Mandelbrot::sized(target));
        assert_eq!((a.width(), a.height()), (b.width(), b.height()));
        assert_ne!(render(&a), render(&b));
        // The same picture: most pixels agree.
        let same = render(&a)
            .iter()
            .zip(render(&b))
            .filter(|(x, y)| **x == *y)
            .count();
        assert!(
            same * 10 > a.width() * a.height() * 7,
            "{same} pixels agree"
        );
    }

    #[test]
    fn debug_output_keeps_the_secret() {
        let m = Mandelbrot::sized(Duration::from_millis(1));
        assert!(!format!("{m:?}").contains("jitter"));
    }

    #[test]
    fn a_watched_copy_reports_to_its_witness_only() {
        let m = Mandelbrot::new(60, 30);
        let witness = InFlightWitness::new();
        assert_eq!(render(&m.watched(&witness)), render(&m));
        assert_eq!(witness.stats().items, 30);
    }

    #[test]
    fn the_bottom_half_costs_far_more_than_the_top() {
        // Counted in iterations, not timed: the property a halves split
        // trips over. The figures are the book's (04/02), for its picture.
        let m = Mandelbrot::new(600, 300);
        let half = |rows: std::ops::Range<usize>| -> (u64, usize) {
            rows.map(|y| {
                let black = m.escape_times(y).filter(|&n| n >= MAX_ITER).count();
                (m.row_cost(y), black)
            })
            .fold((0, 0), |(c, b), (rc, rb)| (c + rc, b + rb))
        };
        let (top, top_black) = half(0..150);
        let (bottom, bottom_black) = half(150..300);
        assert_eq!((top_black, bottom_black), (643, 29_650));
        assert_eq!(
            (top / 10_000, bottom / 100_000),
            (94, 157),
            "{top}, {bottom}"
        );
        assert!(bottom > 16 * top, "top {top}, bottom {bottom}");
    }

    /// The book shows the reference render; this keeps the committed file
    /// honest. `REGENERATE_BOOK_IMAGES=1 cargo test -p measured` rewrites it.
    #[test]
    fn the_book_picture_is_the_reference_render() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../src/04_parallelism/mandelbrot.png");
        let m = Mandelbrot::new(600, 300);
        let pixels = render(&m);
        if std::env::var_os("REGENERATE_BOOK_IMAGES").is_some() {
            m.save_png(&pixels, &path).unwrap();
        }
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(&path).expect("the book's picture is committed"),
        ));
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buffer).unwrap();
        assert_eq!((frame.width, frame.height), (600, 300));
        assert!(
            buffer[..frame.buffer_size()] == pixels[..],
            "the picture differs from a fresh render"
        );
    }

    #[test]
    fn a_picture_is_written_as_png() {
        let m = Mandelbrot::new(40, 20);
        let dir = std::env::temp_dir().join(format!("mandelbrot-{}", std::process::id()));
        let path = dir.join("m.png");
        m.save_png(&render(&m), &path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
