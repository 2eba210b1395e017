//! `book serve`: the built book over HTTP on localhost, with the right
//! content types, 404s for missing files and for paths that climb out of
//! the book, and no rebuild unless a page changes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The server, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The status code and content type of `GET path`.
fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let content_type = response
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type: ")
                .map(str::to_owned)
        })
        .unwrap_or_default();
    Ok((status, content_type))
}

#[test]
fn serves_the_book_on_localhost_and_rebuilds_only_on_a_change() {
    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_book"))
        .args(["serve", "--port", &port.to_string(), "--out"])
        .arg(out.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _server = Server(child);
    let (lines_tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });

    // Wait for the first build and the listening socket.
    let started = Instant::now();
    let index = loop {
        match get(port, "/") {
            Ok(answer) => break answer,
            Err(_) if started.elapsed() < Duration::from_secs(60) => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("the server never answered: {e}"),
        }
    };
    assert_eq!(index, (200, "text/html; charset=utf-8".to_owned()));
    assert_eq!(
        get(port, "/02_gil/gil_turns.svg").unwrap(),
        (200, "image/svg+xml".to_owned())
    );
    assert_eq!(get(port, "/no-such-page.html").unwrap().0, 404);
    assert_eq!(get(port, "/../Cargo.toml").unwrap().0, 404);

    // The build reads every page; reading must not count as a change.
    std::thread::sleep(Duration::from_secs(2));
    let printed: Vec<String> = lines.try_iter().collect();
    assert!(
        !printed.iter().any(|l| l.contains("rebuilding")),
        "rebuilt with nothing changed:\n{}",
        printed.join("\n")
    );
}
