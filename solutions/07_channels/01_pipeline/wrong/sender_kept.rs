//! Wrong: the records' sender is cloned for each parser, but the original
//! is never dropped. The collector's loop waits for a message that can
//! still come in theory, from that original, and never ends.

use crossbeam::channel::bounded;
use measured::pipeline::{Sink, Source};

pub fn run(source: Source, sink: &Sink, workers: usize, capacity: usize) {
    let (line_tx, line_rx) = bounded(capacity);
    let (record_tx, record_rx) = bounded(capacity);
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
        // Wrong: the original `record_tx` is never dropped, so this loop never ends
        for record in &record_rx {
            sink.push(record);
        }
    });
}
