//! Family 8 (cleanup not checked): a progress thread that reports the queue
//! every 50 ms is told to stop when the pipeline is done, but never joined:
//! it is still running (asleep, before its last report) when `run` returns.
//! The check used to wait a second for threads to end.

use crossbeam::channel::bounded;
use measured::pipeline::{Sink, Source};

/// Reads, parses on `workers` threads and collects, with bounded queues.
pub fn run(source: Source, sink: &Sink, workers: usize, capacity: usize) {
    let (line_tx, line_rx) = bounded(capacity);
    let (record_tx, record_rx) = bounded(capacity);
    // Wrong: told to stop but never joined: still running after `run` returns
    // A progress reporter: every 50 ms, how many lines are waiting. It
    // stops when the pipeline is done (it notices within 50 ms), with one
    // last report once things have settled.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let (done, waiting) = (std::sync::Arc::clone(&done), line_rx.clone());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::hint::black_box(waiting.len());
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
            std::hint::black_box(waiting.len());
        });
    }
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
    done.store(true, std::sync::atomic::Ordering::Relaxed);
}
