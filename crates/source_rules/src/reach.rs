//! Family 7: a source that reaches outside its crate.
//!
//! Read as tokens, not as a syntax tree, so that macro bodies (where
//! `macro_rules!` can build a `#[path]` or an `include!`) are read too, and
//! `#[cfg_attr(..)]` cannot hide an attribute.

use crate::{Family, Finding, normalize};
use proc_macro2::{Delimiter, Ident, Literal, Span, TokenStream, TokenTree};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Attributes that place symbols or code for the linker: code that runs
/// before the checker's `main`, or replaces one of its functions.
const LINKER_ATTRIBUTES: &[&str] = &[
    "no_mangle",
    "export_name",
    "link_section",
    "used",
    "link_name",
    "link",
    "global_allocator",
];

/// The checker's crates: an exercise's `check.rs` uses `checks`, its
/// `src/` has no reason to name any of them.
const CHECKER_CRATES: &[&str] = &["checks", "references", "verdict", "source_rules"];

/// Whether the identifier at `i` names a crate: it starts a path
/// (`checks::x`, `use checks`) and no module of the file has that name, or
/// it can only be a crate (`::checks`, `extern crate checks`); rather than
/// ends a path (`crate::checks`) or names a variable.
fn names_a_crate(tokens: &[TokenTree], i: usize, own_module: bool) -> bool {
    let colon = |j: usize| punct_is(tokens.get(j), ':');
    let word = |j: usize, w: &str| matches!(tokens.get(j), Some(TokenTree::Ident(x)) if x == w);
    let before_is_path = i >= 2 && colon(i - 1) && colon(i - 2);
    // `a::checks` or `<T>::checks` continue a path; `use ::checks` starts one.
    let continues = |j: usize| match tokens.get(j) {
        Some(TokenTree::Ident(x)) => {
            !["use", "pub", "in", "as", "let", "return", "dyn", "impl"].contains(&unraw(x).as_str())
        }
        Some(TokenTree::Punct(p)) => p.as_char() == '>',
        _ => false,
    };
    let leading = before_is_path && (i == 2 || !continues(i - 3));
    let starts = colon(i + 1) && colon(i + 2) && !before_is_path;
    let used = i >= 1 && word(i - 1, "use");
    let extern_crate = i >= 2 && word(i - 1, "crate") && word(i - 2, "extern");
    leading || extern_crate || (!own_module && (starts || used))
}

/// Macros whose arguments make one path or string, judged whole.
const PATH_MACROS: &[&str] = &["include", "include_str", "include_bytes", "concat"];

/// Macros that put assembly outside any function.
const ASSEMBLY_MACROS: &[&str] = &["global_asm", "naked_asm"];

pub(crate) fn scan(text: &str, file: &Path, crate_root: &Path) -> Vec<Finding> {
    let Ok(tokens) = TokenStream::from_str(text) else {
        return Vec::new();
    };
    let file_dir = file.parent().unwrap_or(Path::new("")).to_owned();
    // Modules declared inside inline `mod x { .. }` blocks of `foo.rs` live
    // in `foo/x/`; of `lib.rs`, `main.rs` and `mod.rs` in `x/`.
    let mod_rs = matches!(
        file.file_name().and_then(|n| n.to_str()),
        Some("lib.rs" | "main.rs" | "mod.rs")
    );
    let nested_root = if mod_rs {
        file_dir.clone()
    } else {
        file_dir.join(file.file_stem().unwrap_or_default())
    };
    let mut scan = Scan {
        file,
        file_dir: file_dir.clone(),
        src: normalize(&crate_root.join("src")),
        in_path_macro: 0,
        own_modules: declared_modules(&tokens),
        crate_root_text: crate_root.display().to_string(),
        findings: Vec::new(),
    };
    scan.walk(
        tokens,
        &Dirs {
            here: file_dir,
            nested: Some(nested_root),
        },
    );
    scan.findings
}

