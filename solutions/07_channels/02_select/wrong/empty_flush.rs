//! Family 6 (decision tables without both sides of every threshold): a
//! flush sends the open batch even when it has no values. Every flush in
//! the script came with values waiting, so the empty side was never tried.

use std::time::{Duration, Instant};

use crossbeam::channel::{Receiver, Sender, at, never, select};
use measured::batching::Control;

/// Runs the batcher until a shutdown or until `data` closes.
pub fn batcher(
    data: Receiver<u32>,
    control: Receiver<Control>,
    out: Sender<Vec<u32>>,
    size: usize,
    max_wait: Duration,
) {
    let mut batch: Vec<u32> = Vec::with_capacity(size);
    let mut deadline: Option<Instant> = None;
    // Sends the open batch, if any, and closes it.
    let send = |batch: &mut Vec<u32>, deadline: &mut Option<Instant>| {
        *deadline = None;
        if !batch.is_empty() {
            // If nobody listens any more, there is nothing useful to do.
            let _ = out.send(std::mem::take(batch));
        }
    };
    loop {
        // No open batch, no timer: `never()` is a channel that never fires.
        let timer = deadline.map_or_else(never, at);
        select! {
            recv(data) -> value => match value {
                Ok(v) => {
                    deadline.get_or_insert_with(|| Instant::now() + max_wait);
                    batch.push(v);
                    if batch.len() >= size {
                        send(&mut batch, &mut deadline);
                    }
                }
                // Every sender is gone: no more values will come.
                Err(_) => return send(&mut batch, &mut deadline),
            },
            recv(control) -> command => match command {
                Ok(Control::Flush) => {
                    // Wrong: a flush sends the batch even when it is empty
                    // A flush always answers with a batch, so the caller
                    // sees it was done.
                    deadline = None;
                    let _ = out.send(std::mem::take(&mut batch));
                }
                Ok(Control::Shutdown) | Err(_) => return send(&mut batch, &mut deadline),
            },
            recv(timer) -> _ => send(&mut batch, &mut deadline),
        }
    }
}
