//! Family 7 (the learner's crate can reach the checker's own answers): the
//! solution's source pasted in at compile time with `include!`, through a
//! path built from `env!("CARGO_MANIFEST_DIR")` so that no plain string
//! names it.

// Wrong: the solution pasted in with `include!`, its path split so no string names it
mod solution {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../",
        "sol",
        "utions/03_threads/02_lost_updates/src/lib.rs"
    ));
}

pub use solution::Bank;
