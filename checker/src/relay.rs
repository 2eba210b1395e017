//! The checker's own count of the requests a check's HTTP exercises make.
//!
//! The I/O checks serve their pages from a latency server inside the
//! check's process, where the learner's code runs too: what that server
//! counts, the learner's code could reach. So the checker puts a relay of
//! its own on the loopback between the two: the check, told its address
//! with the seal ([`verdict::channel`]), hands out page URLs that go
//! through it (`http://relay/{server port}/page/{n}`), and the relay, in the
//! checker's process, passes each request on to `127.0.0.1:{server port}`
//! and counts what it passed: requests, and the most in flight at once.
//!
//! A request is in flight here from the moment its head has arrived until
//! the head of its response has: that span holds the server's own (the
//! server counts from when it has read the request until its handler
//! returns, before it writes a byte), so the relay's peak is never below
//! the server's. After the run, a report that earns points must rest on at
//! least the requests and the peak that the check binary says any passing
//! run makes (`--expect`, [`verdict::channel::Served`]); less, and the
//! requests that earned it were not made.
//!
//! HTTP/1.1 only, as the course's clients speak it to its server: requests
//! without a body or with a `Content-Length` one, responses framed by
//! `Content-Length`, chunked, or the end of the connection. One thread per
//! connection: the standard library only, as the rest of the checker.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// What the relay has passed on since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Requests passed on to a server and answered.
    pub requests: u64,
    /// The most requests in flight at once.
    pub peak: u64,
}

#[derive(Debug, Default)]
struct Counts {
    requests: u64,
    in_flight: u64,
    peak: u64,
}

/// A running relay on `127.0.0.1`; it stops taking connections when
/// dropped (connections already open end with their clients).
#[derive(Debug)]
pub struct Relay {
    addr: SocketAddr,
    counts: Arc<Mutex<Counts>>,
    stop: Arc<AtomicBool>,
}

/// The longest request or response head the relay reads.
const HEAD_MAX: usize = 64 * 1024;

impl Relay {
    /// Starts a relay on a free port of `127.0.0.1`.
    pub fn start() -> std::io::Result<Relay> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        // A deep queue, as the check's own server has: a thousand clients
        // connecting at once wait in it instead of retrying a second later.
        // (Listening again on a listening socket only sets its backlog.)
        let _ = rustix::net::listen(&listener, 4096);
        let addr = listener.local_addr()?;
        let counts = Arc::new(Mutex::new(Counts::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (counting, stopping) = (Arc::clone(&counts), Arc::clone(&stop));
        std::thread::Builder::new()
            .name("relay".into())
            .spawn(move || {
                for client in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let counts = Arc::clone(&counting);
                    let _ = std::thread::Builder::new()
                        .name("relay-connection".into())
                        .stack_size(256 * 1024)
                        .spawn(move || relay_connection(client, &counts));
                }
            })?;
        Ok(Relay { addr, counts, stop })
    }

    /// The address to send requests to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What it has passed on so far.
    pub fn tally(&self) -> Tally {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        Tally {
            requests: counts.requests,
            peak: counts.peak,
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees `stop`.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Bytes read from a stream but not used yet.
struct Buffered {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Buffered {
    fn new(stream: TcpStream) -> Self {
        Buffered {
            stream,
            buf: Vec::new(),
        }
    }

    /// Reads more; `Ok(false)` at the end of the stream.
    fn fill(&mut self) -> std::io::Result<bool> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk)?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// A whole head, up to and with its blank line; `None` when the stream
    /// ends before one starts.
    fn head(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let rest = self.buf.split_off(end + 4);
                return Ok(Some(std::mem::replace(&mut self.buf, rest)));
            }
            if self.buf.len() > HEAD_MAX {
                return Err(std::io::Error::other("a head too long"));
            }
            if !self.fill()? {
                return if self.buf.is_empty() {
                    Ok(None)
                } else {
                    Err(std::io::ErrorKind::UnexpectedEof.into())
                };
            }
        }
    }

    /// A line (with its CRLF), for chunk sizes and trailers.
    fn line(&mut self) -> std::io::Result<Vec<u8>> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n") {
                let rest = self.buf.split_off(end + 2);
                return Ok(std::mem::replace(&mut self.buf, rest));
            }
            if self.buf.len() > HEAD_MAX || !self.fill()? {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
        }
    }

    /// Copies exactly `n` bytes to `out`.
    fn copy_exact(&mut self, mut n: usize, out: &mut TcpStream) -> std::io::Result<()> {
        while n > 0 {
            if self.buf.is_empty() && !self.fill()? {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let take = n.min(self.buf.len());
            out.write_all(&self.buf[..take])?;
            self.buf.drain(..take);
            n -= take;
        }
        Ok(())
    }

    /// Copies everything until the end of the stream to `out`.
    fn copy_to_end(&mut self, out: &mut TcpStream) -> std::io::Result<()> {
        loop {
            out.write_all(&self.buf)?;
            self.buf.clear();
            if !self.fill()? {
                return Ok(());
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A head's value for `name` (case-insensitive), if present.
fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.split("\r\n").skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then_some(value.trim())
    })
}

/// How a message's body ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    None,
    Length(usize),
    Chunked,
    ToEnd,
}

