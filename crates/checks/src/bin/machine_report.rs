//! `checker doctor`'s measurement: the machine's parallel ceiling right now.

fn main() {
    checks::main(checks::machine::NAME, checks::machine::check);
}
