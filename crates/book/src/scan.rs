//! Reads a built book back: every HTML page parsed, so tests (and `book
//! test`) can prove it loads nothing from outside and every link lands.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use scraper::{Html, Selector};

/// A built book's pages, parsed.
pub struct Site {
    /// The build folder.
    pub root: PathBuf,
    /// Each page's path relative to `root` (with `/`), and its element ids.
    pub pages: BTreeMap<String, Page>,
}

/// What the scans need of one page.
pub struct Page {
    /// The `id` (and `name`) attributes of its elements: link targets.
    pub ids: HashSet<String>,
    /// Its links: `href` of every `<a>`.
    pub links: Vec<String>,
    /// Everything it asks the browser to load: (tag, attribute value).
    pub loads: Vec<(String, String)>,
    /// Its text, without tags (for word counts and leftovers).
    pub html: String,
}

/// Pages the scans leave out: `404.html` resolves its links against the
/// site's root URL (it is served for any missing path), and `toc.html` is
/// the sidebar for browsers without JavaScript, checked through the pages.
const NOT_PAGES: [&str; 2] = ["404.html", "toc.html"];

impl Site {
    /// Parses every `.html` file under `root`.
    pub fn read(root: &Path) -> Result<Site> {
        let mut pages = BTreeMap::new();
        for file in files(root, "html")? {
            let rel = relative(root, &file);
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            pages.insert(rel, Page::parse(&text));
        }
        Ok(Site {
            root: root.to_owned(),
            pages,
        })
    }

    /// The pages a reader reaches (all but `NOT_PAGES`).
    pub fn reader_pages(&self) -> impl Iterator<Item = (&String, &Page)> {
        self.pages
            .iter()
            .filter(|(p, _)| !NOT_PAGES.contains(&p.as_str()))
    }

    /// Everything the book would load from outside this folder: a script,
    /// style sheet, font, image or frame from another host, in a page or a
    /// style sheet. Empty when the book is fully offline.
    pub fn external_loads(&self) -> Result<Vec<String>> {
        let mut found = Vec::new();
        for (path, page) in &self.pages {
            for (tag, url) in &page.loads {
                if is_external(url) {
                    found.push(format!("{path}: <{tag}> loads {url}"));
                }
            }
        }
        for file in files(&self.root, "css")? {
            let text = std::fs::read_to_string(&file)?;
            for url in css_urls(&text) {
                if is_external(&url) {
                    found.push(format!("{}: url({url})", relative(&self.root, &file)));
                }
            }
        }
        Ok(found)
    }

    /// Every link in a reader's page that lands nowhere: a missing file, or
    /// a `#fragment` with no element of that id in its page.
    pub fn broken_links(&self) -> Vec<String> {
        let mut broken = Vec::new();
        for (path, page) in self.reader_pages() {
            for href in &page.links {
                if let Err(why) = self.resolve(path, href) {
                    broken.push(format!("{path}: {href} ({why})"));
                }
            }
        }
        broken
    }