/// The body of a message with this head; `request` bodies without a
/// length are empty, response bodies run to the end.
fn body_of(head: &str, request: bool) -> Body {
    if header(head, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        return Body::Chunked;
    }
    match header(head, "content-length").map(str::parse::<usize>) {
        Some(Ok(0)) => Body::None,
        Some(Ok(n)) => Body::Length(n),
        Some(Err(_)) | None if request => Body::None,
        _ => Body::ToEnd,
    }
}

/// The request's target rewritten for its server: `/{port}/rest` gives the
/// port and `/rest`.
fn route(head: &str) -> Option<(u16, String)> {
    let line = head.split("\r\n").next()?;
    let mut parts = line.splitn(3, ' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let rest = target.strip_prefix('/')?;
    let (port, path) = match rest.split_once('/') {
        Some((port, path)) => (port, format!("/{path}")),
        None => (rest, "/".to_owned()),
    };
    let port: u16 = port.parse().ok().filter(|&p| p != 0)?;
    let mut rewritten = format!("{method} {path} {version}");
    rewritten.push_str(&head[line.len()..]);
    Some((port, rewritten))
}

fn copy_body(from: &mut Buffered, body: Body, to: &mut TcpStream) -> std::io::Result<()> {
    match body {
        Body::None => Ok(()),
        Body::Length(n) => from.copy_exact(n, to),
        Body::ToEnd => from.copy_to_end(to),
        Body::Chunked => loop {
            let line = from.line()?;
            to.write_all(&line)?;
            let size = std::str::from_utf8(&line)
                .ok()
                .and_then(|l| l.trim().split(';').next())
                .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
                .ok_or_else(|| std::io::Error::other("a bad chunk size"))?;
            if size == 0 {
                // Trailers, then a blank line.
                loop {
                    let line = from.line()?;
                    to.write_all(&line)?;
                    if line == b"\r\n" {
                        return Ok(());
                    }
                }
            }
            from.copy_exact(size + 2, to)?;
        },
    }
}

/// A connection to the server on `port` of this machine.
fn connect(port: u16) -> Option<(u16, Buffered, TcpStream)> {
    let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).ok()?;
    let _ = stream.set_nodelay(true);
    let out = stream.try_clone().ok()?;
    Some((port, Buffered::new(stream), out))
}

/// Sends one request (its rewritten head, then its body from `client`) to
/// the server; returns the head of its response, after passing any
/// informational ones (100 Continue) on to the client.
fn exchange(
    head: &str,
    client: &mut Buffered,
    body: Body,
    from_server: &mut Buffered,
    to_server: &mut TcpStream,
    client_out: &mut TcpStream,
) -> std::io::Result<String> {
    to_server.write_all(head.as_bytes())?;
    copy_body(client, body, to_server)?;
    loop {
        let head = from_server
            .head()?
            .ok_or(std::io::ErrorKind::UnexpectedEof)?;
        let text = String::from_utf8_lossy(&head).into_owned();
        if !text.starts_with("HTTP/1.1 1") || text.starts_with("HTTP/1.1 101") {
            return Ok(text);
        }
        client_out.write_all(&head)?;
    }
}

