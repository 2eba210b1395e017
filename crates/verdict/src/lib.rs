//! The report a check writes and the checker reads.
//!
//! A check binary (one per exercise, built from `crates/checks`) measures the
//! learner's code and writes one [`Report`] as JSON. The checker never looks
//! inside an exercise: it renders reports. Keeping the schema in this small
//! crate lets the checker stay free of the heavy measuring dependencies.
//!
//! ```
//! use verdict::{Evidence, Report, Verdict};
//!
//! let report = Report::new("download")
//!     .with(Evidence::pass("correct", "32/32 pages, in order"))
//!     .with(Evidence::fail("concurrent", "1 request in flight at most (need 8)"))
//!     .diagnose("1 request in flight: are you joining each thread right after spawning it?");
//! assert_eq!(report.verdict(), Verdict::Fail);
//! let json = report.to_json();
//! assert_eq!(Report::from_json(&json).unwrap(), report);
//! ```
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

/// The version of the report format; bumped when a field changes meaning.
pub const FORMAT_VERSION: u32 = 1;

/// The environment variable through which the checker tells a check binary
/// where to write its report. Without it the report goes to standard output.
pub const REPORT_PATH_ENV: &str = "CHECK_REPORT";

/// The environment variable naming the checker's state folder (progress,
/// the last reports, what checks leave for the learner, such as pictures):
/// the checker reads it, defaulting to `.checker` in the course, and sets
/// it, resolved, for every check binary it runs.
pub const STATE_DIR_ENV: &str = "CHECKER_STATE_DIR";

pub mod channel;
pub mod procfs;

/// The most a time limit stretches on a machine that runs a plain thread
/// slowly: 4 times. Past that a slow answer cannot be told from a hung one.
pub const MAX_STRETCH: f64 = 4.0;

/// Where a check binary writing its report to `report_path` notes how far
/// its watchdog has stretched its time limit for a slow machine (a number
/// from 1 to [`MAX_STRETCH`]), so that the checker stretches its own limit
/// on the whole process as far.
pub fn stretch_path(report_path: &std::path::Path) -> std::path::PathBuf {
    let mut path = report_path.as_os_str().to_owned();
    path.push(".stretch");
    path.into()
}

/// The stretch noted at `path` (see [`stretch_path`]): 1 when there is
/// none or it cannot be read, never more than [`MAX_STRETCH`].
pub fn read_stretch(path: &std::path::Path) -> f64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite())
        .map_or(1.0, |s| s.clamp(1.0, MAX_STRETCH))
}

/// What a check concluded, from the evidence it gathered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Correct, concurrent and, where the lesson is about speed, fast.
    Pass,
    /// Correct and concurrent, but the machine had no spare capacity to show
    /// a speedup: speed could not be measured. Counts as done, and earns
    /// the exercise's points.
    Inconclusive,
    /// Nothing failed, but the machine could not show part of the work
    /// itself (whether it is correct or concurrent: a race that needs two
    /// cores to happen, a time out on a machine too busy to tell slow from
    /// hung). Lets the learner go on; earns no points until judged.
    NotJudged,
    /// At least one piece of evidence failed.
    Fail,
}

impl Verdict {
    /// Whether this verdict lets the learner go on: nothing failed.
    pub fn is_done(self) -> bool {
        matches!(
            self,
            Verdict::Pass | Verdict::Inconclusive | Verdict::NotJudged
        )
    }

    /// Whether this verdict earns the exercise's points: everything but
    /// speed was judged, and passed.
    pub fn earns_points(self) -> bool {
        matches!(self, Verdict::Pass | Verdict::Inconclusive)
    }
}

/// The evidence about speed alone ([`Status::Inconclusive`] there is
/// "speed not measured"); every other piece is about the work itself.
pub const SPEED_EVIDENCE: &[&str] = &["speed", "ceiling"];

/// The state of one piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The requirement holds.
    Pass,
    /// The requirement does not hold.
    Fail,
    /// The machine could not show it now (speed on a busy machine).
    Inconclusive,
    /// Not looked at, because earlier evidence failed.
    Skipped,
}

/// One requirement and what was measured for it, e.g. `correct: 32/32 pages`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// A one-word label: `correct`, `concurrent`, `speed`, `responsive`...
    pub name: String,
    /// Whether it holds.
    pub status: Status,
    /// What was measured and what was needed, in one line.
    pub summary: String,
}

impl Evidence {
    /// Evidence with the given status.
    pub fn new(name: &str, status: Status, summary: impl Into<String>) -> Self {
        Evidence {
            name: name.to_owned(),
            status,
            summary: summary.into(),
        }
    }

