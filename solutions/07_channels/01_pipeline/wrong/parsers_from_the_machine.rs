//! Family 5 (inputs that cannot tell two shapes apart): the parsing stage
//! starts one parser per core, taken from the machine, and ignores
//! `workers`. The check asked for as many workers as the machine has cores,
//! so the two could not be told apart.

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
        // Parsers: one per core, the most that can parse at once.
        let _ = workers;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        for _ in 0..cores {
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