/// Relays one client connection's requests, one after another, each to
/// the server its target names, counting them.
fn relay_connection(client: TcpStream, counts: &Mutex<Counts>) {
    let _ = client.set_nodelay(true);
    let Ok(mut client_out) = client.try_clone() else {
        return;
    };
    let mut client = Buffered::new(client);
    let mut server: Option<(u16, Buffered, TcpStream)> = None;
    while let Ok(Some(head)) = client.head() {
        let head = String::from_utf8_lossy(&head).into_owned();
        let Some((port, rewritten)) = route(&head) else {
            let _ = client_out.write_all(
                b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
            return;
        };
        let method_has_no_response_body = head.starts_with("HEAD ");
        let request_body = body_of(&head, true);
        // A kept connection the server has closed meanwhile gets one more
        // try on a new one (for requests without a body).
        let mut answer = Err(std::io::ErrorKind::NotConnected.into());
        let mut entered = false;
        for _ in 0..2 {
            let reused = server.as_ref().is_some_and(|(p, ..)| *p == port);
            if !reused {
                server = connect(port);
            }
            let Some((_, from_server, to_server)) = server.as_mut() else {
                break;
            };
            if !entered {
                // In flight from here, when a server has taken it.
                entered = true;
                let mut c = counts.lock().unwrap_or_else(|e| e.into_inner());
                c.in_flight += 1;
                c.peak = c.peak.max(c.in_flight);
            }
            answer = exchange(
                &rewritten,
                &mut client,
                request_body,
                from_server,
                to_server,
                &mut client_out,
            );
            if answer.is_ok() || !reused || request_body != Body::None {
                break;
            }
            server = None;
        }
        if entered {
            // Counted once answered: a request no server took is none.
            let mut c = counts.lock().unwrap_or_else(|e| e.into_inner());
            c.in_flight -= 1;
            c.requests += u64::from(answer.is_ok());
        }
        let Some((_, from_server, _)) = server.as_mut() else {
            let _ = client_out.write_all(
                b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
            return;
        };
        let Ok(answer) = answer else { return };
        let status: u16 = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = if method_has_no_response_body || status == 204 || status == 304 {
            Body::None
        } else {
            body_of(&answer, false)
        };
        let closes = header(&answer, "connection").is_some_and(|v| v.eq_ignore_ascii_case("close"))
            || body == Body::ToEnd;
        if client_out.write_all(answer.as_bytes()).is_err()
            || copy_body(from_server, body, &mut client_out).is_err()
            || closes
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A server that answers every request after `delay` with `body`,
    /// keeping connections open, on a thread per connection.
    fn server(delay: Duration, chunked: bool) -> u16 {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let stream = stream.unwrap();
                std::thread::spawn(move || {
                    let mut out = stream.try_clone().unwrap();
                    let mut input = Buffered::new(stream);
                    while let Ok(Some(head)) = input.head() {
                        let head = String::from_utf8(head).unwrap();
                        let path = head.split(' ').nth(1).unwrap().to_owned();
                        std::thread::sleep(delay);
                        let body = format!("you asked for {path}");
                        let reply = if chunked {
                            format!(
                                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
                                body.len()
                            )
                        } else {
                            format!(
                                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
                                body.len()
                            )
                        };
                        out.write_all(reply.as_bytes()).unwrap();
                    }
                });
            }
        });
        port
    }

    /// Sends `paths` one after another on one connection to `relay`;
    /// returns the bodies.
    fn get(relay: SocketAddr, paths: &[String]) -> Vec<String> {
        let stream = TcpStream::connect(relay).unwrap();
        let mut out = stream.try_clone().unwrap();
        let mut input = Buffered::new(stream);
        let mut bodies = Vec::new();
        for path in paths {
            out.write_all(format!("GET {path} HTTP/1.1\r\nhost: x\r\n\r\n").as_bytes())
                .unwrap();
            let head = String::from_utf8(input.head().unwrap().unwrap()).unwrap();
            let body = read_body(&mut input, body_of(&head, false));
            bodies.push(String::from_utf8(body).unwrap());
        }
        bodies
    }

    /// A response's body, as its framing says.
    fn read_body(input: &mut Buffered, body: Body) -> Vec<u8> {
        let take = |input: &mut Buffered, n: usize| {
            while input.buf.len() < n {
                assert!(input.fill().unwrap(), "the body ended early");
            }
            input.buf.drain(..n).collect::<Vec<u8>>()
        };
        match body {
            Body::Length(n) => take(input, n),
            Body::Chunked => {
                let mut out = Vec::new();
                loop {
                    let line = input.line().unwrap();
                    let size = std::str::from_utf8(&line).unwrap().trim();
                    let n = usize::from_str_radix(size, 16).unwrap();
                    if n == 0 {
                        assert_eq!(input.line().unwrap(), b"\r\n");
                        return out;
                    }
                    out.extend(take(input, n));
                    assert_eq!(take(input, 2), b"\r\n");
                }
            }
            other => panic!("unexpected framing {other:?}"),
        }
    }

    #[test]
    fn requests_reach_the_server_their_target_names_and_are_counted() {
        let (a, b) = (server(Duration::ZERO, false), server(Duration::ZERO, true));
        let relay = Relay::start().unwrap();
        let bodies = get(
            relay.addr(),
            &[
                format!("/{a}/page/1"),
                format!("/{a}/page/2?x=1"),
                format!("/{b}/page/3"),
                format!("/{a}/page/4"),
            ],
        );
        assert_eq!(
            bodies,
            [
                "you asked for /page/1",
                "you asked for /page/2?x=1",
                "you asked for /page/3",
                "you asked for /page/4"
            ]
        );
        assert_eq!(
            relay.tally(),
            Tally {
                requests: 4,
                peak: 1
            }
        );
    }

    #[test]
    fn requests_in_flight_together_are_counted_together() {
        let port = server(Duration::from_millis(300), false);
        let relay = Relay::start().unwrap();
        let addr = relay.addr();
        // Six clients, each asking twice; all six first requests are held
        // by the server for 300 ms, so they are in flight together.
        let clients: Vec<_> = (0..6)
            .map(|i| {
                std::thread::spawn(move || {
                    get(
                        addr,
                        &[format!("/{port}/page/{i}"), format!("/{port}/page/{i}")],
                    )
                })
            })
            .collect();
        for client in clients {
            assert_eq!(client.join().unwrap().len(), 2);
        }
        let tally = relay.tally();
        assert_eq!(tally.requests, 12);
        assert_eq!(tally.peak, 6, "{tally:?}");
    }

    #[test]
    fn a_target_without_a_server_port_is_refused_and_not_counted() {
        let relay = Relay::start().unwrap();
        let nobody = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dead = format!("/{nobody}/page/1");
        for target in ["/page/1", "/0/page/1", "/99999/page/1", "http://x/1", &dead] {
            let mut stream = TcpStream::connect(relay.addr()).unwrap();
            stream
                .write_all(format!("GET {target} HTTP/1.1\r\n\r\n").as_bytes())
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            assert!(answer.starts_with("HTTP/1.1 502"), "{target}: {answer}");
        }
        assert_eq!(relay.tally(), Tally::default());
    }

    #[test]
    fn targets_are_rewritten_for_their_server() {
        let (port, head) = route("GET /4242/page/7 HTTP/1.1\r\nhost: a\r\n\r\n").unwrap();
        assert_eq!(port, 4242);
        assert_eq!(head, "GET /page/7 HTTP/1.1\r\nhost: a\r\n\r\n");
        assert_eq!(
            route("GET /80 HTTP/1.1\r\n\r\n").unwrap().1,
            "GET / HTTP/1.1\r\n\r\n"
        );
        assert!(route("GET /x/page/7 HTTP/1.1\r\n\r\n").is_none());
        assert_eq!(
            body_of("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", true),
            Body::Length(5)
        );
        assert_eq!(body_of("GET / HTTP/1.1\r\n\r\n", true), Body::None);
        assert_eq!(body_of("HTTP/1.1 200 OK\r\n\r\n", false), Body::ToEnd);
    }
}
