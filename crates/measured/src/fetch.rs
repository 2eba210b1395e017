//! An async HTTP client for chapters 06 and 08, with two backends behind one
//! type: real HTTP (hyper) against a [`LatencyServer`](crate::server::LatencyServer)
//! on loopback, or a [`VirtualServer`] whose latency is tokio's clock, so
//! that on a paused clock (`#[tokio::test(start_paused = true)]`, or a
//! runtime built with `start_paused(true)`) a check can assert exact
//! virtual times: a thousand requests of 20 ms, run together, take exactly
//! 20 ms of virtual time, and no real time at all.
//!
//! Both backends answer `GET /page/{n}` from the [`Pages`] they were given
//! (its body and its latency), and both count what they saw.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::{StatusCode, Uri};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::server::{Pages, PlainPages, ServerConfig, ServerStats, page_of};
use crate::witness::RecordedItems;

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The server turned the request away: too many at once (503).
    Rejected,
    /// Any other status than 200.
    Status(u16),
    /// The request never got an answer: bad URL, connection refused...
    Failed(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Rejected => write!(f, "rejected: too many requests at once (503)"),
            FetchError::Status(code) => write!(f, "HTTP status {code}"),
            FetchError::Failed(why) => write!(f, "request failed: {why}"),
        }
    }
}

impl std::error::Error for FetchError {}

/// What became of one request with a deadline (exercise 06/04).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The page came back in time.
    Page(String),
    /// The request's own timeout ran out first.
    TimedOut,
    /// The overall deadline came first: the request was cancelled.
    Cancelled,
    /// The request failed on its own.
    Failed(FetchError),
}

/// Fetches pages. Cheap to clone: clones share one connection pool (or one
/// virtual server), so hand a clone to each task you spawn.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Backend,
}

#[derive(Clone)]
enum Backend {
    Http(HyperClient<HttpConnector, Empty<Bytes>>),
    Virtual(Arc<Virtual>),
}

impl fmt::Debug for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backend::Http(_) => f.write_str("Http"),
            Backend::Virtual(_) => f.write_str("Virtual"),
        }
    }
}

impl Client {
    /// A real HTTP/1 client (hyper), keeping connections alive between
    /// requests. Use it inside a tokio runtime.
    pub fn http() -> Client {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = HyperClient::builder(TokioExecutor::new()).build(connector);
        Client {
            inner: Backend::Http(client),
        }
    }

    /// GETs `url` and returns the page's text.
    pub async fn get(&self, url: &str) -> Result<String, FetchError> {
        match &self.inner {
            Backend::Http(client) => http_get(client, url).await,
            Backend::Virtual(server) => server.get(url).await,
        }
    }
}

async fn http_get(
    client: &HyperClient<HttpConnector, Empty<Bytes>>,
    url: &str,
) -> Result<String, FetchError> {
    let uri: Uri = url
        .parse()
        .map_err(|e| FetchError::Failed(format!("bad URL {url:?}: {e}")))?;
    let response = client
        .get(uri)
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| FetchError::Failed(e.to_string()))?
        .to_bytes();
    match status {
        StatusCode::OK => String::from_utf8(body.to_vec())
            .map_err(|_| FetchError::Failed("the page is not UTF-8".into())),
        StatusCode::SERVICE_UNAVAILABLE => Err(FetchError::Rejected),
        other => Err(FetchError::Status(other.as_u16())),
    }
}

/// A server that exists only in tokio's clock: a request "takes" its latency
/// by sleeping on it. On a paused clock the sleeps cost no real time, and
/// the times it records are exact.
#[derive(Debug, Clone)]
pub struct VirtualServer {
    shared: Arc<Virtual>,
}

struct Virtual {
    config: ServerConfig,
    pages: Arc<dyn Pages>,
    state: Mutex<VirtualState>,
}

impl fmt::Debug for Virtual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Virtual")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct VirtualState {
    origin: Option<tokio::time::Instant>,
    in_flight: usize,
    peak: usize,
    requests: usize,
    rejected: usize,
    log: Vec<VirtualRequest>,
    next_lane: u32,
    free_lanes: Vec<u32>,
}

