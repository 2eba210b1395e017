//! Wrong: the deadline is restarted by every value, so a steady trickle of
//! values can hold a batch back for ever; `max_wait` should count from the
//! batch's first value.

use std::time::{Duration, Instant};

use crossbeam::channel::{Receiver, Sender, at, never, select};
use measured::batching::Control;

pub fn batcher(
    data: Receiver<u32>,
    control: Receiver<Control>,
    out: Sender<Vec<u32>>,
    size: usize,
    max_wait: Duration,
) {
    let mut batch: Vec<u32> = Vec::new();
    let mut deadline: Option<Instant> = None;
    loop {
        let timer = deadline.map_or_else(never, at);
        select! {
            recv(data) -> value => match value {
                Ok(v) => {
                    // Wrong: every value restarts the deadline: a trickle holds the batch back
                    deadline = Some(Instant::now() + max_wait);
                    batch.push(v);
                    if batch.len() >= size {
                        let _ = out.send(std::mem::take(&mut batch));
                        deadline = None;
                    }
                }
                Err(_) => break,
            },
            recv(control) -> command => match command {
                Ok(Control::Flush) => {
                    if !batch.is_empty() {
                        let _ = out.send(std::mem::take(&mut batch));
                    }
                    deadline = None;
                }
                _ => break,
            },
            recv(timer) -> _ => {
                let _ = out.send(std::mem::take(&mut batch));
                deadline = None;
            }
        }
    }
    if !batch.is_empty() {
        let _ = out.send(batch);
    }
}
