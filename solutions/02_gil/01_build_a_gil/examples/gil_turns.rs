//! Draws chapter 02's picture of threads taking turns under a GIL, from a
//! real run of the course's toy interpreter and reference lock.
//!
//! Two CPU-bound threads run many small bytecode steps and hand the lock back
//! and forth every switch interval (5 ms). An I/O-bound thread lets go of the
//! lock around each blocking call and, back from it, waits for a turn. A
//! recording wrapper around the reference lock notes when each thread began
//! to wait, got the lock, let it go, and blocked; the example draws one row
//! per thread as hand-written SVG and prints a short summary. Regenerate with:
//!
//! ```text
//! cargo run -p build_a_gil_solution --example gil_turns -- src/02_gil/gil_turns.svg
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use measured::interpreter::{Gil, Probe, Step, run_threads};
use measured::kernel::units_for;

/// CPython's default, and the reference lock's setting here.
const SWITCH_INTERVAL: Duration = Duration::from_millis(5);
/// One bytecode step of a CPU-bound thread.
const CPU_STEP: Duration = Duration::from_micros(75);
/// All the bytecode of one CPU-bound thread.
const CPU_WORK: Duration = Duration::from_millis(35);
/// The I/O-bound thread's bytecode before and after each blocking call.
const IO_STEP: Duration = Duration::from_micros(500);
/// One blocking call of the I/O-bound thread.
const IO_WAIT: Duration = Duration::from_millis(8);
/// How many blocking calls the I/O-bound thread makes.
const IO_CALLS: usize = 4;
/// Where the picture goes when no path is given.
const DEFAULT_OUT: &str = "src/02_gil/gil_turns.svg";
/// One row per program, in program order.
const LANE_NAMES: [&str; 3] = ["CPU thread 1", "CPU thread 2", "I/O thread"];
/// The I/O-bound program's index.
const IO_LANE: usize = 2;
/// Gaps shorter than this (a thread descheduled by the OS between letting go
/// and asking again, say) are drawn closed.
const MERGE_GAP_MS: f64 = 1.0;

/// What a thread did with the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Waits,
    Gets,
    Releases,
    Blocks,
    Unblocks,
}

/// One event, on one thread, at one moment.
#[derive(Debug, Clone, Copy)]
struct Mark {
    thread: ThreadId,
    event: Event,
    at: Instant,
}

/// The reference lock, with a log of what every thread did with it.
struct RecordingGil {
    inner: build_a_gil_solution::Gil,
    marks: Mutex<Vec<Mark>>,
}

impl RecordingGil {
    fn new(inner: build_a_gil_solution::Gil) -> Self {
        RecordingGil {
            inner,
            marks: Mutex::new(Vec::with_capacity(4096)),
        }
    }

    fn note(&self, event: Event) {
        let mark = Mark {
            thread: std::thread::current().id(),
            event,
            at: Instant::now(),
        };
        self.marks.lock().unwrap().push(mark);
    }
}

impl Gil for RecordingGil {
    fn acquire(&self) {
        self.note(Event::Waits);
        self.inner.acquire();
        self.note(Event::Gets);
    }

    fn release(&self) {
        // Noted while still held, so a hold always ends before the next begins.
        self.note(Event::Releases);
        self.inner.release();
    }

    fn drop_requested(&self) -> bool {
        self.inner.drop_requested()
    }

    fn allow_threads(&self, blocking: &mut dyn FnMut()) {
        self.note(Event::Releases);
        self.inner.allow_threads(&mut || {
            self.note(Event::Blocks);
            blocking();
            self.note(Event::Unblocks);
            self.note(Event::Waits);
        });
        self.note(Event::Gets);
    }
}

/// A stretch of time, in milliseconds since the run started.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: f64,
    to: f64,
}

impl Span {
    fn ms(&self) -> f64 {
        self.to - self.from
    }
}

/// What one interpreter thread did, as spans.
#[derive(Debug, Default)]
struct Lane {
    holds: Vec<Span>,
    waits: Vec<Span>,
    blocks: Vec<Span>,
    steps: usize,
}