    /// Evidence that holds.
    pub fn pass(name: &str, summary: impl Into<String>) -> Self {
        Self::new(name, Status::Pass, summary)
    }

    /// Evidence that does not hold.
    pub fn fail(name: &str, summary: impl Into<String>) -> Self {
        Self::new(name, Status::Fail, summary)
    }

    /// Evidence the machine could not show right now.
    pub fn inconclusive(name: &str, summary: impl Into<String>) -> Self {
        Self::new(name, Status::Inconclusive, summary)
    }

    /// Evidence not gathered because an earlier requirement failed.
    pub fn skipped(name: &str, summary: impl Into<String>) -> Self {
        Self::new(name, Status::Skipped, summary)
    }
}

/// A horizontal bar chart: one at a time, yours, what the machine allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// What the bars measure, e.g. `wall time`.
    pub title: String,
    /// The unit of every value, e.g. `ms`.
    pub unit: String,
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
}

/// One bar of a [`Chart`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// What the bar stands for: `one at a time`, `yours`, `ideal`.
    pub label: String,
    /// Its length, in the chart's unit.
    pub value: f64,
}

/// The speedup behind a `speed` evidence, as numbers rather than words, for
/// tables: `checker grade` puts them in a CI summary. Optional in a report,
/// and ignored by readers that do not know it, so the format stays version 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Speedup {
    /// How many times faster than one at a time the learner's version ran.
    pub measured: f64,
    /// How many times faster this machine allowed right now: the checker's
    /// own parallel version for CPU work, the analytic ideal for I/O.
    pub ceiling: f64,
}

/// The learner's code panicked and the panic reached the check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Panicked {
    /// The panic message, e.g. `not yet implemented`.
    pub message: String,
    /// Where it panicked, `file:line:column`, when known.
    pub location: Option<String>,
    /// The name of the thread that panicked, when it had one.
    pub thread: Option<String>,
}

impl Panicked {
    /// Whether this is a `todo!()` the learner has not replaced yet.
    pub fn is_todo(&self) -> bool {
        self.message.starts_with("not yet implemented")
    }
}

/// When and where each work item ran: which thread (lane), from when to when.
///
/// A lane is whatever runs one item at a time: a thread, a worker process,
/// or a slot of requests in flight. `caption` and `lanes` are optional, so
/// reports written before they existed still read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// What was recorded, e.g. `your last measured run`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Each lane's name, by lane number: `thread 1`, `worker pid 4121`,
    /// `fetch 3`. A lane without one is `thread <n + 1>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lanes: Vec<String>,
    /// The spans, in the order they started.
    pub spans: Vec<Span>,
}

impl Timeline {
    /// Items that may overlap, each put on the lowest row free when it
    /// started: the picture of requests in flight, whoever served them.
    /// Rows are named `<row> 1`, `<row> 2`...
    pub fn in_slots(items: impl IntoIterator<Item = (f64, f64)>, row: &str) -> Timeline {
        let mut items: Vec<(f64, f64)> = items.into_iter().collect();
        items.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Each row's end; an item takes the lowest row ended by its start.
        let mut ends: Vec<f64> = Vec::new();
        let mut spans = Vec::with_capacity(items.len());
        for (start, end) in items {
            let end = end.max(start);
            let lane = match ends.iter().position(|&e| e <= start) {
                Some(free) => free,
                None => {
                    ends.push(end);
                    ends.len() - 1
                }
            };
            ends[lane] = end;
            spans.push(Span {
                lane: lane as u32,
                start_ms: start,
                end_ms: end,
            });
        }
        Timeline {
            caption: None,
            lanes: (1..=ends.len()).map(|n| format!("{row} {n}")).collect(),
            spans,
        }
    }

    /// The same timeline with a caption.
    pub fn captioned(mut self, caption: impl Into<String>) -> Timeline {
        self.caption = Some(caption.into());
        self
    }

    /// How many lanes: every named one and every one a span uses.
    pub fn lane_count(&self) -> usize {
        let used = self.spans.iter().map(|s| s.lane as usize + 1).max();
        used.unwrap_or(0).max(self.lanes.len())
    }

    /// The name of `lane`.
    pub fn label(&self, lane: u32) -> String {
        match self.lanes.get(lane as usize) {
            Some(name) => name.clone(),
            None => format!("thread {}", lane as u64 + 1),
        }
    }