/// One request the virtual server saw, in virtual time since it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VirtualRequest {
    /// Which page.
    pub page: usize,
    /// When it arrived.
    pub start: Duration,
    /// When it was answered, or dropped by the client.
    pub end: Duration,
    /// Answered (`true`), or dropped unanswered: timed out or cancelled.
    pub answered: bool,
    /// A lane for drawing: the lowest one free when it arrived.
    pub lane: u32,
}

impl VirtualServer {
    /// A virtual server of [`PlainPages`] that behaves as `config` says.
    /// Its clock starts at the first request, or at
    /// [`start_clock`](Self::start_clock).
    pub fn new(config: ServerConfig) -> Self {
        Self::serving(
            config,
            Arc::new(PlainPages {
                latency: config.latency,
            }),
        )
    }

    /// A virtual server of `pages` (each page sets its own latency), with
    /// `config`'s limit.
    pub fn serving(config: ServerConfig, pages: Arc<dyn Pages>) -> Self {
        VirtualServer {
            shared: Arc::new(Virtual {
                config,
                pages,
                state: Mutex::new(VirtualState::default()),
            }),
        }
    }

    /// A client whose requests go to this server.
    pub fn client(&self) -> Client {
        Client {
            inner: Backend::Virtual(Arc::clone(&self.shared)),
        }
    }

    /// Sets the server's time zero to now (tokio's clock). Call it inside
    /// the runtime, just before the requests start.
    pub fn start_clock(&self) {
        self.shared.state.lock().unwrap().origin = Some(tokio::time::Instant::now());
    }

    /// Virtual time since the clock started.
    pub fn now(&self) -> Duration {
        self.shared.now()
    }

    /// The URL of page `n`.
    pub fn page_url(&self, n: usize) -> String {
        format!("http://virtual/page/{n}")
    }

    /// What it saw, in the real server's terms.
    pub fn stats(&self) -> ServerStats {
        let state = self.shared.state.lock().unwrap();
        ServerStats {
            requests: state.requests,
            in_flight: state.in_flight,
            peak_in_flight: state.peak,
            rejected: state.rejected,
        }
    }

    /// Every request served or dropped, in the order they ended.
    pub fn log(&self) -> Vec<VirtualRequest> {
        self.shared.state.lock().unwrap().log.clone()
    }

    /// The requests as witness items, one lane per concurrent slot.
    pub fn recorded(&self) -> RecordedItems {
        let mut items = RecordedItems::new();
        for r in self.log() {
            items.push(r.lane, r.start, r.end);
        }
        items
    }
}

impl Virtual {
    fn now(&self) -> Duration {
        let mut state = self.state.lock().unwrap();
        let origin = *state.origin.get_or_insert_with(tokio::time::Instant::now);
        tokio::time::Instant::now().saturating_duration_since(origin)
    }

    async fn get(self: &Arc<Self>, url: &str) -> Result<String, FetchError> {
        let page = parse(url)?;
        let (body, latency) = self.pages.page(page).ok_or(FetchError::Status(404))?;
        let start = self.now();
        let lane = {
            let mut state = self.state.lock().unwrap();
            state.requests += 1;
            if let Some(max) = self.config.max_in_flight
                && state.in_flight >= max
            {
                state.rejected += 1;
                return Err(FetchError::Rejected);
            }
            state.in_flight += 1;
            state.peak = state.peak.max(state.in_flight);
            match state.free_lanes.pop() {
                Some(lane) => lane,
                None => {
                    state.next_lane += 1;
                    state.next_lane - 1
                }
            }
        };
        let mut guard = Pending {
            server: Arc::clone(self),
            page,
            start,
            lane,
            answered: false,
        };
        tokio::time::sleep(latency).await;
        guard.answered = true;
        Ok(body)
    }
}

/// A request in flight; dropping it, answered or not, logs it.
struct Pending {
    server: Arc<Virtual>,
    page: usize,
    start: Duration,
    lane: u32,
    answered: bool,
}

