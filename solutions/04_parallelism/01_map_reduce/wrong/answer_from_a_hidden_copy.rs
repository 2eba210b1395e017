//! Family 2 (witness theatre): the answer comes from a copy of the work that reports to a witness of its own, summed on one core; meanwhile a few chunks of the real work run on every core, so the checker's witness sees the cores busy.

use measured::squares::SumOfSquares;
use measured::witness::InFlightWitness;
use rayon::prelude::*;

pub fn total(squares: &SumOfSquares) -> u64 {
    // Wrong: the answer from a copy watched by its own witness, summed on one core
    let hidden = squares.watched(&InFlightWitness::new());
    // Wrong: a few real chunks on every core, only for the checker's witness to see
    let shown = (2 * rayon::current_num_threads()).min(squares.chunks());
    let (answer, ()) = rayon::join(
        || (0..hidden.chunks()).map(|i| hidden.chunk(i)).sum(),
        || {
            (0..shown).into_par_iter().for_each(|i| {
                squares.chunk(i);
            })
        },
    );
    answer
}