    /// Adds `other`'s lanes below this one's, with their names.
    pub fn append(&mut self, other: Timeline) {
        let offset = self.lane_count() as u32;
        for lane in 0..offset {
            if self.lanes.len() <= lane as usize {
                let name = self.label(lane);
                self.lanes.push(name);
            }
        }
        for lane in 0..other.lane_count() as u32 {
            self.lanes.push(other.label(lane));
        }
        self.spans.extend(other.spans.into_iter().map(|s| Span {
            lane: s.lane + offset,
            ..s
        }));
        self.spans.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
    }

    /// At most about `max_spans` spans: items on one lane separated by less
    /// than a growing gap are joined into one span, so that ten thousand
    /// tiny tasks make a small report and the same picture.
    pub fn simplified(mut self, max_spans: usize) -> Timeline {
        let end = self.spans.iter().map(|s| s.end_ms).fold(0.0, f64::max);
        let mut gap = end / 2000.0;
        while self.spans.len() > max_spans.max(1) && gap > 0.0 && gap <= end {
            self.spans = join_close(&self.spans, gap);
            gap *= 2.0;
        }
        self
    }
}

/// Spans on the same lane less than `gap` apart, joined.
fn join_close(spans: &[Span], gap: f64) -> Vec<Span> {
    let mut by_lane = spans.to_vec();
    by_lane.sort_by(|a, b| a.lane.cmp(&b.lane).then(a.start_ms.total_cmp(&b.start_ms)));
    let mut joined: Vec<Span> = Vec::with_capacity(spans.len());
    for span in by_lane {
        match joined.last_mut() {
            Some(last) if last.lane == span.lane && span.start_ms - last.end_ms < gap => {
                last.end_ms = last.end_ms.max(span.end_ms);
            }
            _ => joined.push(span),
        }
    }
    joined.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
    joined
}

/// One work item's run on one lane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    /// The lane it ran on (a thread, numbered from 0 in order of first
    /// appearance; or a process, or a slot: see [`Timeline::lanes`]).
    pub lane: u32,
    /// Start, in milliseconds since the measured run began.
    pub start_ms: f64,
    /// End, in milliseconds since the measured run began.
    pub end_ms: f64,
}

/// Everything one run of one exercise's checks found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// The exercise's short name, as in `course.toml`.
    pub exercise: String,
    /// The evidence, in the order it was gathered: correct, concurrent, fast.
    pub evidence: Vec<Evidence>,
    /// The most likely cause of a failure, or advice when inconclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis: Option<String>,
    /// A chart of the measured times, when the exercise is about time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<Chart>,
    /// The measured speedup and the machine's ceiling, when speed was
    /// measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speedup: Option<Speedup>,
    /// A panic from the learner's code that ended the check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panicked: Option<Panicked>,
    /// Which thread ran which work item when, for the timeline view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
    /// Further lines worth showing (the machine's state, what was skipped).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The run's secret, which only the check harness was given
    /// ([`channel`]): the checker trusts a report only with it, and removes
    /// it before showing or keeping the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<String>,
    /// What the check's process had spent when it sent this report, by its
    /// own count ([`channel::Channel::send`] adds it). The checker holds it
    /// against the operating system's account of the same process, kept
    /// outside it: a report claiming more time than the process had is not
    /// trusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spent: Option<Spent>,
    /// The learner's answer to small work made from the checker's own
    /// random challenge for this run ([`channel::Channel::challenge`]), as
    /// a digest. The checker computes the right digest itself, in a
    /// process that runs none of the learner's code, and trusts a report
    /// that earns points only when the two agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_answer: Option<String>,
    /// The requests the checker's own relay passed on during the run
    /// (requests, and the most in flight at once), written by the checker
    /// after the run, outside the check: whatever a check puts here is
    /// replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relayed: Option<channel::Served>,
}

/// Time a check's process had spent, by its own count, when it reported.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spent {
    /// Wall time since the harness took the checker's channel, in ms.
    pub wall_ms: f64,
    /// CPU time, user and system, of the process and of the children it
    /// waited for, in ms.
    pub cpu_ms: f64,
}

