//! Wrong: a pipeline with one thread per stage. The stages overlap, but
//! the parsing, which is nearly all the work, runs on one core.

use crossbeam::channel::bounded;
use measured::pipeline::{Sink, Source};

pub fn run(source: Source, sink: &Sink, _workers: usize, capacity: usize) {
    let (line_tx, line_rx) = bounded(capacity);
    let (record_tx, record_rx) = bounded(capacity);
    std::thread::scope(|s| {
        s.spawn(move || {
            for line in source {
                line_tx.send(line).unwrap();
            }
        });
        // Wrong: one parser thread, ignoring `workers`: the stages overlap, parsing uses one core
        s.spawn(move || {
            for line in line_rx {
                record_tx.send(line.parse()).unwrap();
            }
        });
        for record in record_rx {
            sink.push(record);
        }
    });
}
