//! Quizzes: `{{#quiz quiz.toml}}` in a page becomes an interactive quiz.
//!
//! A quiz file holds `[[question]]` tables (see [`Question`]); the path is
//! relative to the page's own folder. The preprocessor renders each question
//! as a small HTML form; `theme/quiz.js` marks the answer in the browser, and
//! nothing is sent anywhere. The answer key sits in the page (`data-answer`):
//! a quiz is a self-check, not an exam.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use mdbook_markdown::pulldown_cmark::{Options, Parser, html};
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use serde::Deserialize;

/// The directive, as written in a page.
pub const DIRECTIVE: &str = "{{#quiz ";

/// A quiz file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    /// Its questions, in order.
    #[serde(rename = "question")]
    pub questions: Vec<Question>,
}

/// One question.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The question, in Markdown.
    pub prompt: String,
    /// The choices, in Markdown (one line each), 2 to 5 of them.
    pub choices: Vec<String>,
    /// The right choice's index, or the indices when several are right.
    pub answer: Answer,
    /// Why, in Markdown: shown once the learner has checked an answer.
    pub explain: String,
}

/// One right choice, or several.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// One right choice: shown with radio buttons.
    One(usize),
    /// Several right choices: shown with checkboxes; all of them and only
    /// them must be ticked.
    Several(Vec<usize>),
}

impl Answer {
    /// The right choices' indices, sorted.
    pub fn indices(&self) -> Vec<usize> {
        let mut all = match self {
            Answer::One(i) => vec![*i],
            Answer::Several(v) => v.clone(),
        };
        all.sort_unstable();
        all
    }

    fn is_several(&self) -> bool {
        matches!(self, Answer::Several(_))
    }
}

impl Quiz {
    /// Reads and validates a quiz file.
    pub fn load(path: &Path) -> Result<Quiz> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let quiz: Quiz =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        quiz.validate()
            .with_context(|| format!("in {}", path.display()))?;
        Ok(quiz)
    }

    /// Every question well formed and answerable: a prompt, 2 to 5 distinct
    /// choices, at least one right choice, every answer a choice, and an
    /// explanation.
    pub fn validate(&self) -> Result<()> {
        if self.questions.is_empty() {
            bail!("a quiz needs at least one [[question]]");
        }
        for (n, q) in self.questions.iter().enumerate() {
            let n = n + 1;
            if q.prompt.trim().is_empty() {
                bail!("question {n}: the prompt is empty");
            }
            if !(2..=5).contains(&q.choices.len()) {
                bail!(
                    "question {n}: {} choices (2 to 5 make a question)",
                    q.choices.len()
                );
            }
            let mut seen = HashSet::new();
            for c in &q.choices {
                if c.trim().is_empty() {
                    bail!("question {n}: an empty choice");
                }
                if !seen.insert(c.trim()) {
                    bail!("question {n}: the choice {c:?} appears twice");
                }
            }
            let right = q.answer.indices();
            if right.is_empty() {
                bail!("question {n}: no right answer");
            }
            if let Some(bad) = right.iter().find(|&&i| i >= q.choices.len()) {
                bail!(
                    "question {n}: answer {bad} is not a choice (0 to {})",
                    q.choices.len() - 1
                );
            }
            if right.windows(2).any(|w| w[0] == w[1]) {
                bail!("question {n}: an answer is listed twice");
            }
            if q.explain.trim().is_empty() {
                bail!("question {n}: say why the answer is right (`explain`)");
            }
        }
        Ok(())
    }

    /// The quiz as HTML; `key` makes its element ids unique in the book.
    pub fn to_html(&self, key: &str) -> String {
        let mut out = String::new();
        let total = self.questions.len();
        let _ = writeln!(
            out,
            "<div class=\"quiz\" id=\"quiz-{key}\" data-questions=\"{total}\">"
        );
        for (n, q) in self.questions.iter().enumerate() {
            let id = format!("quiz-{key}-{}", n + 1);
            let kind = if q.answer.is_several() {
                "checkbox"
            } else {
                "radio"
            };
            let answer: Vec<String> = q.answer.indices().iter().map(usize::to_string).collect();
            let _ = write!(
                out,
                "<fieldset class=\"quiz-question\" id=\"{id}\" data-answer=\"{}\">\n\
                 <legend>Question {} of {total}</legend>\n\
                 <div class=\"quiz-prompt\">{}</div>\n",
                answer.join(","),
                n + 1,
                markdown(&q.prompt)
            );
            if q.answer.is_several() {
                out.push_str("<p class=\"quiz-hint\">Tick every right answer.</p>\n");
            }
            out.push_str("<ul class=\"quiz-choices\">\n");
            for (i, choice) in q.choices.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "<li><label><input type=\"{kind}\" name=\"{id}\" value=\"{i}\"> <span>{}</span></label></li>",
                    inline_markdown(choice)
                );
            }
            let _ = write!(
                out,
                "</ul>\n\
                 <button type=\"button\" class=\"quiz-check\">Check</button>\n\
                 <div class=\"quiz-feedback\" hidden>\n\
                 <p class=\"quiz-result\" role=\"status\"></p>\n\
                 <div class=\"quiz-explain\">{}</div>\n\
                 </div>\n\
                 </fieldset>\n",
                markdown(&q.explain)
            );
        }
        out.push_str(
            "<noscript><p>The quiz needs JavaScript to mark your answers.</p></noscript>\n</div>\n",
        );
        out
    }
}

/// Markdown to HTML, as blocks.
fn markdown(text: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(text, Options::empty()));
    out.trim().to_owned()
}