impl Spent {
    /// Why this account cannot be true of a process that the operating
    /// system saw run for `wall` and use `cpu` (with its waited-for
    /// children), if it cannot. The operating system's figures cover the
    /// whole process, from before its start to after its end, so they can
    /// only be larger; a little slack covers clock granularity.
    pub fn contradicts(
        &self,
        wall: std::time::Duration,
        cpu: std::time::Duration,
    ) -> Option<String> {
        let (os_wall, os_cpu) = (wall.as_secs_f64() * 1e3, cpu.as_secs_f64() * 1e3);
        let slack = |os: f64| os * 1.05 + 25.0;
        if !(self.wall_ms.is_finite() && self.cpu_ms.is_finite())
            || self.wall_ms < 0.0
            || self.cpu_ms < 0.0
        {
            Some("the report's account of its own time is not a time".to_owned())
        } else if self.wall_ms > slack(os_wall) {
            Some(format!(
                "the report says its check ran {:.0} ms, but the operating system saw the whole process run {os_wall:.0} ms: a report kept from another run, or made up",
                self.wall_ms
            ))
        } else if self.cpu_ms > slack(os_cpu) {
            Some(format!(
                "the report says its check used {:.0} ms of CPU, but the operating system counted {os_cpu:.0} ms for the whole process and its children: a report kept from another run, or made up",
                self.cpu_ms
            ))
        } else {
            None
        }
    }
}

impl Report {
    /// An empty report for the named exercise.
    pub fn new(exercise: &str) -> Self {
        Report {
            format_version: FORMAT_VERSION,
            exercise: exercise.to_owned(),
            evidence: Vec::new(),
            diagnosis: None,
            chart: None,
            speedup: None,
            panicked: None,
            timeline: None,
            notes: Vec::new(),
            seal: None,
            spent: None,
            challenge_answer: None,
            relayed: None,
        }
    }

    /// Adds one piece of evidence.
    pub fn with(mut self, evidence: Evidence) -> Self {
        self.evidence.push(evidence);
        self
    }

    /// Adds one piece of evidence in place.
    pub fn push(&mut self, evidence: Evidence) {
        self.evidence.push(evidence);
    }