/// The numbers the caption, the page and stdout give.
#[derive(Debug)]
struct Summary {
    total_ms: f64,
    hand_offs: usize,
    /// `(lane, ms)` of the longest wait for the lock.
    longest_wait: (usize, f64),
    /// Median CPU turn while both CPU threads had work.
    median_cpu_turn_ms: f64,
    /// Longest CPU wait while both CPU threads had work.
    longest_cpu_wait_ms: f64,
    /// The I/O thread's waits for the lock after each blocking call.
    io_return_waits: Vec<f64>,
    cpus: usize,
}

fn programs() -> Vec<Vec<Step>> {
    let cpu_steps = (CPU_WORK.as_micros() / CPU_STEP.as_micros()) as usize;
    let cpu = vec![Step::Compute(units_for(CPU_STEP)); cpu_steps];
    let handle = Step::Compute(units_for(IO_STEP));
    let mut io = Vec::with_capacity(2 * IO_CALLS + 1);
    for _ in 0..IO_CALLS {
        io.push(handle);
        io.push(Step::Block(IO_WAIT));
    }
    io.push(handle);
    vec![cpu.clone(), cpu, io]
}

/// Turns the log into one lane per program. A thread is matched to its
/// program by the interpreter's own progress records: each step is recorded
/// while its thread holds the lock, so the holder at that moment ran it.
fn lanes(marks: &[Mark], progress: &[(usize, Instant)]) -> anyhow::Result<Vec<Lane>> {
    let Some(start) = marks.first().map(|m| m.at) else {
        bail!("the lock saw no thread");
    };
    let ms = |at: Instant| at.saturating_duration_since(start).as_secs_f64() * 1e3;

    let mut program_of: HashMap<ThreadId, usize> = HashMap::new();
    let mut holder = None;
    let mut next_mark = marks.iter().peekable();
    for &(program, at) in progress {
        while let Some(mark) = next_mark.next_if(|m| m.at <= at) {
            match mark.event {
                Event::Gets => holder = Some(mark.thread),
                Event::Releases => holder = None,
                _ => {}
            }
        }
        let Some(thread) = holder else {
            bail!("program {program} made a step while no thread held the lock");
        };
        if *program_of.entry(thread).or_insert(program) != program {
            bail!("one thread ran steps of two programs");
        }
    }

    let mut lanes: Vec<Lane> = (0..LANE_NAMES.len()).map(|_| Lane::default()).collect();
    for &(program, _) in progress {
        lanes[program].steps += 1;
    }
    let mut open: HashMap<(ThreadId, bool), f64> = HashMap::new();
    for mark in marks {
        let Some(&program) = program_of.get(&mark.thread) else {
            bail!("a thread took the lock but ran no step");
        };
        let lane = &mut lanes[program];
        let at = ms(mark.at);
        // `true` keys the open wait or hold; `false` the open blocking call.
        let on_lock = (mark.thread, true);
        match mark.event {
            Event::Waits | Event::Blocks => {
                open.insert((mark.thread, mark.event == Event::Waits), at);
            }
            Event::Gets => {
                let from = open.remove(&on_lock).unwrap_or(at);
                lane.waits.push(Span { from, to: at });
                open.insert(on_lock, at);
            }
            Event::Releases => {
                let from = open.remove(&on_lock).unwrap_or(at);
                lane.holds.push(Span { from, to: at });
            }
            Event::Unblocks => {
                let from = open.remove(&(mark.thread, false)).unwrap_or(at);
                lane.blocks.push(Span { from, to: at });
            }
        }
    }
    Ok(lanes)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn summarise(marks: &[Mark], lanes: &[Lane]) -> Summary {
    let total_ms = marks
        .last()
        .zip(marks.first())
        .map_or(0.0, |(last, first)| {
            (last.at - first.at).as_secs_f64() * 1e3
        });
    // The lock changes hands when a thread gets it after another had it.
    let gets: Vec<ThreadId> = marks
        .iter()
        .filter(|m| m.event == Event::Gets)
        .map(|m| m.thread)
        .collect();
    let hand_offs = gets.windows(2).filter(|w| w[0] != w[1]).count();
    let longest_wait = lanes
        .iter()
        .enumerate()
        .flat_map(|(lane, l)| l.waits.iter().map(move |w| (lane, w.ms())))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0, 0.0));
    // While both CPU threads have work, they alternate.
    let both_busy_until = lanes[..IO_LANE]
        .iter()
        .filter_map(|l| l.holds.last().map(|h| h.from))
        .fold(f64::INFINITY, f64::min);
    let cpu = &lanes[..IO_LANE];
    let median_cpu_turn_ms = median(
        cpu.iter()
            .flat_map(|l| &l.holds)
            .filter(|h| h.to <= both_busy_until)
            .map(Span::ms)
            .collect(),
    );
    let longest_cpu_wait_ms = cpu
        .iter()
        .flat_map(|l| &l.waits)
        .filter(|w| w.to <= both_busy_until)
        .map(Span::ms)
        .fold(0.0, f64::max);
    let io_return_waits = lanes[IO_LANE].waits.iter().skip(1).map(Span::ms).collect();
    Summary {
        total_ms,
        hand_offs,
        longest_wait,
        median_cpu_turn_ms,
        longest_cpu_wait_ms,
        io_return_waits,
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

/// Joins spans of one kind whose gap is too short to see.
fn merged(spans: &[Span]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for &span in spans {
        match out.last_mut() {
            Some(last) if span.from - last.to < MERGE_GAP_MS => last.to = last.to.max(span.to),
            _ => out.push(span),
        }
    }
    out
}

/// A lane's waits as drawn: one that began less than [`MERGE_GAP_MS`] after
/// the thread let go of the lock or came back from I/O starts right there.
fn drawn_waits(lane: &Lane) -> Vec<Span> {
    let ends: Vec<f64> = lane
        .holds
        .iter()
        .chain(&lane.blocks)
        .map(|s| s.to)
        .collect();
    let waits = lane.waits.iter().map(|wait| {
        let before = ends
            .iter()
            .copied()
            .filter(|&end| end <= wait.from)
            .fold(f64::NEG_INFINITY, f64::max);
        let from = if wait.from - before < MERGE_GAP_MS {
            before
        } else {
            wait.from
        };
        Span { from, to: wait.to }
    });
    merged(&waits.collect::<Vec<_>>())
}

/// Whether a lane, between its first wait and its last hold, has a gap that
/// is drawn blank: a thread between two spans that was not running.
fn has_blank(lane: &Lane) -> bool {
    let mut spans: Vec<Span> = drawn_waits(lane);
    spans.extend(merged(&lane.holds));
    spans.extend(merged(&lane.blocks));
    spans.sort_by(|a, b| a.from.total_cmp(&b.from));
    let mut reached = f64::NEG_INFINITY;
    spans.iter().any(|span| {
        let gap = reached.is_finite() && span.from - reached >= MERGE_GAP_MS;
        reached = reached.max(span.to);
        gap
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn list_ms(values: &[f64]) -> String {
    let parts: Vec<String> = values.iter().map(|v| format!("{v:.1}")).collect();
    format!("{} ms", parts.join(", "))
}

// Layout, in pixels.
const WIDTH: f64 = 720.0;
const PLOT_LEFT: f64 = 124.0;
const PLOT_RIGHT: f64 = 700.0;
const FIRST_ROW: f64 = 48.0;
const ROW_PITCH: f64 = 46.0;
const BAR: f64 = 24.0;
const HOLD: &str = "#4e79a7";
const WAIT: &str = "#c6d7eb";

fn svg(lanes: &[Lane], summary: &Summary) -> Result<String, std::fmt::Error> {
    let axis_ms = (summary.total_ms / 10.0).ceil().max(1.0) * 10.0;
    let x = |ms: f64| PLOT_LEFT + ms / axis_ms * (PLOT_RIGHT - PLOT_LEFT);
    let axis_y = FIRST_ROW + ROW_PITCH * lanes.len() as f64 - 8.0;
    let legend_y = axis_y + 40.0;
    let caption_y = legend_y + 34.0;
    let height = caption_y + 50.0;
    let (wait_lane, wait_ms) = summary.longest_wait;

    let title = "Three threads share one GIL: two CPU-bound threads take turns of about \
                 5 ms; an I/O-bound thread lets go of the lock while it waits";
    let desc = format!(
        "A measured timeline of {total:.0} ms with one row per thread. CPU threads 1 and 2 \
         alternate: one holds the GIL and runs bytecode while the other waits, and they swap \
         about every 5 ms (median turn {turn:.1} ms). The I/O thread holds the GIL only for \
         short moments; during each of its four 8 ms blocking calls it holds nothing and the \
         CPU threads keep running. Back from each call it waits for a turn: {io}. The lock \
         changed hands {hand_offs} times; the longest wait was {wait_ms:.1} ms, by the {who}.",
        total = summary.total_ms,
        turn = summary.median_cpu_turn_ms,
        io = list_ms(&summary.io_return_waits),
        hand_offs = summary.hand_offs,
        who = LANE_NAMES[wait_lane],
    );

    let mut s = String::new();
    writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="13">"#
    )?;
    writeln!(s, "<title>{}</title>", escape(title))?;
    writeln!(s, "<desc>{}</desc>", escape(&desc))?;
    writeln!(
        s,
        r##"<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##
    )?;
    writeln!(
        s,
        r##"<defs><pattern id="io-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#59a14f" stroke-width="2"/></pattern></defs>"##
    )?;
    writeln!(
        s,
        r##"<text x="10" y="22" font-weight="bold" fill="#222">Who holds the GIL: three threads, 5 ms switch interval (measured)</text>"##
    )?;

    // Every 5 ms, a faint line: the switch interval, to read turns against.
    for ms in (0..=axis_ms as u32).step_by(5) {
        let ms = f64::from(ms);
        writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{axis_y}" stroke="#eeeeee"/>"##,
            x = x(ms),
            top = FIRST_ROW - 14.0,
        )?;
    }

    for (index, lane) in lanes.iter().enumerate() {
        let top = FIRST_ROW + ROW_PITCH * index as f64 - 12.0;
        let middle = top + BAR / 2.0;
        let note = if index == IO_LANE {
            format!("{IO_CALLS} calls of {} ms", IO_WAIT.as_millis())
        } else {
            format!("{} steps of 75 µs", lane.steps)
        };
        writeln!(
            s,
            r##"<text x="{lx}" y="{y}" text-anchor="end" fill="#222">{name}</text>"##,
            lx = PLOT_LEFT - 8.0,
            y = middle - 1.0,
            name = LANE_NAMES[index],
        )?;
        writeln!(
            s,
            r##"<text x="{lx}" y="{y}" text-anchor="end" fill="#666" font-size="11">{note}</text>"##,
            lx = PLOT_LEFT - 8.0,
            y = middle + 13.0,
        )?;
        for wait in drawn_waits(lane) {
            writeln!(
                s,
                r##"<rect x="{:.1}" y="{top}" width="{:.1}" height="{BAR}" fill="{WAIT}"/>"##,
                x(wait.from),
                x(wait.to) - x(wait.from),
            )?;
        }
        for block in merged(&lane.blocks) {
            writeln!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="url(#io-hatch)" stroke="#59a14f"/>"##,
                x(block.from),
                top + 0.5,
                x(block.to) - x(block.from),
                BAR - 1.0,
            )?;
        }
        for hold in merged(&lane.holds) {
            // A hold is at least 1.5 px wide, so that the short ones show.
            writeln!(
                s,
                r##"<rect x="{:.1}" y="{top}" width="{:.1}" height="{BAR}" fill="{HOLD}"/>"##,
                x(hold.from),
                (x(hold.to) - x(hold.from)).max(1.5),
            )?;
        }
        if index == IO_LANE {
            // Label each wait with its length.
            for wait in &lane.waits {
                if x(wait.to) - x(wait.from) >= 30.0 {
                    writeln!(
                        s,
                        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#222" font-size="10">{:.1} ms</text>"##,
                        (x(wait.from) + x(wait.to)) / 2.0,
                        middle + 4.0,
                        wait.ms(),
                    )?;
                }
            }
        }
    }

    // The time axis: a tick every 5 ms, a label every 10 ms.
    writeln!(
        s,
        r##"<line x1="{PLOT_LEFT}" y1="{axis_y}" x2="{PLOT_RIGHT}" y2="{axis_y}" stroke="#444"/>"##
    )?;
    for tick in (0..=axis_ms as u32).step_by(5) {
        let (ms, labelled) = (f64::from(tick), tick % 10 == 0);
        writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{axis_y}" x2="{x:.1}" y2="{y2}" stroke="#444"/>"##,
            x = x(ms),
            y2 = axis_y + if labelled { 5.0 } else { 3.0 },
        )?;
        if labelled {
            writeln!(
                s,
                r##"<text x="{x:.1}" y="{y}" text-anchor="middle" fill="#444" font-size="11">{ms} ms</text>"##,
                x = x(ms),
                y = axis_y + 18.0,
            )?;
        }
    }

    // The legend.
    let swatch_y = legend_y - 11.0;
    writeln!(
        s,
        r##"<rect x="10" y="{swatch_y}" width="18" height="14" fill="{HOLD}"/>"##
    )?;
    writeln!(
        s,
        r##"<text x="34" y="{legend_y}" fill="#333" font-size="11">holds the GIL (runs bytecode)</text>"##
    )?;
    writeln!(
        s,
        r##"<rect x="222" y="{swatch_y}" width="18" height="14" fill="{WAIT}"/>"##
    )?;
    writeln!(
        s,
        r##"<text x="246" y="{legend_y}" fill="#333" font-size="11">waiting for the GIL</text>"##
    )?;
    writeln!(
        s,
        r##"<rect x="374.5" y="{:.1}" width="17" height="13" fill="url(#io-hatch)" stroke="#59a14f"/>"##,
        swatch_y + 0.5,
    )?;
    writeln!(
        s,
        r##"<text x="398" y="{legend_y}" fill="#333" font-size="11">blocked in I/O, GIL released</text>"##
    )?;

    let caption = [
        format!(
            "Measured on this machine ({cpus} vCPUs) with the course's reference lock \
             (solutions/02_gil/01_build_a_gil), switch interval 5 ms.",
            cpus = summary.cpus,
        ),
        format!(
            "{total:.1} ms in all; the lock changed hands {hand_offs} times; median CPU turn \
             {turn:.1} ms; longest wait {wait_ms:.1} ms ({who}).",
            total = summary.total_ms,
            hand_offs = summary.hand_offs,
            turn = summary.median_cpu_turn_ms,
            who = LANE_NAMES[wait_lane],
        ),
    ];
    let blank = "A white gap in a row: the thread had let go of the lock and was waiting for the \
                 operating system to run it again.";
    let caption = if lanes.iter().any(has_blank) {
        [&caption[..], &[blank.to_owned()]].concat()
    } else {
        caption.to_vec()
    };
    for (line, text) in caption.iter().enumerate() {
        writeln!(
            s,
            r##"<text x="10" y="{y}" fill="#555" font-size="11">{text}</text>"##,
            y = caption_y + 15.0 * line as f64,
            text = escape(text),
        )?;
    }
    writeln!(s, "</svg>")?;
    Ok(s)
}

