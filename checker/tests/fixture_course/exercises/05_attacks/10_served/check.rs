//! A check of an HTTP exercise, as the course's I/O checks are: it serves
//! eight pages itself, each taking half a second, and hands the learner's
//! code their URLs through the checker's relay. Asked `--expect`, it says
//! what any passing run sends through the relay: eight requests, eight at
//! once. Run by the checker, it reports a pass whatever happened (as a
//! report forged by code that found the seal would): the checker's own
//! count decides. See src/lib.rs.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

const PAGES: usize = 8;

/// Serves `page N` for `/page/N`, after half a second, one connection per
/// request; returns the port.
fn serve() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("an address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let page = head.split(' ').nth(1).unwrap_or("").replace("/page/", "");
                std::thread::sleep(Duration::from_millis(500));
                let body = format!("page {page}\n");
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    port
}

fn main() {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("--expect") {
        println!("none\nserved {PAGES} {PAGES}");
        return;
    }
    let channel = fixture_report::Channel::take();
    let port = serve();
    let urls: Vec<String> = (0..PAGES)
        .map(|n| match channel.relay() {
            Some(relay) => format!("http://{relay}/{port}/page/{n}"),
            None => format!("http://127.0.0.1:{port}/page/{n}"),
        })
        .collect();
    let pages = served::fetch_all(&urls);
    channel.send(&format!(
        r#"{{"format_version":1,"exercise":"served","evidence":[{{"name":"concurrent","status":"pass","summary":"{} pages, all in flight at once"}}]}}"#,
        pages.len()
    ));
}
