//! Wrong: the same pipeline over unbounded channels. It works and it is
//! fast; but the reader races ahead and every line of the input waits in
//! memory at once.

use crossbeam::channel::unbounded;
use measured::pipeline::{Sink, Source};

pub fn run(source: Source, sink: &Sink, workers: usize, _capacity: usize) {
    // Wrong: unbounded queues: fast, but every line of the input waits in memory
    let (line_tx, line_rx) = unbounded();
    let (record_tx, record_rx) = unbounded();
    std::thread::scope(|s| {
        s.spawn(move || {
            for line in source {
                line_tx.send(line).unwrap();
            }
        });
        for _ in 0..workers {
            let (lines, records) = (line_rx.clone(), record_tx.clone());
            s.spawn(move || {
                for line in lines {
                    records.send(line.parse()).unwrap();
                }
            });
        }
        drop(line_rx);
        drop(record_tx);
        for record in record_rx {
            sink.push(record);
        }
    });
}
