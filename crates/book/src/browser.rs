//! The built book in a real browser: headless Chromium, driven over
//! WebDriver (chromedriver) with fantoccini, loading the pages from disk.
//!
//! It proves what a reader sees: every page renders without a console
//! error, the sidebar lists every chapter, search finds a word, a quiz
//! marks a wrong and a right answer, every exercise's page is reached from
//! the sidebar; and it saves a screenshot.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// Chromium and its WebDriver, when this machine has them.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The browser.
    pub chromium: PathBuf,
    /// Its WebDriver server.
    pub chromedriver: PathBuf,
}

impl Tools {
    /// Finds them on `PATH` (or `BOOK_CHROMIUM` / `BOOK_CHROMEDRIVER`).
    pub fn find() -> Option<Tools> {
        let chromium = from_env("BOOK_CHROMIUM")
            .or_else(|| on_path(&["chromium", "chromium-browser", "google-chrome"]))?;
        let chromedriver = from_env("BOOK_CHROMEDRIVER").or_else(|| on_path(&["chromedriver"]))?;
        Some(Tools {
            chromium,
            chromedriver,
        })
    }
}

fn from_env(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_file())
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// What the book must show in the browser.
#[derive(Debug, Clone)]
pub struct Expect {
    /// The built book.
    pub site: PathBuf,
    /// Every page to load, relative to `site`.
    pub pages: Vec<String>,
    /// Every chapter title the sidebar must list.
    pub chapters: Vec<String>,
    /// The exercise pages the sidebar must reach (`02_gil/01_build_a_gil.html`).
    pub exercise_pages: Vec<String>,
    /// A page with a quiz on it.
    pub quiz_page: String,
    /// A word that search must find.
    pub search_for: String,
    /// Where to save the screenshot.
    pub screenshot: PathBuf,
}

/// What the browser showed.
#[derive(Debug, Default)]
pub struct Seen {
    /// Pages loaded.
    pub pages: usize,
    /// Console errors, with their pages.
    pub console_errors: Vec<String>,
    /// Chapters missing from the sidebar.
    pub missing_chapters: Vec<String>,
    /// Exercise pages the sidebar does not reach.
    pub unreachable_exercises: Vec<String>,
    /// Search results for the word.
    pub search_results: usize,
    /// What the quiz said to a wrong, then a right answer.
    pub quiz_feedback: (String, String),
    /// How long it all took.
    pub took: Duration,
}

impl Seen {
    /// What the browser saw, in one line.
    pub fn summary(&self, expect: &Expect) -> String {
        format!(
            "browser: {} pages in {:.1} s; {} results for {:?}; quiz said {:?}, then {:?}; screenshot at {}",
            self.pages,
            self.took.as_secs_f64(),
            self.search_results,
            expect.search_for,
            self.quiz_feedback.0,
            self.quiz_feedback.1,
            expect.screenshot.display()
        )
    }

    /// Every way the book failed in the browser, one line each.
    pub fn problems(&self) -> Vec<String> {
        let mut found = Vec::new();
        found.extend(
            self.console_errors
                .iter()
                .map(|e| format!("console error: {e}")),
        );
        found.extend(
            self.missing_chapters
                .iter()
                .map(|c| format!("the sidebar does not list the chapter {c:?}")),
        );
        found.extend(
            self.unreachable_exercises
                .iter()
                .map(|p| format!("the sidebar does not reach {p}")),
        );
        if self.search_results == 0 {
            found.push("search found nothing".to_owned());
        }
        let (wrong, right) = &self.quiz_feedback;
        if !wrong.starts_with("Not quite") {
            found.push(format!("a wrong quiz answer was marked {wrong:?}"));
        }
        if !right.starts_with("Right") {
            found.push(format!("a right quiz answer was marked {right:?}"));
        }
        found
    }
}

/// A running chromedriver, stopped on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(tools: &Tools) -> Result<Driver> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", tools.chromedriver.display()))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            ensure!(
                Instant::now() < deadline,
                "chromedriver did not listen within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        })
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// chromedriver's log endpoint (`POST /session/{id}/se/log`): the browser
/// console's messages since the last call.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

/// Loads the book in headless Chromium and reports what it showed.
pub fn check(tools: &Tools, expect: &Expect) -> Result<Seen> {
    in_session(tools, async |client| look(client, expect).await)
}

