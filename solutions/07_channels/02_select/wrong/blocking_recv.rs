//! Wrong: the batcher waits on `data` alone and looks at the commands and
//! the clock only when a value arrives. A flush, a shutdown or a deadline
//! during a quiet moment waits for the next value.

use std::time::{Duration, Instant};

use crossbeam::channel::{Receiver, Sender};
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
    // Wrong: waits on `data` alone: commands and the clock are seen only when a value comes
    for v in &data {
        deadline.get_or_insert_with(|| Instant::now() + max_wait);
        batch.push(v);
        let late = deadline.is_some_and(|d| Instant::now() >= d);
        let mut stop = false;
        let mut flush = batch.len() >= size || late;
        while let Ok(c) = control.try_recv() {
            match c {
                Control::Flush => flush = true,
                Control::Shutdown => stop = true,
            }
        }
        if flush || stop {
            let _ = out.send(std::mem::take(&mut batch));
            deadline = None;
        }
        if stop {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = out.send(batch);
    }
}
