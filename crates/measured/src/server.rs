//! A real HTTP server on loopback whose responses take a set latency.
//!
//! A check starts one in-process on a free port ([`LatencyServer::start`]),
//! points the learner's client at it, and afterwards reads what the server
//! saw: requests, how many were in flight at once, rejections. Server-side
//! counting is the witness for I/O exercises: it sees concurrency from the
//! outside, whatever client or threads the learner used.
//!
//! Routes: `GET /page/{n}` answers a small page whose text depends on `n` and
//! on a secret seed of this server (see [`LatencyServer::expected_page`]);
//! `?ms=N` sets that request's latency. Anything else is a 404.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpSocket;
use tokio::sync::oneshot;

use crate::witness::InFlightWitness;

/// How the server behaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerConfig {
    /// How long every response takes, unless the request says `?ms=`.
    pub latency: Duration,
    /// At most this many requests in flight; more are answered at once with
    /// 503 Service Unavailable and counted as rejected.
    pub max_in_flight: Option<usize>,
}

impl ServerConfig {
    /// Every response takes `latency`; no limit.
    pub fn with_latency(latency: Duration) -> Self {
        ServerConfig {
            latency,
            max_in_flight: None,
        }
    }
}

/// What the server has seen since it started or was last reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerStats {
    /// Requests received, rejected ones included.
    pub requests: usize,
    /// Requests being served right now.
    pub in_flight: usize,
    /// The most requests served at once.
    pub peak_in_flight: usize,
    /// Requests turned away by the limit.
    pub rejected: usize,
}

/// A running latency server; it stops when dropped.
#[derive(Debug)]
pub struct LatencyServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

#[derive(Debug)]
struct Shared {
    config: ServerConfig,
    seed: u64,
    witness: InFlightWitness,
    requests: AtomicUsize,
    rejected: AtomicUsize,
}

impl LatencyServer {
    /// Starts a server on `127.0.0.1` on a free port, on a thread of its own.
    pub fn start(config: ServerConfig) -> std::io::Result<Self> {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id()) << 32;
        let shared = Arc::new(Shared {
            config,
            seed: crate::kernel::mix(seed),
            witness: InFlightWitness::new(),
            requests: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
        });
        let (shutdown, stop) = oneshot::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("latency-server".into())
            .spawn(move || serve(serving, stop, ready_tx))?;
        let addr = ready_rx.recv().map_err(|_| {
            std::io::Error::other("the latency server's thread ended before it listened")
        })??;
        Ok(LatencyServer {
            addr,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL of page `n`.
    pub fn page_url(&self, n: usize) -> String {
        format!("http://{}/page/{n}", self.addr)
    }

    /// The URL of page `n` with its own latency.
    pub fn page_url_with_latency(&self, n: usize, latency: Duration) -> String {
        format!("http://{}/page/{n}?ms={}", self.addr, latency.as_millis())
    }

    /// The body page `n` has: it names a secret seed of this server, so an
    /// answer cannot be made up without asking the server.
    pub fn expected_page(&self, n: usize) -> String {
        page_body(self.shared.seed, n)
    }

    /// The configured latency.
    pub fn latency(&self) -> Duration {
        self.shared.config.latency
    }

    /// Counters since start or the last [`reset`](Self::reset).
    pub fn stats(&self) -> ServerStats {
        ServerStats {
            requests: self.shared.requests.load(Ordering::SeqCst),
            in_flight: self.shared.witness.in_flight(),
            peak_in_flight: self.shared.witness.high_water(),
            rejected: self.shared.rejected.load(Ordering::SeqCst),
        }
    }

    /// The server-side in-flight witness: one item per request served.
    pub fn witness(&self) -> &InFlightWitness {
        &self.shared.witness
    }

    /// Zeroes the counters, before a new measured round.
    pub fn reset(&self) {
        self.shared.requests.store(0, Ordering::SeqCst);
        self.shared.rejected.store(0, Ordering::SeqCst);
        self.shared.witness.reset();
    }
}

impl Drop for LatencyServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The text of page `n` on a server with `seed`.
pub(crate) fn page_body(seed: u64, n: usize) -> String {
    format!("page {n} from server {seed:016x}\n")
}

fn serve(
    shared: Arc<Shared>,
    stop: oneshot::Receiver<()>,
    ready: std::sync::mpsc::Sender<std::io::Result<SocketAddr>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    runtime.block_on(async move {
        let listener = match listen() {
            Ok(l) => l,
            Err(e) => {
                let _ = ready.send(Err(e));
                return;
            }
        };
        let _ = ready.send(listener.local_addr());
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => break,
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let _ = stream.set_nodelay(true);
                    let shared = Arc::clone(&shared);
                    tokio::spawn(async move {
                        let service = service_fn(move |req| respond(req, Arc::clone(&shared)));
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            }
        }
    });
}

/// A listener with a deep backlog, so a thousand clients connecting at once
/// wait in the queue instead of retrying after a second.
fn listen() -> std::io::Result<tokio::net::TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
    socket.listen(4096)
}

async fn respond(
    req: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    shared.requests.fetch_add(1, Ordering::SeqCst);
    // The server runs on one thread, so nothing can enter between this
    // check and `enter` below.
    if let Some(max) = shared.config.max_in_flight
        && shared.witness.in_flight() >= max
    {
        shared.rejected.fetch_add(1, Ordering::SeqCst);
        return Ok(reply(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("too many requests at once: the limit is {max}\n"),
        ));
    }
    let _in_flight = shared.witness.enter();
    let latency = req
        .uri()
        .query()
        .and_then(|q| q.strip_prefix("ms="))
        .and_then(|ms| ms.parse().ok())
        .map_or(shared.config.latency, Duration::from_millis);
    let page = req
        .uri()
        .path()
        .strip_prefix("/page/")
        .and_then(|n| n.parse::<usize>().ok());
    tokio::time::sleep(latency).await;
    Ok(match page {
        Some(n) => reply(StatusCode::OK, page_body(shared.seed, n)),
        None => reply(StatusCode::NOT_FOUND, "no such page\n".to_owned()),
    })
}

fn reply(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(url: &str) -> (u16, String) {
        match ureq::get(url).call() {
            Ok(mut r) => (200, r.body_mut().read_to_string().unwrap()),
            Err(ureq::Error::StatusCode(code)) => (code, String::new()),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn serves_pages_that_name_its_seed() {
        let server = LatencyServer::start(ServerConfig::with_latency(Duration::ZERO)).unwrap();
        assert_eq!(get(&server.page_url(3)), (200, server.expected_page(3)));
        assert_ne!(server.expected_page(3), server.expected_page(4));
        assert_eq!(get(&format!("http://{}/nope", server.addr())).0, 404);
        assert_eq!(server.stats().requests, 2);
        assert_eq!(server.stats().in_flight, 0);
    }

    #[test]
    fn counts_requests_in_flight_and_rejects_past_the_limit() {
        let server = LatencyServer::start(ServerConfig {
            latency: Duration::from_millis(300),
            max_in_flight: Some(2),
        })
        .unwrap();
        let codes: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|i| {
                    let url = server.page_url(i);
                    s.spawn(move || get(&url).0)
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let stats = server.stats();
        assert_eq!(stats.requests, 4);
        assert_eq!(stats.peak_in_flight, 2);
        assert_eq!(stats.rejected, 2);
        assert_eq!(codes.iter().filter(|&&c| c == 503).count(), 2);
        server.reset();
        assert_eq!(server.stats().requests, 0);
        assert_eq!(server.stats().peak_in_flight, 0);
    }
}
