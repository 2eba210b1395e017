//! The checks of 05/01, run on this crate by `cargo run -p checker`.
//! Started with `--worker`, this program is one of your workers instead.

fn main() {
    checks::worker_processes::main(
        worker_processes_solution::worker,
        worker_processes_solution::run,
    );
}
