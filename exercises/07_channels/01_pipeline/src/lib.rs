//! 07/01 pipeline: stages connected by bounded channels.
//!
//! Three stages, each on its own thread(s): one reads lines from `source`,
//! `workers` threads parse them (`line.parse()`, the CPU-heavy part), one
//! collects the records into `sink`. Between two stages, a
//! `crossbeam::channel::bounded(capacity)` channel: a stage that runs ahead
//! blocks when the channel is full, so a slow stage slows the fast one
//! instead of letting lines pile up in memory. Python's `queue.Queue(maxsize)`
//! and Go's buffered channels do the same.
//!
//! Read: src/07_channels/01_pipeline.md in the book.
//! Check: cargo run -p checker -- run pipeline

use measured::pipeline::{Sink, Source};

/// Pushes every line of `source`, parsed on `workers` threads, into `sink`,
/// with channels of `capacity` between the stages. Returns when the last
/// record is in the sink and every thread has ended.
pub fn run(source: Source, sink: &Sink, workers: usize, capacity: usize) {
    // TODO: two `crossbeam::channel::bounded(capacity)` channels: lines, then
    // records. In `std::thread::scope`:
    // - one thread sends every line of `source`, then drops its sender;
    // - `workers` threads, each with a clone of the lines' receiver and of
    //   the records' sender: `for line in lines { records.send(line.parse()) }`;
    // - this thread (or one more) receives every record into `sink.push`.
    // A `for` over a receiver ends when every sender is dropped: drop the
    // originals once you have made the clones.
    let _ = (source, sink, workers, capacity);
    todo!()
}
