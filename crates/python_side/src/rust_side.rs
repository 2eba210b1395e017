//! The same workloads in Rust, measured in the same run as Python's: the
//! figure beside each Python row.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Instant;

use measured::measure::{CAP, interleaved};
use measured::squares::SumOfSquares;

/// The fastest of `rounds` interleaved runs of each variant, in seconds.
pub fn fastest(rounds: usize, variants: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    interleaved(variants, rounds.max(1), CAP)
        .minimums()
        .into_iter()
        .map(|d| d.as_secs_f64())
        .collect()
}

/// The sum of squares of `0..n` in `chunks` chunks, as chapter 02's Python
/// program cuts it: the answer, then the seconds one at a time and on
/// `workers` threads (the references' sequential and ideal parallel sums).
pub fn sum_of_squares(n: u64, chunks: usize, workers: usize, rounds: usize) -> (u64, [f64; 2]) {
    let squares = SumOfSquares::new(n, chunks);
    let answer = references::squares::sequential(&squares);
    let (mut one, mut many) = (
        || {
            std::hint::black_box(references::squares::sequential(&squares));
        },
        || {
            std::hint::black_box(references::squares::ideal_parallel(&squares, workers));
        },
    );
    let times = fastest(rounds, &mut [&mut one, &mut many]);
    (answer, [times[0], times[1]])
}

/// `http://host:port/path` as (`host:port`, `/path`).
fn split_url(url: &str) -> std::io::Result<(&str, &str)> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::other(format!("not an http:// URL: {url}")))?;
    Ok(rest.find('/').map_or((rest, "/"), |i| rest.split_at(i)))
}

fn request(host: &str, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
}

/// The body of a whole HTTP/1.1 response, if it is a 200.
fn body_of(response: &[u8]) -> std::io::Result<String> {
    let text = String::from_utf8_lossy(response);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no end of headers"))?;
    if !head.starts_with("HTTP/1.1 200") {
        return Err(std::io::Error::other(
            head.lines().next().unwrap_or("").to_owned(),
        ));
    }
    Ok(body.to_owned())
}

/// GETs `url` with a blocking socket: the thread waits for the answer.
pub fn get_blocking(url: &str) -> std::io::Result<String> {
    let (host, path) = split_url(url)?;
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.write_all(request(host, path).as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    body_of(&response)
}

/// GETs `url` on tokio: the task waits, the thread runs other tasks.
pub async fn get(url: &str) -> std::io::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (host, path) = split_url(url)?;
    let mut stream = tokio::net::TcpStream::connect(host).await?;
    stream.write_all(request(host, path).as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    body_of(&response)
}

/// Seconds to fetch every URL one at a time, then one thread per URL.
pub fn fetch_sequential_and_threads(urls: &[String]) -> std::io::Result<[f64; 2]> {
    get_blocking(&urls[0])?;
    let started = Instant::now();
    for url in urls {
        get_blocking(url)?;
    }
    let sequential = started.elapsed().as_secs_f64();
    let started = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = urls.iter().map(|u| s.spawn(|| get_blocking(u))).collect();
        handles
            .into_iter()
            .try_for_each(|h| h.join().unwrap().map(drop))
    })?;
    Ok([sequential, started.elapsed().as_secs_f64()])
}

/// How the first of the async fetches is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum First {
    /// Like the others: awaited.
    Async,
    /// The mistake: a blocking call inside the task.
    Blocking,
    /// The fix: the blocking call on a thread of its own (`spawn_blocking`).
    OnAThread,
}

/// Seconds to fetch every URL at once on a one-thread tokio runtime, the
/// first one made as `first` says, the fastest of `rounds`.
pub fn fetch_on_one_thread(urls: &[String], first: First, rounds: usize) -> std::io::Result<f64> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let all = |first: First| async move {
        let head = async {
            match first {
                First::Async => get(&urls[0]).await,
                First::Blocking => get_blocking(&urls[0]),
                First::OnAThread => {
                    let url = urls[0].clone();
                    tokio::task::spawn_blocking(move || get_blocking(&url)).await?
                }
            }
        };
        let rest = futures::future::try_join_all(urls[1..].iter().map(|u| get(u)));
        futures::future::try_join(head, rest).await.map(drop)
    };
    runtime.block_on(all(First::Async))?;
    let mut best = f64::INFINITY;
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        runtime.block_on(all(first))?;
        best = best.min(started.elapsed().as_secs_f64());
    }
    Ok(best)
}

/// A program that exits at once, for the cost of starting a process.
pub fn true_program() -> Option<&'static Path> {
    ["/bin/true", "/usr/bin/true"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.exists())
}

/// Seconds per start of a process that exits at once (`std::process::Command`,
/// spawn and wait), the mean of `times`.
pub fn process_start(times: usize) -> Option<f64> {
    let program = true_program()?;
    let start = || std::process::Command::new(program).status().ok();
    start()?;
    let started = Instant::now();
    for _ in 0..times.max(1) {
        start()?;
    }
    Some(started.elapsed().as_secs_f64() / times.max(1) as f64)
}

/// The squares of `0..items` summed on `workers` threads: seconds with one
/// message per item over channels (as `Pool.map` with chunksize 1), then
/// with rayon's chunks. Both answers are checked against the formula.
pub fn per_item_and_chunked(items: u64, workers: usize) -> [f64; 2] {
    use rayon::prelude::*;
    let expected: u64 = (0..items).map(|x| x * x).sum();
    let started = Instant::now();
    let (tasks, inbox) = crossbeam::channel::unbounded::<u64>();
    let (answers, results) = crossbeam::channel::unbounded::<u64>();
    let total: u64 = std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            let (inbox, answers) = (inbox.clone(), answers.clone());
            s.spawn(move || {
                for x in inbox {
                    let _ = answers.send(x * x);
                }
            });
        }
        drop(answers);
        for x in 0..items {
            let _ = tasks.send(x);
        }
        drop(tasks);
        results.iter().sum()
    });
    let per_item = started.elapsed().as_secs_f64();
    assert_eq!(total, expected, "one message per item");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers.max(1))
        .build()
        .expect("a thread pool");
    pool.install(|| (0..items).into_par_iter().map(|x| x * x).sum::<u64>());
    let started = Instant::now();
    let total: u64 = pool.install(|| (0..items).into_par_iter().map(|x| x * x).sum());
    let chunked = started.elapsed().as_secs_f64();
    assert_eq!(total, expected, "rayon");
    [per_item, chunked]
}

#[cfg(test)]
mod tests {
    use super::*;
    use measured::server::{LatencyServer, ServerConfig};
    use std::time::Duration;

    #[test]
    fn urls_split_into_host_and_path() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/page/3").unwrap(),
            ("127.0.0.1:8080", "/page/3")
        );
        assert!(split_url("https://x").is_err());
    }

    #[test]
    fn both_clients_read_the_server_s_pages() {
        let server = LatencyServer::start(ServerConfig::with_latency(Duration::ZERO)).unwrap();
        assert_eq!(get_blocking(&server.page_url(4)).unwrap(), "page 4\n");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert_eq!(
            runtime.block_on(get(&server.page_url(5))).unwrap(),
            "page 5\n"
        );
        let missing = format!("http://{}/nope", server.addr());
        assert!(get_blocking(&missing).is_err());
    }

    #[test]
    fn the_rust_sum_of_squares_is_the_plain_sum() {
        // 0 + 1 + 4 + ... + 81 = 285
        assert_eq!(sum_of_squares(10, 3, 2, 1).0, 285);
    }
}