    /// Sets the diagnosis (the likely cause) unless one is already set: the
    /// first failure found is the one to fix first.
    pub fn diagnose(mut self, cause: impl Into<String>) -> Self {
        self.diagnosis.get_or_insert(cause.into());
        self
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The verdict the evidence supports: any failure fails; otherwise an
    /// inconclusive piece about the work itself leaves it not judged, and
    /// one about speed alone ([`SPEED_EVIDENCE`]) inconclusive; a panic
    /// always fails.
    pub fn verdict(&self) -> Verdict {
        let any = |s: Status| self.evidence.iter().any(|e| e.status == s);
        let unsure_of_work = self.evidence.iter().any(|e| {
            e.status == Status::Inconclusive && !SPEED_EVIDENCE.contains(&e.name.as_str())
        });
        if self.panicked.is_some() || any(Status::Fail) || self.evidence.is_empty() {
            Verdict::Fail
        } else if unsure_of_work {
            Verdict::NotJudged
        } else if any(Status::Inconclusive) {
            Verdict::Inconclusive
        } else {
            Verdict::Pass
        }
    }

    /// The first piece of evidence with this name.
    pub fn evidence(&self, name: &str) -> Option<&Evidence> {
        self.evidence.iter().find(|e| e.name == name)
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }

    /// Reads a report written by [`Report::to_json`].
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_of_time_must_fit_in_what_the_os_saw() {
        let ms = std::time::Duration::from_millis;
        let spent = |wall_ms, cpu_ms| Spent { wall_ms, cpu_ms };
        // Honest: a little less than the whole process, or a hair over
        // (clock granularity).
        assert_eq!(spent(480.0, 300.0).contradicts(ms(500), ms(310)), None);
        assert_eq!(spent(510.0, 320.0).contradicts(ms(500), ms(310)), None);
        assert_eq!(spent(20.0, 10.0).contradicts(ms(3), ms(0)), None);
        // Replayed from a longer run.
        let wall = spent(912.0, 851.0).contradicts(ms(4), ms(2)).unwrap();
        assert!(wall.starts_with("the report says its check ran 912 ms, but the operating system saw the whole process run 4 ms"), "{wall}");
        let cpu = spent(400.0, 851.0).contradicts(ms(500), ms(20)).unwrap();
        assert!(
            cpu.contains("used 851 ms of CPU, but the operating system counted 20 ms"),
            "{cpu}"
        );
        assert!(spent(f64::NAN, 0.0).contradicts(ms(5), ms(5)).is_some());
        assert!(spent(-1.0, 0.0).contradicts(ms(5), ms(5)).is_some());
    }

    #[test]
    fn a_stretch_is_read_within_its_bounds() {
        let dir = std::env::temp_dir().join(format!("stretch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = stretch_path(&dir.join("report.json"));
        assert!(path.ends_with("report.json.stretch"));
        assert_eq!(read_stretch(&path), 1.0);
        for (text, want) in [
            ("2.5", 2.5),
            ("0.3", 1.0),
            ("99", MAX_STRETCH),
            ("NaN", 1.0),
            ("x", 1.0),
        ] {
            std::fs::write(&path, text).unwrap();
            assert_eq!(read_stretch(&path), want, "{text}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn inconclusive_speed_counts_as_done_but_a_failure_wins() {
        let report = Report::new("x")
            .with(Evidence::pass("correct", "ok"))
            .with(Evidence::inconclusive("speed", "busy"));
        assert_eq!(report.verdict(), Verdict::Inconclusive);
        assert!(report.verdict().is_done());
        assert!(report.verdict().earns_points());
        let report = report.with(Evidence::fail("concurrent", "1 in flight"));
        assert_eq!(report.verdict(), Verdict::Fail);
    }

    #[test]
    fn work_the_machine_could_not_show_is_not_judged_and_earns_nothing() {
        let report = Report::new("x")
            .with(Evidence::pass("correct", "ok"))
            .with(Evidence::inconclusive("concurrent", "one core"))
            .with(Evidence::inconclusive("speed", "busy"));
        assert_eq!(report.verdict(), Verdict::NotJudged);
        assert!(report.verdict().is_done());
        assert!(!report.verdict().earns_points());
    }

    #[test]
    fn a_panic_or_no_evidence_fails() {
        assert_eq!(Report::new("x").verdict(), Verdict::Fail);
        let mut report = Report::new("x").with(Evidence::pass("correct", "ok"));
        report.panicked = Some(Panicked {
            message: "not yet implemented".into(),
            location: Some("src/lib.rs:3:5".into()),
            thread: None,
        });
        assert_eq!(report.verdict(), Verdict::Fail);
        assert!(report.panicked.as_ref().unwrap().is_todo());
    }

    #[test]
    fn a_report_without_a_speedup_still_reads() {
        let json = r#"{"format_version":1,"exercise":"x","evidence":[]}"#;
        assert_eq!(Report::from_json(json).unwrap().speedup, None);
        let mut report = Report::new("x");
        report.speedup = Some(Speedup {
            measured: 1.9,
            ceiling: 2.0,
        });
        assert_eq!(Report::from_json(&report.to_json()).unwrap(), report);
    }

    #[test]
    fn the_first_diagnosis_is_kept() {
        let report = Report::new("x").diagnose("first").diagnose("second");
        assert_eq!(report.diagnosis.as_deref(), Some("first"));
    }

    #[test]
    fn a_timeline_without_names_still_reads_and_lanes_default_to_threads() {
        let json = r#"{"spans":[{"lane":1,"start_ms":0.0,"end_ms":2.0}]}"#;
        let timeline: Timeline = serde_json::from_str(json).unwrap();
        assert_eq!(timeline.caption, None);
        assert_eq!(timeline.lane_count(), 2);
        assert_eq!(timeline.label(0), "thread 1");
        assert_eq!(timeline.label(1), "thread 2");
    }

    #[test]
    fn slots_put_each_item_on_the_lowest_free_row() {
        let timeline =
            Timeline::in_slots([(0.0, 10.0), (0.0, 5.0), (5.0, 10.0), (10.0, 12.0)], "slot");
        let lanes: Vec<u32> = timeline.spans.iter().map(|s| s.lane).collect();
        assert_eq!(lanes, [0, 1, 1, 0]);
        assert_eq!(timeline.lanes, ["slot 1", "slot 2"]);
    }

    #[test]
    fn appended_lanes_keep_their_names_below() {
        let mut fetch = Timeline::in_slots([(0.0, 1.0)], "fetch");
        let parse = Timeline {
            spans: vec![Span {
                lane: 1,
                start_ms: 0.5,
                end_ms: 2.0,
            }],
            ..Timeline::default()
        };
        fetch.append(parse);
        assert_eq!(fetch.lanes, ["fetch 1", "thread 1", "thread 2"]);
        assert_eq!(fetch.spans[1].lane, 2);
    }

    #[test]
    fn simplifying_joins_close_items_on_one_lane() {
        let spans = (0..1000)
            .map(|i| Span {
                lane: i % 2,
                start_ms: f64::from(i),
                end_ms: f64::from(i) + 0.9,
            })
            .collect();
        let timeline = Timeline {
            spans,
            ..Timeline::default()
        }
        .simplified(100);
        assert!(timeline.spans.len() <= 100, "{}", timeline.spans.len());
        assert_eq!(timeline.lane_count(), 2);
        let busy: f64 = timeline.spans.iter().map(|s| s.end_ms - s.start_ms).sum();
        assert!(busy >= 900.0, "nothing is lost: {busy}");
    }
}
