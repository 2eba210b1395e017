//! A check with challenge work, as the course's CPU checks have: asked
//! `--expect <challenge>`, it prints the right answer's digest without
//! calling the learner's code; run by the checker, it reports a pass with
//! the learner's answer to the challenge. See src/lib.rs.

/// The checker's own answer: three times the challenge.
fn right(challenge: u64) -> u64 {
    challenge.wrapping_mul(3)
}

fn main() {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("--expect") {
        let challenge = u64::from_str_radix(&args.next().unwrap_or_default(), 16).unwrap_or(0);
        println!("{:x}", right(challenge));
        return;
    }
    let channel = fixture_report::Channel::take();
    let challenge = channel.challenge().unwrap_or(0);
    // The check's own test of the learner's code, on inputs it made up: passed.
    let answer = answers::triple(challenge);
    channel.send(&format!(
        r#"{{"format_version":1,"exercise":"answers","challenge_answer":"{answer:x}","evidence":[{{"name":"correct","status":"pass","summary":"right on every input the check made up"}}]}}"#
    ));
}