impl Drop for Pending {
    fn drop(&mut self) {
        let end = self.server.now();
        let mut state = self.server.state.lock().unwrap();
        state.in_flight -= 1;
        state.free_lanes.push(self.lane);
        // Hand out the lowest free lane next, so drawings stay compact.
        state.free_lanes.sort_unstable_by(|a, b| b.cmp(a));
        state.log.push(VirtualRequest {
            page: self.page,
            start: self.start,
            end,
            answered: self.answered,
            lane: self.lane,
        });
    }
}

/// The page number a URL asks for (any query ignored).
fn parse(url: &str) -> Result<usize, FetchError> {
    let uri: Uri = url
        .parse()
        .map_err(|_| FetchError::Failed(format!("bad URL {url:?}")))?;
    page_of(uri.path()).ok_or(FetchError::Status(404))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::LatencyServer;

    fn paused() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap()
    }

    /// Page `n` takes `n x 10` ms (page 0 does not exist).
    struct Tens;
    impl Pages for Tens {
        fn page(&self, n: usize) -> Option<(String, Duration)> {
            (n > 0).then(|| (format!("tens {n}"), Duration::from_millis(10 * n as u64)))
        }
    }

    #[test]
    fn virtual_requests_together_take_the_longest_one() {
        let server = VirtualServer::serving(
            ServerConfig::with_latency(Duration::from_secs(9)),
            Arc::new(Tens),
        );
        let client = server.client();
        let took = paused().block_on(async {
            server.start_clock();
            // A query string cannot change a page's latency.
            let (one, two) = (server.page_url(2), format!("{}?ms=0", server.page_url(5)));
            let a = client.get(&one);
            let b = client.get(&two);
            let (a, b) = tokio::join!(a, b);
            assert_eq!(a.unwrap(), "tens 2");
            assert_eq!(b.unwrap(), "tens 5");
            assert_eq!(
                client.get(&server.page_url(0)).await,
                Err(FetchError::Status(404))
            );
            server.now()
        });
        assert_eq!(took, Duration::from_millis(50));
        assert_eq!(server.stats().peak_in_flight, 2);
        let log = server.log();
        assert_eq!(log.len(), 2);
        assert!(log.iter().all(|r| r.answered));
    }

    #[test]
    fn a_dropped_request_is_logged_unanswered_when_dropped() {
        let server = VirtualServer::new(ServerConfig::with_latency(Duration::from_millis(100)));
        let client = server.client();
        paused().block_on(async {
            server.start_clock();
            let url = server.page_url(1);
            let slow = client.get(&url);
            let timed = tokio::time::timeout(Duration::from_millis(30), slow).await;
            assert!(timed.is_err());
        });
        let log = server.log();
        assert_eq!(log[0].end, Duration::from_millis(30));
        assert!(!log[0].answered);
        assert_eq!(server.stats().in_flight, 0);
    }

    #[test]
    fn the_virtual_limit_rejects_the_extra_request() {
        let mut config = ServerConfig::with_latency(Duration::from_millis(10));
        config.max_in_flight = Some(1);
        let server = VirtualServer::new(config);
        let client = server.client();
        let (one, two) = (server.page_url(1), server.page_url(2));
        let (a, b) = paused().block_on(async { tokio::join!(client.get(&one), client.get(&two)) });
        assert!(a.is_ok());
        assert_eq!(b, Err(FetchError::Rejected));
        assert_eq!(server.stats().rejected, 1);
    }

    #[test]
    fn the_http_client_reads_real_pages() {
        let server =
            LatencyServer::start(ServerConfig::with_latency(Duration::from_millis(1))).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = Client::http();
        let page = runtime.block_on(client.get(&server.page_url(7))).unwrap();
        assert_eq!(page, "page 7\n");
        let missing = runtime.block_on(client.get(&format!("http://{}/nothing", server.addr())));
        assert_eq!(missing, Err(FetchError::Status(404)));
    }
}
