//! Wrong: every rule is right, but the batcher never sleeps: it polls both
//! channels and the clock in a loop, burning a whole core while it waits.

use std::time::{Duration, Instant};

use crossbeam::channel::{Receiver, Sender, TryRecvError};
use measured::batching::Control;

pub fn batcher(
    data: Receiver<u32>,
    control: Receiver<Control>,
    out: Sender<Vec<u32>>,
    size: usize,
    max_wait: Duration,
) {
    let mut batch = Vec::new();
    let mut deadline: Option<Instant> = None;
    loop {
        // Wrong: polls both channels and the clock, never sleeping: a whole core burnt
        match data.try_recv() {
            Ok(v) => {
                deadline.get_or_insert_with(|| Instant::now() + max_wait);
                batch.push(v);
                if batch.len() >= size {
                    let _ = out.send(std::mem::take(&mut batch));
                    deadline = None;
                }
            }
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {}
        }
        match control.try_recv() {
            Ok(Control::Flush) => {
                if !batch.is_empty() {
                    let _ = out.send(std::mem::take(&mut batch));
                }
                deadline = None;
            }
            Ok(Control::Shutdown) => break,
            Err(_) => {}
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let _ = out.send(std::mem::take(&mut batch));
            deadline = None;
        }
    }
    if !batch.is_empty() {
        let _ = out.send(batch);
    }
}