    /// Where `href`, found in page `from`, lands.
    fn resolve(&self, from: &str, href: &str) -> Result<(), String> {
        if href.is_empty() || is_external(href) || href.starts_with("mailto:") {
            return Ok(());
        }
        let (target, fragment) = match href.split_once('#') {
            Some((t, f)) => (t, Some(f)),
            None => (href, None),
        };
        let target = target.split('?').next().unwrap_or_default();
        let page = if target.is_empty() {
            from.to_owned()
        } else {
            let dir = Path::new(from).parent().unwrap_or(Path::new(""));
            let mut joined = normalise(&dir.join(target)).ok_or("leaves the book")?;
            if target.ends_with('/') || self.root.join(&joined).is_dir() {
                joined = format!("{}/index.html", joined.trim_end_matches('/'))
                    .trim_start_matches('/')
                    .to_owned();
            }
            if !self.root.join(&joined).is_file() {
                return Err(format!("no file {joined}"));
            }
            joined
        };
        match fragment {
            Some(f) if !f.is_empty() => match self.pages.get(&page) {
                Some(p) if p.ids.contains(&decode(f)) => Ok(()),
                Some(_) => Err(format!("no #{f} in {page}")),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

impl Page {
    fn parse(text: &str) -> Page {
        let doc = Html::parse_document(text);
        let sel = |s: &str| Selector::parse(s).expect("a valid selector");
        let ids = doc
            .select(&sel("[id], a[name]"))
            .filter_map(|e| e.attr("id").or_else(|| e.attr("name")))
            .map(str::to_owned)
            .collect();
        let links = doc
            .select(&sel("a[href]"))
            .filter_map(|e| e.attr("href"))
            .map(str::to_owned)
            .collect();
        let mut loads = Vec::new();
        for (selector, attr) in [
            ("script[src]", "src"),
            ("img[src]", "src"),
            ("iframe[src]", "src"),
            ("source[src]", "src"),
            ("audio[src]", "src"),
            ("video[src]", "src"),
            ("embed[src]", "src"),
            ("object[data]", "data"),
            ("link[href]", "href"),
        ] {
            for e in doc.select(&sel(selector)) {
                // A `<link rel="canonical">` names a page, it loads nothing.
                if e.value().name() == "link"
                    && e.attr("rel")
                        .is_some_and(|r| r == "canonical" || r == "alternate")
                {
                    continue;
                }
                if let Some(url) = e.attr(attr) {
                    loads.push((e.value().name().to_owned(), url.to_owned()));
                }
            }
        }
        for e in doc.select(&sel("style")) {
            for url in css_urls(&e.inner_html()) {
                loads.push(("style".to_owned(), url));
            }
        }
        Page {
            ids,
            links,
            loads,
            html: text.to_owned(),
        }
    }
}

/// A URL that names another host (`https://`, `//host`, any scheme but
/// the local ones).
pub fn is_external(url: &str) -> bool {
    let url = url.trim();
    if url.starts_with("//") {
        return true;
    }
    match url.split_once(':') {
        Some((scheme, _))
            if scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+') =>
        {
            !matches!(
                scheme.to_ascii_lowercase().as_str(),
                "data" | "blob" | "file" | "about" | "javascript" | "mailto"
            )
        }
        _ => false,
    }
}

/// The `url(...)` and `@import "..."` targets in a style sheet.
fn css_urls(css: &str) -> Vec<String> {
    let mut urls = Vec::new();
    let mut rest = css;
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let end = rest.find(')').unwrap_or(rest.len());
        urls.push(rest[..end].trim().trim_matches(['"', '\'']).to_owned());
        rest = &rest[end..];
    }
    let mut rest = css;
    while let Some(at) = rest.find("@import") {
        rest = &rest[at + 7..];
        let end = rest.find(';').unwrap_or(rest.len());
        let target = rest[..end].trim();
        if let Some(quoted) = target.strip_prefix(['"', '\'']) {
            urls.push(quoted.trim_end_matches(['"', '\'']).to_owned());
        }
        rest = &rest[end..];
    }
    urls
}

/// `%20`-style escapes in a fragment, decoded.
fn decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = fragment
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a/b/../c` as `a/c`; `None` when it climbs above the root.
fn normalise(path: &Path) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop()?;
            }
            std::path::Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    Some(parts.join("/"))
}

/// Every file under `root` ending in `.ext`, sorted.
pub fn files(root: &Path, ext: &str) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_owned()];
    while let Some(dir) = folders.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("listing {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// `file` relative to `root`, with `/` between the parts on every platform.
pub(crate) fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_urls_are_told_from_local_ones() {
        for url in [
            "https://cdn.example/x.js",
            "http://x",
            "//fonts.example/f.css",
        ] {
            assert!(is_external(url), "{url}");
        }
        for url in [
            "book.js",
            "../css/general.css",
            "data:image/png;base64,AAAA",
            "#top",
            "fonts/open-sans.woff2",
            "C++.html",
        ] {
            assert!(!is_external(url), "{url}");
        }
    }

    #[test]
    fn css_urls_and_imports_are_found() {
        let css = r#"@font-face { src: url("fonts/a.woff2") } @import 'https://x/y.css'; a { background: url(https://img/b.png) }"#;
        assert_eq!(
            css_urls(css),
            ["fonts/a.woff2", "https://img/b.png", "https://x/y.css"]
        );
    }

    #[test]
    fn links_resolve_to_files_and_anchors() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("ch")).unwrap();
        std::fs::write(
            root.join("index.html"),
            r##"<a href="ch/a.html#one">ok</a><a href="ch/a.html#two">no anchor</a><a href="ch/b.html">no file</a><a href="https://x">outside</a><a href="#me">self</a><p id="me">"##,
        )
        .unwrap();
        std::fs::write(
            root.join("ch/a.html"),
            r#"<h2 id="one">One</h2><a href="../index.html">up</a><a href="../../out.html">out</a>"#,
        )
        .unwrap();
        let site = Site::read(root).unwrap();
        assert_eq!(
            site.broken_links(),
            [
                "ch/a.html: ../../out.html (leaves the book)",
                "index.html: ch/a.html#two (no #two in ch/a.html)",
                "index.html: ch/b.html (no file ch/b.html)",
            ]
        );
    }

    #[test]
    fn pages_loading_from_outside_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            r#"<script src="https://cdn.example/mathjax.js"></script><script src="book.js"></script><link rel="stylesheet" href="//fonts.example/f.css"><link rel="canonical" href="https://site/">"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("a.css"),
            "b { background: url(http://x/y.png) }",
        )
        .unwrap();
        let site = Site::read(dir.path()).unwrap();
        assert_eq!(
            site.external_loads().unwrap(),
            [
                "index.html: <script> loads https://cdn.example/mathjax.js",
                "index.html: <link> loads //fonts.example/f.css",
                "a.css: url(http://x/y.png)",
            ]
        );
    }

    #[test]
    fn fragments_are_percent_decoded() {
        assert_eq!(decode("a%20b"), "a b");
        assert_eq!(decode("plain"), "plain");
        assert_eq!(decode("bad%zz"), "bad%zz");
    }
}