/// The names after every `mod` in the file, at any depth.
fn declared_modules(stream: &TokenStream) -> Vec<String> {
    let mut names = Vec::new();
    let tokens: Vec<TokenTree> = stream.clone().into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(id) if unraw(id) == "mod" => {
                if let Some(TokenTree::Ident(name)) = tokens.get(i + 1) {
                    names.push(unraw(name));
                }
            }
            TokenTree::Group(g) => names.extend(declared_modules(&g.stream())),
            _ => {}
        }
    }
    names
}

/// Where a `#[path]` is resolved from, and where inline modules put theirs.
struct Dirs {
    /// The folder a `#[path]` here is relative to.
    here: PathBuf,
    /// At the top of a non-mod-rs file, inline modules nest in a folder
    /// named after the file rather than in `here`.
    nested: Option<PathBuf>,
}

struct Scan<'a> {
    file: &'a Path,
    file_dir: PathBuf,
    /// The crate's `src/`: what the checker reads, so all a source may load.
    src: PathBuf,
    /// How many path-making macros' arguments are being read.
    in_path_macro: usize,
    /// Modules the file declares (`mod checks;` is the learner's own).
    own_modules: Vec<String>,
    crate_root_text: String,
    findings: Vec<Finding>,
}

fn punct_is(token: Option<&TokenTree>, c: char) -> bool {
    matches!(token, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn unraw(ident: &Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#").map(str::to_owned).unwrap_or(text)
}

fn line_of(span: Span) -> usize {
    span.start().line.max(1)
}

/// The text of a string-like literal (strings, raw strings, byte strings,
/// C strings, characters), escapes decoded; `None` for numbers.
fn literal_text(literal: &Literal) -> Option<String> {
    match syn::Lit::new(literal.clone()) {
        syn::Lit::Str(s) => Some(s.value()),
        syn::Lit::ByteStr(s) => Some(String::from_utf8_lossy(&s.value()).into_owned()),
        syn::Lit::CStr(s) => Some(s.value().to_string_lossy().into_owned()),
        syn::Lit::Char(c) => Some(c.value().to_string()),
        _ => None,
    }
}

/// What `concat!` makes of a literal: strings as they are, numbers and
/// booleans as written.
fn concat_piece(literal: &Literal) -> String {
    literal_text(literal).unwrap_or_else(|| literal.to_string())
}

/// Why a string names something a learner's code has no business naming.
fn forbidden(text: &str) -> Option<&'static str> {
    let text = text.replace('\\', "/").to_lowercase();
    let names = |part: &str| text.contains(part);
    if names("solutions/") || text.ends_with("/solutions") || text == "solutions" {
        Some("names the course's solutions")
    } else if names("_solution") {
        Some("names a solution's crate or its check")
    } else if names("crates/references") || names("references/src") {
        Some("names the checker's references")
    } else if names("crates/checks") || names("checks/src") || names("crates/source_rules") {
        Some("names the checker's own code")
    } else if names("check_report") || names(".checker/") || names("checker_state_dir") {
        Some("names where the checker keeps its report")
    } else if (names("/proc/") && names("/mem")) || names("/dev/mem") {
        Some("names a process's memory")
    } else {
        None
    }
}

impl Scan<'_> {
    fn find(&mut self, span: Span, what: String) {
        self.findings.push(Finding {
            family: Family::OwnWork,
            file: self.file.to_owned(),
            line: line_of(span),
            what,
        });
    }

    fn outside(&self, path: &Path) -> bool {
        !normalize(path).starts_with(&self.src)
    }

    fn walk(&mut self, stream: TokenStream, dirs: &Dirs) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        // A `#[path]` seen since the last item, for an inline module.
        let mut pending_path: Option<String> = None;
        let mut i = 0;
        while i < tokens.len() {
            let token = &tokens[i];
            match token {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    let mut j = i + 1;
                    if punct_is(tokens.get(j), '!') {
                        j += 1;
                    }
                    if let Some(TokenTree::Group(g)) = tokens.get(j)
                        && g.delimiter() == Delimiter::Bracket
                    {
                        if let Some(path) = self.attribute(g.stream(), dirs) {
                            pending_path = Some(path);
                        }
                        i = j + 1;
                        continue;
                    }
                }
                TokenTree::Ident(id) if unraw(id) == "mod" => {
                    if let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(body))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                        && body.delimiter() == Delimiter::Brace
                    {
                        let base = dirs.nested.as_ref().unwrap_or(&dirs.here);
                        let here = match pending_path.take() {
                            Some(path) => normalize(&dirs.here.join(path)),
                            None => base.join(unraw(name)),
                        };
                        self.walk(body.stream(), &Dirs { here, nested: None });
                        i += 3;
                        continue;
                    }
                    pending_path = None;
                }
                TokenTree::Ident(id) if punct_is(tokens.get(i + 1), '!') => {
                    let name = unraw(id);
                    if let Some(TokenTree::Group(args)) = tokens.get(i + 2) {
                        self.macro_call(&name, id.span(), args.stream());
                        self.walk_args(&name, args.stream(), dirs);
                        i += 3;
                        continue;
                    }
                }
                TokenTree::Ident(id) => {
                    let name = id.to_string();
                    let mangled = name.starts_with("_ZN")
                        || (name.starts_with("_R")
                            && name[2..].starts_with(|c: char| c.is_ascii_uppercase()));
                    if mangled && name.chars().any(|c| c.is_ascii_digit()) {
                        self.find(
                            id.span(),
                            format!("`{name}` names a compiled symbol of another crate"),
                        );
                    }
                    let name = unraw(id);
                    if CHECKER_CRATES.contains(&name.as_str())
                        && names_a_crate(&tokens, i, self.own_modules.contains(&name))
                    {
                        self.find(
                            id.span(),
                            format!(
                                "`{name}` is the checker's crate (your crate depends on it only for `check.rs`): your code has no use for it"
                            ),
                        );
                    }
                }
                TokenTree::Literal(literal) => self.literal(literal),
                TokenTree::Group(g) => {
                    pending_path = None;
                    self.walk(g.stream(), dirs);
                }
                TokenTree::Punct(p) if p.as_char() == ';' => pending_path = None,
                TokenTree::Punct(_) => {}
            }
            i += 1;
        }
    }

    fn literal(&mut self, literal: &Literal) {
        if let Some(text) = literal_text(literal)
            && let Some(why) = forbidden(&text)
        {
            self.find(literal.span(), format!("the string {text:?} {why}"));
        }
    }

    /// Reads an attribute's tokens (`path = ".."`, `unsafe(no_mangle)`,
    /// `cfg_attr(x, path = "..")`); returns the `#[path]` it sets, if any.
    fn attribute(&mut self, stream: TokenStream, dirs: &Dirs) -> Option<String> {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        let mut path = None;
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Ident(id) if punct_is(tokens.get(i + 1), '=') => {
                    let key = unraw(id);
                    let value = tokens.get(i + 2);
                    if key == "path" {
                        match value {
                            Some(TokenTree::Literal(l)) if literal_text(l).is_some() => {
                                let text = literal_text(l).unwrap_or_default();
                                let target = dirs.here.join(text.replace('\\', "/"));
                                if self.outside(&target) {
                                    self.find(
                                        l.span(),
                                        format!(
                                            "`#[path = {text:?}]` loads {}, outside your crate's `src/`",
                                            normalize(&target).display()
                                        ),
                                    );
                                } else if let Some(why) = forbidden(&text) {
                                    self.find(l.span(), format!("`#[path = {text:?}]` {why}"));
                                }
                                path = Some(text);
                            }
                            _ => self.find(
                                id.span(),
                                "a `#[path]` that is not a plain string: the checker cannot tell which file it loads".into(),
                            ),
                        }
                        i += 3;
                        continue;
                    }
                    if key == "doc"
                        && let Some(TokenTree::Literal(_)) = value
                    {
                        // A doc comment: prose may name anything.
                        i += 3;
                        continue;
                    }
                    if LINKER_ATTRIBUTES.contains(&key.as_str()) {
                        self.linker_attribute(id, &key);
                    }
                }
                TokenTree::Ident(id) => {
                    let key = unraw(id);
                    if LINKER_ATTRIBUTES.contains(&key.as_str()) {
                        self.linker_attribute(id, &key);
                    }
                    if punct_is(tokens.get(i + 1), '!')
                        && let Some(TokenTree::Group(args)) = tokens.get(i + 2)
                    {
                        self.macro_call(&key, id.span(), args.stream());
                        self.walk_args(&key, args.stream(), dirs);
                        i += 3;
                        continue;
                    }
                }
                TokenTree::Group(g) => {
                    if let Some(inner) = self.attribute(g.stream(), dirs) {
                        path = Some(inner);
                    }
                }
                TokenTree::Literal(l) => self.literal(l),
                TokenTree::Punct(_) => {}
            }
            i += 1;
        }
        path
    }

    fn linker_attribute(&mut self, id: &Ident, key: &str) {
        self.find(
            id.span(),
            format!(
                "`#[{key}]` places a symbol or code for the linker: it can run before the checker's `main` or replace one of its functions"
            ),
        );
    }

    /// Reads a macro's arguments; inside the macros that make a path, the
    /// path is judged whole, so `env!("CARGO_MANIFEST_DIR")` is fine there.
    fn walk_args(&mut self, name: &str, args: TokenStream, dirs: &Dirs) {
        let makes_a_path = PATH_MACROS.contains(&name);
        self.in_path_macro += usize::from(makes_a_path);
        self.walk(args, dirs);
        self.in_path_macro -= usize::from(makes_a_path);
    }

    fn macro_call(&mut self, name: &str, span: Span, args: TokenStream) {
        match name {
            "env" | "option_env" if self.in_path_macro == 0 => {
                let tokens: Vec<TokenTree> = args.into_iter().collect();
                if self.eval(&tokens).as_deref() == Some("CARGO_MANIFEST_DIR") {
                    self.find(
                        span,
                        format!(
                            "`{name}!(\"CARGO_MANIFEST_DIR\")` gives the crate's folder to build a path from at run time, where the checker cannot follow it: name a file of your `src/` with `include_str!` instead"
                        ),
                    );
                }
            }
            "include" | "include_str" | "include_bytes" => {
                let tokens: Vec<TokenTree> = args.into_iter().collect();
                match self.eval(&tokens) {
                    Some(text) => {
                        let target = self.file_dir.join(text.replace('\\', "/"));
                        if self.outside(&target) {
                            self.find(
                                span,
                                format!(
                                    "`{name}!` of {}, outside your crate's `src/`",
                                    normalize(&target).display()
                                ),
                            );
                        }
                    }
                    None => self.find(
                        span,
                        format!(
                            "`{name}!` of a path built in a way the checker cannot follow: name a file of your `src/` with a plain string"
                        ),
                    ),
                }
            }
            // Inside an `include!` or another `concat!`, the whole is judged.
            "concat" if self.in_path_macro == 0 => {
                let tokens: Vec<TokenTree> = args.into_iter().collect();
                if let Some(text) = self.eval_concat(&tokens) {
                    if let Some(why) = forbidden(&text) {
                        self.find(span, format!("`concat!` makes {text:?}, which {why}"));
                    } else if text.starts_with(&self.crate_root_text)
                        && self.outside(Path::new(&text))
                    {
                        self.find(
                            span,
                            format!(
                                "`concat!` makes the path {}, outside your crate's `src/`",
                                normalize(Path::new(&text)).display()
                            ),
                        );
                    }
                }
            }
            _ if ASSEMBLY_MACROS.contains(&name) => self.find(
                span,
                format!(
                    "`{name}!` places assembly for the linker, outside any function the checker calls"
                ),
            ),
            _ => {}
        }
    }

    /// The string a macro argument makes: a literal, `concat!`,
    /// `env!("CARGO_MANIFEST_DIR")`, possibly behind `std::`/`core::`.
    fn eval(&self, tokens: &[TokenTree]) -> Option<String> {
        let mut tokens = tokens;
        // A trailing comma is allowed.
        if punct_is(tokens.last(), ',') {
            tokens = &tokens[..tokens.len() - 1];
        }
        // `::std::concat!(..)`: skip the path to the macro's name.
        let mut start = 0;
        while start + 1 < tokens.len()
            && (punct_is(tokens.get(start), ':')
                || (matches!(tokens.get(start), Some(TokenTree::Ident(_)))
                    && punct_is(tokens.get(start + 1), ':')))
        {
            start += 1;
        }
        let tokens = &tokens[start..];
        match tokens {
            [TokenTree::Literal(l)] => Some(concat_piece(l)),
            [TokenTree::Group(g)] if g.delimiter() == Delimiter::None => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                self.eval(&inner)
            }
            [
                TokenTree::Ident(name),
                TokenTree::Punct(bang),
                TokenTree::Group(args),
            ] if bang.as_char() == '!' => {
                let inner: Vec<TokenTree> = args.stream().into_iter().collect();
                match unraw(name).as_str() {
                    "concat" => self.eval_concat(&inner),
                    "env" => match self.eval(&inner)?.as_str() {
                        "CARGO_MANIFEST_DIR" => Some(self.crate_root_text.clone()),
                        _ => None,
                    },
                    "stringify" => Some(args.stream().to_string()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn eval_concat(&self, tokens: &[TokenTree]) -> Option<String> {
        let mut text = String::new();
        for piece in tokens.split(|t| punct_is(Some(t), ',')) {
            if piece.is_empty() {
                continue;
            }
            text.push_str(&self.eval(piece)?);
        }
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = "/course/exercises/03_threads/02_lost_updates";

    fn scan_lib(text: &str) -> Vec<Finding> {
        let root = Path::new(ROOT);
        scan(text, &root.join("src/lib.rs"), root)
    }

    fn flagged(text: &str) -> String {
        let findings = scan_lib(text);
        assert!(!findings.is_empty(), "not flagged:\n{text}");
        assert!(findings.iter().all(|f| f.family == Family::OwnWork));
        findings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn clean(text: &str) {
        let findings = scan_lib(text);
        assert!(findings.is_empty(), "flagged:\n{text}\n{findings:#?}");
    }

    #[test]
    fn own_modules_and_data_are_fine() {
        clean("mod bank;\nmod util { pub fn f() {} }\npub use bank::Bank;");
        clean(r#"#[path = "bank_impl.rs"] mod bank;"#);
        clean(r#"#[path = "parts/bank.rs"] mod bank;"#);
        clean(r#"const DATA: &str = include_str!("data.txt");"#);
        clean(r#"const DATA: &[u8] = include_bytes!("./data/../table.bin");"#);
        clean(r#"include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/table.rs"));"#);
        clean(
            r#"const D: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/data.txt"));"#,
        );
        clean(
            "//! The solutions of the course are not read here.\n/// See checks/src? no.\nfn f() {}",
        );
        clean(
            r#"#[allow(unused)] #[must_use] #[inline(always)] #[cfg_attr(test, derive(Debug))] struct S;"#,
        );
        clean(r#"fn f() { println!("no solutions found"); let _ = "references"; }"#);
        clean(
            "use std::sync::atomic::{AtomicU64, Ordering};\nfn f(a: &AtomicU64) { a.fetch_add(1, Ordering::Relaxed); }",
        );
    }

    #[test]
    fn a_path_attribute_outside_the_crate_is_found_with_its_line() {
        let text = "//! Mine.\n\n#[path = \"../../../../solutions/04_parallelism/01_map_reduce/src/lib.rs\"]\nmod answer;\npub use answer::*;\n";
        let findings = scan_lib(text);
        assert_eq!(findings[0].line, 3, "{findings:#?}");
        let all = flagged(text);
        assert!(all.contains("outside your crate's `src/`"), "{all}");
        assert!(
            all.contains("/course/solutions/04_parallelism/01_map_reduce/src/lib.rs"),
            "{all}"
        );
    }

    #[test]
    fn every_way_to_write_a_path_attribute_is_read() {
        // Nested in an inline module, raw string, Windows separators,
        // behind `cfg_attr`, inner attribute, upper case on a case-blind disk.
        flagged(
            "mod a { mod b { #[path = \"../../../../../../crates/checks/src/lost_updates.rs\"] mod c; } }",
        );
        flagged(
            "#[path = r#\"../../../../solutions/03_threads/02_lost_updates/src/lib.rs\"#] mod x;",
        );
        flagged(
            "#[path = \"..\\\\..\\\\..\\\\..\\\\SOLUTIONS\\\\03_threads\\\\02_lost_updates\\\\src\\\\lib.rs\"] mod x;",
        );
        flagged("#[cfg_attr(all(), path = \"../../../x.rs\")] mod x;");
        flagged("#[cfg_attr(not(test), cfg_attr(all(), path = \"/etc/x.rs\"))] mod x;");
        // An inline module moved by its own #[path], then a module under it.
        flagged(
            "#[path = \"..\"] mod up { #[path = \"../../crates/references/src/lib.rs\"] mod r; }",
        );
        flagged("#[path = \"../..\"] mod up { mod x; }");
        // A path made by a macro is not a plain string.
        flagged("macro_rules! m { ($p:literal) => { #[path = $p] mod x; } }");
        // Escapes inside the string.
        flagged("#[path = \"../../../../sol\\u{75}tions/x/src/lib.rs\"] mod x;");
    }

    #[test]
    fn includes_outside_the_crate_are_found() {
        flagged("include!(\"../../../../solutions/03_threads/02_lost_updates/src/lib.rs\");");
        flagged("const S: &str = include_str!(\"../../../../crates/references/src/download.rs\");");
        flagged("const S: &[u8] = std::include_bytes!(\"/proc/self/exe\");");
        flagged(
            "include!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../../solutions/x/src/lib.rs\"));",
        );
        flagged(
            "include!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../\", \"sol\", \"utions/x/src/lib.rs\"));",
        );
        flagged("include!(::core::concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/..\", \"/x.rs\"));");
        // A path the checker cannot follow is refused rather than trusted.
        flagged("macro_rules! p { () => { \"x.rs\" } }\ninclude!(p!());");
        flagged("include!(concat!(env!(\"HOME\"), \"/x.rs\"));");
        flagged("macro_rules! inc { ($f:expr) => { include_str!($f) } }");
        flagged("#[doc = include_str!(\"../../../../solutions/x/src/lib.rs\")] struct S;");
    }

    #[test]
    fn an_include_through_concat_is_one_finding() {
        let root = Path::new(ROOT);
        let findings = crate::scan_source(
            "include!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../../solutions/x/src/lib.rs\"));",
            &root.join("src/lib.rs"),
            root,
            crate::Rules::default(),
        );
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert!(
            findings[0].what.starts_with("`include!` of"),
            "{findings:#?}"
        );
    }

    #[test]
    fn strings_naming_the_checker_s_files_are_found() {
        for text in [
            "solutions/03_threads/02_lost_updates/src/lib.rs",
            "../../crates/references/src/lib.rs",
            "crates/checks/src/lost_updates.rs",
            "CHECK_REPORT",
            "/proc/self/mem",
            "/proc/1234/mem",
            ".checker/reports/check_x.json",
        ] {
            flagged(&format!("fn f() {{ let _ = std::fs::read({text:?}); }}"));
            flagged(&format!(
                "fn f() {{ let _ = std::fs::read(r#\"{text}\"#); }}"
            ));
            flagged(&format!("fn f() {{ let _ = std::fs::read(b{text:?}); }}"));
        }
        flagged("fn f() { let _ = std::env::var(concat!(\"CHECK_\", \"REPORT\")); }");
        flagged("fn f() { let _ = concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../..\"); }");
        flagged("macro_rules! m { () => { \"solutions/x\" } }");
        // The solution's check binary, run to write the report.
        flagged(
            "fn f() { let _ = std::process::Command::new(\"target/debug/check_lost_updates_solution\"); }",
        );
        // The crate's folder, to go up from at run time.
        flagged("fn f() { let _ = std::path::Path::new(env!(\"CARGO_MANIFEST_DIR\")).parent(); }");
        flagged("fn f() { let _ = option_env!(\"CARGO_MANIFEST_DIR\"); }");
    }

    #[test]
    fn the_checker_s_crates_are_not_for_the_learner_s_code() {
        let text =
            flagged("pub fn total(s: &SumOfSquares) -> u64 { checks::map_reduce::reference(s) }");
        assert!(text.contains("`checks` is the checker's crate"), "{text}");
        flagged("use checks::lost_updates;");
        flagged("use checks as c;");
        flagged("use ::checks::lost_updates;");
        flagged("extern crate checks;");
        flagged("use {checks::x, std::mem};");
        flagged("fn f() { let _ = references::squares::expected(3); }");
        flagged("fn f() -> verdict::Report { todo!() }");
        // A variable, a field, or the learner's own module of that name.
        clean("fn f(checks: u32) -> u32 { let x = checks + 1; x }");
        clean("struct S { checks: u32 } fn f(s: &S) -> u32 { s.checks }");
        clean("mod checks { pub fn f() {} }\nfn g() { checks::f(); crate::checks::f(); }");
        clean("fn f() { self::a::checks::g(); }");
        // A module of that name does not hide the crate itself.
        flagged("mod checks {}\nfn g() { ::checks::lost_updates::check(); }");
        flagged("mod checks {}\nextern crate checks as c;");
    }

    #[test]
    fn linker_attributes_are_found() {
        flagged("#[unsafe(no_mangle)] pub extern \"C\" fn main() {}");
        flagged("#[no_mangle] pub fn f() {}");
        flagged("#[unsafe(export_name = \"main\")] pub fn f() {}");
        flagged(
            "#[used] #[unsafe(link_section = \".init_array\")] static INIT: extern \"C\" fn() = f;",
        );
        flagged("#[cfg_attr(all(), unsafe(link_section = \".init_array\"))] static X: u8 = 0;");
        flagged("unsafe extern \"Rust\" { #[link_name = \"x\"] fn f(); }");
        flagged("std::arch::global_asm!(\"nop\");");
        flagged("unsafe extern \"Rust\" { fn _ZN6checks12lost_updates5check17h0E(); }");
        flagged("unsafe extern \"Rust\" { fn _RNvCs1234_6checks5check(); }");
        flagged("#[global_allocator] static A: std::alloc::System = std::alloc::System;");
    }

    #[test]
    fn files_of_the_crate_outside_src_are_outside_too() {
        // The checker reads only src/: a file beside it could hold anything.
        flagged("#[path = \"../more.rs\"] mod more;");
        flagged("const DATA: &[u8] = include_bytes!(\"../Cargo.toml\");");
        flagged("include!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/more.rs\"));");
    }

    #[test]
    fn a_file_that_does_not_tokenize_is_left_to_the_compiler() {
        assert!(scan_lib("fn f() { \"unterminated").is_empty());
        assert!(scan_lib("fn f() { ( }").is_empty());
    }

    #[test]
    fn a_non_mod_rs_file_nests_inline_modules_in_its_own_folder() {
        let root = Path::new(ROOT);
        // In src/bank.rs, `mod inner { #[path = "../../x.rs"] mod x; }`
        // loads src/bank/inner/../../x.rs = src/x.rs: inside.
        let text = "mod inner { #[path = \"../../x.rs\"] mod x; }";
        assert!(scan(text, &root.join("src/bank.rs"), root).is_empty());
        // Top-level #[path] in a non-mod-rs file is relative to its folder.
        let text = "#[path = \"../../x.rs\"] mod x;";
        assert!(!scan(text, &root.join("src/bank.rs"), root).is_empty());
    }
}