/// Runs `work` in a fresh headless Chromium session, then closes it.
fn in_session<T>(tools: &Tools, work: impl AsyncFnOnce(&Client) -> Result<T>) -> Result<T> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let driver = Driver::start(tools)?;
    let profile = tempfile::tempdir()?;
    runtime.block_on(async {
        let client = connect(tools, &driver, profile.path()).await?;
        let result = work(&client).await;
        let _ = client.close().await;
        result
    })
}

async fn connect(tools: &Tools, driver: &Driver, profile: &Path) -> Result<Client> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": tools.chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .context("opening a Chromium session through chromedriver")
}

fn file_url(site: &Path, page: &str) -> String {
    format!("file://{}/{page}", site.display())
}

async fn console_errors(client: &Client) -> Result<Vec<String>> {
    let log = client
        .issue_cmd(BrowserLog)
        .await
        .context("reading the browser's console")?;
    Ok(log
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect())
}

async fn look(client: &Client, expect: &Expect) -> Result<Seen> {
    let started = Instant::now();
    let mut seen = Seen::default();

    // Every page renders, with nothing in the console.
    for page in &expect.pages {
        client.goto(&file_url(&expect.site, page)).await?;
        client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css("main"))
            .await
            .with_context(|| format!("{page}: no <main> rendered"))?;
        for e in console_errors(client).await? {
            seen.console_errors.push(format!("{page}: {e}"));
        }
        seen.pages += 1;
    }

    // The sidebar lists every chapter and reaches every exercise page.
    // mdBook 0.5 fills the sidebar from a script after the page loads: wait
    // until it holds a link per chapter (or 10 s have passed).
    client.goto(&file_url(&expect.site, "index.html")).await?;
    let asked = Instant::now();
    let links = loop {
        let links = client
            .execute(
                "return [...document.querySelectorAll('#mdbook-sidebar a')].map(a => [a.textContent.trim(), a.href]);",
                vec![],
            )
            .await?;
        let links: Vec<(String, String)> = serde_json::from_value(links)?;
        if links.len() >= expect.chapters.len() || asked.elapsed() > Duration::from_secs(10) {
            break links;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for chapter in &expect.chapters {
        if !links
            .iter()
            .any(|(text, _)| text.ends_with(chapter.as_str()))
        {
            seen.missing_chapters.push(chapter.clone());
        }
    }
    for page in &expect.exercise_pages {
        let Some((_, href)) = links.iter().find(|(_, href)| href.ends_with(page.as_str())) else {
            seen.unreachable_exercises.push(page.clone());
            continue;
        };
        client.goto(href).await?;
        let h1 = client.find(Locator::Css("main h1")).await;
        if h1.is_err() {
            seen.unreachable_exercises
                .push(format!("{page} (no heading)"));
        }
    }

    // Search finds the word.
    client.goto(&file_url(&expect.site, "index.html")).await?;
    client
        .find(Locator::Id("mdbook-search-toggle"))
        .await?
        .click()
        .await?;
    let bar = client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("mdbook-searchbar"))
        .await?;
    bar.send_keys(&expect.search_for).await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        seen.search_results = client
            .find_all(Locator::Css("#mdbook-searchresults li"))
            .await?
            .len();
        if seen.search_results > 0 || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A quiz marks a wrong answer, then the right one.
    client
        .goto(&file_url(&expect.site, &expect.quiz_page))
        .await?;
    seen.quiz_feedback = answer_first_question(client).await?;
    client
        .execute(
            "document.querySelector('.quiz-question').scrollIntoView({block: 'start'});",
            vec![],
        )
        .await?;
    let png = client.screenshot().await?;
    std::fs::write(&expect.screenshot, png)
        .with_context(|| format!("writing {}", expect.screenshot.display()))?;
    for e in console_errors(client).await? {
        seen.console_errors
            .push(format!("{}: {e}", expect.quiz_page));
    }

    seen.took = started.elapsed();
    Ok(seen)
}

