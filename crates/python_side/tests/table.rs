//! The layout of `checker python`'s tables, from fixed figures: the
//! interpreters found, and one workload with two interpreters, a ceiling,
//! an error and a verdict per interpreter, then one with a single line.

use std::collections::BTreeMap;

use python_side::chapters::cpu_sentence;
use python_side::results::{InterpreterEntry, Row, Workload};
use python_side::table;

fn interpreter(
    label: &str,
    path: &str,
    gil: Option<bool>,
    error: Option<&str>,
) -> InterpreterEntry {
    InterpreterEntry {
        label: label.into(),
        path: path.into(),
        version: gil.map(|_| label.trim_end_matches('t').into()),
        gil_enabled: gil,
        free_threaded_build: label.ends_with('t'),
        error: error.map(Into::into),
    }
}

fn row(label: &str, gil: Option<f64>, free: Option<f64>, rust: Option<f64>) -> Row {
    Row {
        label: label.into(),
        python: BTreeMap::from([("3.13.1".into(), gil), ("3.14.0t".into(), free)]),
        rust,
    }
}

#[test]
fn the_tables_keep_their_layout() {
    let found = vec![
        interpreter("3.13.1", "/usr/bin/python3", Some(true), None),
        interpreter("3.14.0t", "/usr/local/bin/python3.14t", Some(false), None),
        interpreter("3.12.8", "/usr/local/bin/python3.12", Some(true), None),
        interpreter(
            "python3.9",
            "/home/me/.pyenv/shims/python3.9",
            None,
            Some("exited with status 127: pyenv: python3.9: command not found"),
        ),
        interpreter(
            "python3.10",
            "/home/me/.pyenv/shims/python3.10",
            None,
            Some("exited with status 127: pyenv: python3.10: command not found"),
        ),
        interpreter(
            "python3.15",
            "/opt/py/bin/python3.15",
            None,
            Some("exited with status 1: Fatal Python error: init_fs_encoding"),
        ),
    ];
    let ceiling = 1.93;
    let verdicts = BTreeMap::from([
        (
            "3.13.1".to_owned(),
            cpu_sentence(Some(true), [0.612, 0.624, 0.347], Some(ceiling)),
        ),
        (
            "3.14.0t".to_owned(),
            cpu_sentence(Some(false), [0.745, 0.392, 0.401], Some(ceiling)),
        ),
    ]);
    let cpu = Workload {
        chapter: "02".into(),
        name: "cpu".into(),
        title: "CPU-bound work on threads and on processes".into(),
        about: "the sum of squares of 4,000,000 numbers in 8 chunks; 2 threads or processes".into(),
        measured_at: "2025-03-01T14:05:09Z".into(),
        rows: vec![
            row("one thread", Some(0.612), Some(0.745), Some(0.0056)),
            row("2 threads", Some(0.624), Some(0.392), Some(0.0029)),
            row("2 processes", Some(0.347), Some(0.401), None),
        ],
        ceiling: Some(ceiling),
        ideal: None,
        errors: BTreeMap::from([("3.12.8".into(), "timed out after 60 s".into())]),
        verdict_line: verdicts
            .iter()
            .map(|(l, s)| format!("{l}: {s}"))
            .collect::<Vec<_>>()
            .join("; "),
        verdicts,
    };
    let only = "one thread fetched all 10 in 1.04x the ideal; one blocking call made it 2.05x, the loop standing still while it waited; on a thread, 1.07x";
    let asyncio = Workload {
        chapter: "06".into(),
        name: "asyncio".into(),
        title: "I/O on one thread with asyncio, and one blocking call inside it".into(),
        about: "10 pages at once from the course's latency server, 100 ms each".into(),
        measured_at: "2025-03-01T14:05:19Z".into(),
        rows: vec![
            Row {
                label: "all awaited".into(),
                python: BTreeMap::from([("3.13.1".into(), Some(0.104))]),
                rust: Some(0.102),
            },
            Row {
                label: "one blocking call inside".into(),
                python: BTreeMap::from([("3.13.1".into(), Some(0.205))]),
                rust: Some(0.204),
            },
        ],
        ceiling: None,
        ideal: Some(0.1),
        errors: BTreeMap::new(),
        verdict_line: only.into(),
        verdicts: BTreeMap::from([("3.13.1".into(), only.into())]),
    };
    let text = [
        table::interpreters(&found),
        table::workload(&cpu, &found),
        table::workload(&asyncio, &found),
    ]
    .join("\n");
    insta::assert_snapshot!("tables", text);
}
