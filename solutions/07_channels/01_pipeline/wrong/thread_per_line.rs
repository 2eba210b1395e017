//! Family 3 (structure counted from the wrong place): the parsing stage
//! starts a new thread for every line, never more than `workers` at once (a
//! semaphore). Lines in flight, shares and speed all look like `workers`
//! parsers; only the threads that did the parsing show 256 of them.

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
        // Wrong: a thread per line, at most `workers` at once: counts look like parsers
        // Parsers: a fresh thread for each line, never more than `workers`
        // at once (a channel of `workers` permits is the semaphore).
        let (lines, records) = (line_rx.clone(), record_tx.clone());
        s.spawn(move || {
            let (permit, permits) = bounded::<()>(workers.max(1));
            std::thread::scope(|each| {
                loop {
                    // Blocks while `workers` lines are being parsed; only
                    // then takes the next line.
                    let _ = permit.send(());
                    let Ok(line) = lines.recv() else { break };
                    let (records, permits) = (records.clone(), permits.clone());
                    each.spawn(move || {
                        let _ = records.send(line.parse());
                        let _ = permits.recv();
                    });
                }
            });
        });
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
