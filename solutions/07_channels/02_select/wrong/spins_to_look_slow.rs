//! Wrong, and a cheat: the batcher is right until the shutdown, then never
//! returns in time, and meanwhile keeps 16 threads spinning so that the
//! machine looks too busy to judge a hang. The watchdog stretches its limit
//! for a busy machine, but only other programs' load can excuse a time out:
//! this one must still fail as a hang. (The spinning stops after 13 s, past
//! the most the watchdog waits, so the threads do not outlive the test.)

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
    let mut batch: Vec<u32> = Vec::with_capacity(size);
    let mut deadline: Option<Instant> = None;
    let send = |batch: &mut Vec<u32>, deadline: &mut Option<Instant>| {
        *deadline = None;
        if !batch.is_empty() {
            let _ = out.send(std::mem::take(batch));
        }
    };
    loop {
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
                Err(_) => return send(&mut batch, &mut deadline),
            },
            recv(control) -> command => match command {
                Ok(Control::Flush) => send(&mut batch, &mut deadline),
                Ok(Control::Shutdown) | Err(_) => {
                    send(&mut batch, &mut deadline);
                    // Wrong: never returns in time, spinning 16 threads to fake a busy machine
                    let until = Instant::now() + Duration::from_secs(13);
                    let spinners: Vec<_> = (0..16)
                        .map(|_| {
                            std::thread::spawn(move || {
                                while Instant::now() < until {
                                    std::hint::spin_loop();
                                }
                            })
                        })
                        .collect();
                    for s in spinners {
                        let _ = s.join();
                    }
                    return;
                }
            },
            recv(timer) -> _ => send(&mut batch, &mut deadline),
        }
    }
}
