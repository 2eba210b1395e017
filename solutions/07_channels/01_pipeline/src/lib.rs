//! 07/01 pipeline, solved: a reader, `workers` parsers and a collector,
//! joined by two bounded channels.

use crossbeam::channel::bounded;
use measured::pipeline::{Sink, Source};

/// Reads, parses on `workers` threads and collects, with bounded queues.
pub fn run(source: Source, sink: &Sink, workers: usize, capacity: usize) {
    let (line_tx, line_rx) = bounded(capacity);
    let (record_tx, record_rx) = bounded(capacity);
    std::thread::scope(|s| {
        // Reader: blocks whenever `capacity` lines wait to be parsed.
        s.spawn(move || {
            for line in source {
                if line_tx.send(line).is_err() {
                    break;
                }
            }
            // `line_tx` is dropped here: the parsers' loops can end.
        });
        // Parsers: each takes the next line as soon as it is free.
        for _ in 0..workers.max(1) {
            let (lines, records) = (line_rx.clone(), record_tx.clone());
            s.spawn(move || {
                for line in lines {
                    if records.send(line.parse()).is_err() {
                        break;
                    }
                }
            });
        }
        // The originals are not needed any more: without these drops the
        // collector below would wait for ever.
        drop(line_rx);
        drop(record_tx);
        // Collector: ends when every parser has dropped its sender.
        for record in record_rx {
            sink.push(record);
        }
    });
}
