//! 07/02 select: wait for whichever comes first.
//!
//! A batcher groups values into batches (a log shipper, a database writer).
//! It must react to three things, whichever happens first: a value on
//! `data`, a command on `control`, and the deadline of the open batch. A
//! plain `data.recv()` would sit deaf to the other two until the next value
//! came. Go's `select` waits on several channels at once;
//! `crossbeam::channel::select!` is the same idea in Rust.
//!
//! The rules: a batch goes to `out` as soon as it holds `size` values; or
//! when `max_wait` has passed since its *first* value; or on
//! `Control::Flush` (if it holds any value). On `Control::Shutdown`, or when
//! `data` is closed, send what is left (if anything) and return.
//!
//! Read: src/07_channels/02_select.md in the book.
//! Check: cargo run -p checker -- run select

use std::time::Duration;

use crossbeam::channel::{Receiver, Sender};
use measured::batching::Control;

/// Runs the batcher until a shutdown or until `data` closes.
pub fn batcher(
    data: Receiver<u32>,
    control: Receiver<Control>,
    out: Sender<Vec<u32>>,
    size: usize,
    max_wait: Duration,
) {
    // TODO: keep the open batch (`Vec<u32>`) and its deadline
    // (`Option<Instant>`, set when the first value comes). Loop on
    // `crossbeam::channel::select!` with three arms:
    //   recv(data) -> v       (`Err` means closed: send what is left, return)
    //   recv(control) -> c    (Flush / Shutdown)
    //   recv(timer) -> _      (the deadline passed: send the batch)
    // where `timer` is `crossbeam::channel::at(deadline)` while a batch is
    // open and `crossbeam::channel::never()` while none is.
    let _ = (data, control, out, size, max_wait);
    todo!()
}
