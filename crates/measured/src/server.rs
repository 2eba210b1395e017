//! A real HTTP server on loopback whose responses take a set latency.
//!
//! A check starts one in-process on a free port ([`LatencyServer::start`]),
//! points the learner's client at it, and afterwards reads what the server
//! saw: requests, how many were in flight at once, rejections. Server-side
//! counting is the witness for I/O exercises: it sees concurrency from the
//! outside, whatever client or threads the learner used.
//!
//! Routes: `GET /page/{n}` answers page `n` as the server's [`Pages`] say:
//! its body and how long it takes. Whoever starts the server chooses them,
//! and keeps them to itself: a check serves pages whose text carries a
//! secret salt, fresh each round, so a page cannot be made up without
//! asking the server (the checks' pages live in the `references` crate,
//! which no exercise can name). The latency is the server's to choose: a
//! query string changes nothing. Anything else is a 404.
//!
//! Run by the checker, a check routes its page URLs through the checker's
//! relay ([`route_through`]): `http://{relay}/{port}/page/{n}`. The relay,
//! outside the check's process, passes each request on to this server and
//! counts them itself, so the checker can hold a passing report against
//! requests it saw made, which nothing in the check's process can change.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpSocket;
use tokio::sync::oneshot;

use crate::witness::InFlightWitness;

/// The checker's relay, when the check runs under the checker.
static RELAY: OnceLock<SocketAddr> = OnceLock::new();

/// Routes every server's page URLs through `relay` from now on (the check
/// harness calls it with the relay the checker named, before any server
/// starts). Set once; later calls change nothing.
pub fn route_through(relay: SocketAddr) {
    let _ = RELAY.set(relay);
}

/// What a server answers for each page: its body and how long answering
/// takes. Whoever starts the server provides it.
pub trait Pages: Send + Sync + 'static {
    /// Page `n`'s body and latency, or `None` when there is no such page
    /// (a 404).
    fn page(&self, n: usize) -> Option<(String, Duration)>;
}

/// Pages that only name their number (`page 7`), each taking the same
/// time: for demonstrations, where nothing is checked against the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlainPages {
    /// How long every page takes.
    pub latency: Duration,
}

impl Pages for PlainPages {
    fn page(&self, n: usize) -> Option<(String, Duration)> {
        Some((format!("page {n}\n"), self.latency))
    }
}

/// How the server behaves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerConfig {
    /// How long every response takes with [`PlainPages`] (other pages
    /// set their own latency).
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
pub struct LatencyServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for LatencyServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LatencyServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

struct Shared {
    config: ServerConfig,
    pages: Arc<dyn Pages>,
    witness: InFlightWitness,
    requests: AtomicUsize,
    rejected: AtomicUsize,
    /// The page of every request for a page, in order of arrival.
    asked: Mutex<Vec<usize>>,
}

impl LatencyServer {
    /// Starts a server of [`PlainPages`] on `127.0.0.1` on a free port, on
    /// a thread of its own.
    pub fn start(config: ServerConfig) -> std::io::Result<Self> {
        Self::serving(
            config,
            Arc::new(PlainPages {
                latency: config.latency,
            }),
        )
    }

    /// Starts a server of `pages` on `127.0.0.1` on a free port, on a
    /// thread of its own. `config.latency` is not used: each page says.
    pub fn serving(config: ServerConfig, pages: Arc<dyn Pages>) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            config,
            pages,
            witness: InFlightWitness::new(),
            requests: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
            asked: Mutex::new(Vec::new()),
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

    /// The URL of page `n`: through the checker's relay when there is one
    /// ([`route_through`]), else straight to this server.
    pub fn page_url(&self, n: usize) -> String {
        match RELAY.get() {
            Some(relay) => format!("http://{relay}/{}/page/{n}", self.addr.port()),
            None => format!("http://{}/page/{n}", self.addr),
        }
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

    /// The page of every request for a page since start or the last
    /// [`reset`](Self::reset), in order of arrival (rejected ones included).
    pub fn asked(&self) -> Vec<usize> {
        self.shared.asked.lock().unwrap().clone()
    }

    /// Zeroes the counters, before a new measured round.
    pub fn reset(&self) {
        self.shared.asked.lock().unwrap().clear();
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

/// The page number of a request's path, `/page/{n}` (any query ignored).
pub(crate) fn page_of(path: &str) -> Option<usize> {
    path.strip_prefix("/page/").and_then(|n| n.parse().ok())
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
    let page = page_of(req.uri().path());
    if let Some(n) = page {
        shared.asked.lock().unwrap().push(n);
    }
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
    let Some((body, latency)) = page.and_then(|n| shared.pages.page(n)) else {
        return Ok(reply(StatusCode::NOT_FOUND, "no such page\n".to_owned()));
    };
    tokio::time::sleep(latency).await;
    Ok(reply(StatusCode::OK, body))
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
    fn serves_its_pages_and_notes_which_were_asked() {
        let server = LatencyServer::start(ServerConfig::with_latency(Duration::ZERO)).unwrap();
        assert_eq!(get(&server.page_url(3)), (200, "page 3\n".to_owned()));
        // A query string cannot change the page or its latency.
        assert_eq!(
            get(&format!("{}?ms=0", server.page_url(4))),
            (200, "page 4\n".to_owned())
        );
        assert_eq!(get(&format!("http://{}/nope", server.addr())).0, 404);
        assert_eq!(server.stats().requests, 3);
        assert_eq!(server.asked(), vec![3, 4]);
        assert_eq!(server.stats().in_flight, 0);
        server.reset();
        assert!(server.asked().is_empty());
    }

    #[derive(Debug)]
    struct Slow;
    impl Pages for Slow {
        fn page(&self, n: usize) -> Option<(String, Duration)> {
            (n < 10).then(|| (format!("slow {n}"), Duration::from_millis(50 * n as u64)))
        }
    }

    #[test]
    fn the_pages_set_each_latency() {
        let server = LatencyServer::serving(
            ServerConfig::with_latency(Duration::from_secs(5)),
            Arc::new(Slow),
        )
        .unwrap();
        let t = std::time::Instant::now();
        assert_eq!(get(&format!("{}?ms=0", server.page_url(2))).1, "slow 2");
        assert!(t.elapsed() >= Duration::from_millis(100));
        assert_eq!(get(&server.page_url(10)).0, 404);
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