/// Markdown to HTML, inline (a lone paragraph unwrapped).
fn inline_markdown(text: &str) -> String {
    let block = markdown(text);
    block
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        .map(str::to_owned)
        .unwrap_or(block)
}

/// The quiz directives in `content`: (byte range of the whole directive,
/// the path written in it).
pub fn directives(content: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = content[from..].find(DIRECTIVE) {
        let start = from + at;
        let Some(len) = content[start..].find("}}") else {
            break;
        };
        let end = start + len + 2;
        let path = content[start + DIRECTIVE.len()..end - 2].trim().to_owned();
        found.push((start..end, path));
        from = end;
    }
    found
}

/// The preprocessor that renders `{{#quiz ...}}` directives.
#[derive(Debug, Default)]
pub struct QuizPreprocessor;

impl Preprocessor for QuizPreprocessor {
    fn name(&self) -> &str {
        "quiz"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let src = ctx.root.join(&ctx.config.book.src);
        let mut error = None;
        book.for_each_mut(|item| {
            if error.is_some() {
                return;
            }
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            let Some(page) = chapter.source_path.clone() else {
                return;
            };
            match render_page(&src, &page, &chapter.content) {
                Ok(Some(content)) => chapter.content = content,
                Ok(None) => {}
                Err(e) => error = Some(e.context(format!("page {}", page.display()))),
            }
        });
        match error {
            Some(e) => Err(e),
            None => Ok(book),
        }
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

/// `content` of the page at `page` (relative to `src`) with its quizzes
/// rendered, or `None` when it has none.
fn render_page(src: &Path, page: &Path, content: &str) -> Result<Option<String>> {
    let found = directives(content);
    if found.is_empty() {
        return Ok(None);
    }
    let folder = page.parent().unwrap_or(Path::new(""));
    let mut out = String::with_capacity(content.len());
    let mut last = 0;
    for (range, path) in found {
        let file = src.join(folder).join(&path);
        let quiz = Quiz::load(&file)?;
        out.push_str(&content[last..range.start]);
        out.push_str(&quiz.to_html(&key(&folder.join(&path))));
        last = range.end;
    }
    out.push_str(&content[last..]);
    Ok(Some(out))
}

/// An id-safe key for a quiz file: `02_gil/quiz.toml` becomes `02-gil-quiz`.
fn key(path: &Path) -> String {
    let path: PathBuf = path.with_extension("");
    path.to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiz(text: &str) -> Result<Quiz> {
        let q: Quiz = toml::from_str(text)?;
        q.validate()?;
        Ok(q)
    }

    const GOOD: &str = r#"
[[question]]
prompt = "Which is `parallel`?"
choices = ["one cook, two pans", "two cooks"]
answer = 1
explain = "Two cooks work **at the same time**."

[[question]]
prompt = "Which release the GIL?"
choices = ["time.sleep", "a pure-Python loop", "a socket read"]
answer = [2, 0]
explain = "Blocking calls do."
"#;

    #[test]
    fn a_good_quiz_renders_one_fieldset_per_question() {
        let html = quiz(GOOD).unwrap().to_html("01_why-quiz");
        assert_eq!(html.matches("<fieldset").count(), 2);
        assert!(html.contains(r#"data-answer="1""#));
        assert!(html.contains(r#"data-answer="0,2""#));
        assert!(html.contains(r#"type="radio" name="quiz-01_why-quiz-1""#));
        assert!(html.contains(r#"type="checkbox" name="quiz-01_why-quiz-2""#));
        assert!(html.contains("<code>parallel</code>"));
        assert!(html.contains("<strong>at the same time</strong>"));
    }

    #[test]
    fn malformed_questions_are_refused_with_the_reason() {
        let cases = [
            ("answer = 2", "answer 2 is not a choice"),
            ("answer = []", "no right answer"),
            ("answer = [1, 1]", "listed twice"),
        ];
        for (answer, why) in cases {
            let text = format!(
                "[[question]]\nprompt = \"p\"\nchoices = [\"a\", \"b\"]\n{answer}\nexplain = \"e\"\n"
            );
            let err = format!("{:#}", quiz(&text).unwrap_err());
            assert!(err.contains(why), "{answer}: {err}");
        }
        let one_choice =
            "[[question]]\nprompt = \"p\"\nchoices = [\"a\"]\nanswer = 0\nexplain = \"e\"\n";
        assert!(format!("{:#}", quiz(one_choice).unwrap_err()).contains("1 choices"));
        let twice =
            "[[question]]\nprompt = \"p\"\nchoices = [\"a\", \"a\"]\nanswer = 0\nexplain = \"e\"\n";
        assert!(format!("{:#}", quiz(twice).unwrap_err()).contains("appears twice"));
        let no_why =
            "[[question]]\nprompt = \"p\"\nchoices = [\"a\", \"b\"]\nanswer = 0\nexplain = \" \"\n";
        assert!(format!("{:#}", quiz(no_why).unwrap_err()).contains("explain"));
        let typo =
            "[[question]]\nprompt = \"p\"\nchoice = [\"a\", \"b\"]\nanswer = 0\nexplain = \"e\"\n";
        assert!(quiz(typo).is_err());
    }

    #[test]
    fn directives_are_found_with_their_paths() {
        let page = "# T\n\n{{#quiz quiz.toml}}\n\ntext {{#quiz ../x/more.toml }} end";
        let found = directives(page);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].1, "quiz.toml");
        assert_eq!(&page[found[0].0.clone()], "{{#quiz quiz.toml}}");
        assert_eq!(found[1].1, "../x/more.toml");
    }

    #[test]
    fn keys_are_safe_in_ids() {
        assert_eq!(key(Path::new("02_gil/quiz.toml")), "02-gil-quiz");
    }
}
