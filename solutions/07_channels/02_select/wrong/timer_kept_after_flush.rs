//! Family 5 (inputs that cannot tell two shapes apart): the deadline is
//! cleared when a batch fills up or times out, but not on a flush, so the
//! batch after a flush can go out at the flushed batch's deadline. In the
//! script, a shutdown always came before that stale deadline passed.

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
        // Wrong: `send` leaves the deadline set: after a flush it goes stale
        // The deadline belongs to the batch that set it: cleared where a
        // batch ends on its own (full, or timed out).
        let _ = &deadline;
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
                        deadline = None;
                        send(&mut batch, &mut deadline);
                    }
                }
                // Every sender is gone: no more values will come.
                Err(_) => return send(&mut batch, &mut deadline),
            },
            recv(control) -> command => match command {
                Ok(Control::Flush) => send(&mut batch, &mut deadline),
                Ok(Control::Shutdown) | Err(_) => return send(&mut batch, &mut deadline),
            },
            recv(timer) -> _ => {
                deadline = None;
                send(&mut batch, &mut deadline);
            }
        }
    }
}
