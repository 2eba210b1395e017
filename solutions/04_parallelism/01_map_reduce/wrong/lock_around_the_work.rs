//! Wrong: parallel, but every chunk adds into one shared total under a
//! lock, and the lock is held while the chunk is computed: the cores take
//! turns.

use std::sync::Mutex;

use measured::squares::SumOfSquares;
use rayon::prelude::*;

pub fn total(squares: &SumOfSquares) -> u64 {
    let total = Mutex::new(0);
    (0..squares.chunks()).into_par_iter().for_each(|i| {
        // Wrong: the lock is held while the chunk computes: the cores take turns
        let mut sum = total.lock().unwrap();
        *sum += squares.chunk(i);
    });
    total.into_inner().unwrap()
}