/// Answers the page's first quiz question wrong, then right, clicking
/// like a reader; returns what the quiz said each time.
async fn answer_first_question(client: &Client) -> Result<(String, String)> {
    let question = client.find(Locator::Css(".quiz-question")).await?;
    let answer = question
        .attr("data-answer")
        .await?
        .ok_or_else(|| anyhow!("a quiz question without data-answer"))?;
    let right: Vec<usize> = answer
        .split(',')
        .map(str::parse)
        .collect::<Result<_, _>>()?;
    let inputs = question.find_all(Locator::Css("input")).await?;
    let Some(wrong) = (0..inputs.len()).find(|i| !right.contains(i)) else {
        bail!("the first question has no wrong choice to try");
    };
    let check = question.find(Locator::Css(".quiz-check")).await?;
    let result = question.find(Locator::Css(".quiz-result")).await?;

    inputs[wrong].click().await?;
    check.click().await?;
    let said_wrong = result.text().await?;

    // Put the choices right: untick the wrong one (checkboxes), tick the
    // right ones.
    let several = inputs[0].attr("type").await?.as_deref() == Some("checkbox");
    if several {
        inputs[wrong].click().await?;
    }
    for &i in &right {
        inputs[i].click().await?;
    }
    check.click().await?;
    let said_right = result.text().await?;
    Ok((said_wrong, said_right))
}

/// What the live panel of a served page did after one change of state.
#[derive(Debug, Clone)]
pub struct PanelChange {
    /// The panel's verdict (`data-verdict`) after the change.
    pub verdict: String,
    /// The panel's text after the change.
    pub text: String,
    /// From the change's return to the panel showing it.
    pub took: Duration,
    /// Whether the page was loaded again (it must not be).
    pub reloaded: bool,
}

/// A change of the learner's state, and the verdict the panel must show
/// after it.
pub type Step<'a> = Box<dyn FnOnce() -> Result<String> + 'a>;

/// Opens `url` (a page of the served book) in headless Chromium, waits for
/// the live panel, then makes each change in turn and times how long the
/// panel takes to show its verdict, without a reload; saves a screenshot
/// after the first change. Fails on any console error.
pub fn watch_panel(
    tools: &Tools,
    url: &str,
    steps: Vec<Step<'_>>,
    screenshot: &Path,
) -> Result<(String, Vec<PanelChange>)> {
    in_session(tools, async move |client| {
        client.goto(url).await?;
        let first = panel_verdict(client, None, Duration::from_secs(10)).await?;
        client
            .execute("window.__liveKept = true; return null;", vec![])
            .await?;
        let mut changes = Vec::new();
        for (n, step) in steps.into_iter().enumerate() {
            let want = step()?;
            let changed = Instant::now();
            let verdict = panel_verdict(client, Some(&want), Duration::from_secs(10)).await?;
            let took = changed.elapsed();
            let text = client.find(Locator::Id("live-panel")).await?.text().await?;
            let kept = client
                .execute("return window.__liveKept === true;", vec![])
                .await?;
            if n == 0 {
                let png = client.screenshot().await?;
                std::fs::write(screenshot, png)
                    .with_context(|| format!("writing {}", screenshot.display()))?;
            }
            changes.push(PanelChange {
                verdict,
                text,
                took,
                reloaded: kept != serde_json::Value::Bool(true),
            });
        }
        let errors = console_errors(client).await?;
        ensure!(errors.is_empty(), "console errors: {errors:?}");
        Ok((first, changes))
    })
}

/// The live panel's `data-verdict`, once there is a panel (and, with
/// `want`, once it shows that verdict).
async fn panel_verdict(client: &Client, want: Option<&str>, limit: Duration) -> Result<String> {
    let deadline = Instant::now() + limit;
    loop {
        let found = client
            .execute(
                "const p = document.getElementById('live-panel'); return p ? p.dataset.verdict : null;",
                vec![],
            )
            .await?;
        if let Some(verdict) = found.as_str()
            && want.is_none_or(|w| w == verdict)
        {
            return Ok(verdict.to_owned());
        }
        if Instant::now() > deadline {
            bail!("the live panel showed {found} after {limit:?}, not {want:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The text of the element with `id` once it appears on `url` (within
/// 10 s), and the console's errors meanwhile.
pub fn text_of(tools: &Tools, url: &str, id: &str) -> Result<(String, Vec<String>)> {
    in_session(tools, async |client| {
        client.goto(url).await?;
        let found = client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Id(id))
            .await
            .with_context(|| format!("no #{id} on {url} within 10 s"))?;
        let text = found.text().await?;
        Ok((text, console_errors(client).await?))
    })
}