fn run() -> anyhow::Result<()> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| DEFAULT_OUT.into());
    let programs = programs();
    let gil = RecordingGil::new(build_a_gil_solution::Gil::new(SWITCH_INTERVAL));
    let probe = Probe::new();
    run_threads(&gil, &probe, &programs);
    if probe.most_in_bytecode() != 1 {
        bail!("{} threads ran bytecode at once", probe.most_in_bytecode());
    }
    let mut marks = gil.marks.into_inner().unwrap();
    // Pushed in about the order they happened; each carries its own time.
    marks.sort_by_key(|m| m.at);
    let lanes = lanes(&marks, &probe.progress())?;
    let summary = summarise(&marks, &lanes);
    let picture = svg(&lanes, &summary)?;
    std::fs::write(&out, picture).with_context(|| format!("writing {out}"))?;

    let (wait_lane, wait_ms) = summary.longest_wait;
    println!(
        "{:.1} ms in all; the lock changed hands {} times",
        summary.total_ms, summary.hand_offs
    );
    println!(
        "CPU threads: median turn {:.1} ms, longest wait {:.1} ms while both had work",
        summary.median_cpu_turn_ms, summary.longest_cpu_wait_ms
    );
    println!(
        "I/O thread: waits after its blocking calls {}",
        list_ms(&summary.io_return_waits)
    );
    println!("longest wait: {wait_ms:.1} ms ({})", LANE_NAMES[wait_lane]);
    println!("wrote {out}");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
