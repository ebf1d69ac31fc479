//! Markdown → sanitised HTML. The only place that builds a [`SanitizedHtml`].
//!
//! pulldown-cmark passes raw HTML and `javascript:` links through, so its output always goes
//! through ammonia, which keeps a small allow-list of tags and only http, https and mailto
//! links, and marks every link `rel="noopener noreferrer nofollow"`.
//!
//! Bounds. Measured here (release build, 20 000 characters of input): pulldown-cmark's parse
//! stays linear for every shape tried (nested quotes and lists, brackets, emphasis runs,
//! tables, reference links, raw HTML) at about 1–3 ms. What grows with the square of the
//! nesting depth is the sanitiser: html5ever builds the tree of the rendered HTML, and 20 000
//! nested `>` make 540 KB of HTML and take ammonia 1.4 s (`> 1. ` and `- > ` alike, 0.4–0.7 s).
//! So a text is refused ([`check`]) and, when it was stored before the bounds existed, shown
//! as escaped plain text ([`render`]) when
//! - a line nests more than [`MAX_DEPTH`] quotes and list items (a linear scan of the lines,
//!   [`container_depth`], that the browser can run too), or
//! - the rendered element tree (including raw HTML tags) is deeper than [`MAX_TREE_DEPTH`],
//!   counted on the event stream before anything reaches the sanitiser, or
//! - the HTML would be larger than [`MAX_HTML_BYTES`] (short paragraphs in quotes nested as
//!   deep as allowed multiply the input twentyfold); the writer stops as soon as the bound is
//!   crossed. (Reference links used many times do not multiply: pulldown-cmark bounds their
//!   expansion itself; table rows are not padded to the header's columns.)
//!
//! Each stored text is rendered once: a process-wide cache keeps the sanitised HTML by source
//! text (see [`render`]).

#[cfg(feature = "ssr")]
use crate::model::SanitizedHtml;

/// The deepest nesting of block quotes and list items a description may have. Real
/// descriptions and READMEs nest lists three to six levels; 16 leaves room and keeps the
/// sanitiser's work small.
pub const MAX_DEPTH: usize = 16;

/// The deepest element tree the rendered HTML may have (a list level is two elements, `<ul>`
/// and `<li>`, plus paragraphs, emphasis and links inside).
pub const MAX_TREE_DEPTH: usize = 64;

/// The largest HTML a description may render to. A 20 000-character description of ordinary
/// Markdown renders to well under 128 KiB (a long table: 100 KB); the bound only stops
/// multiplying shapes.
pub const MAX_HTML_BYTES: usize = 256 * 1024;

/// Why a Markdown text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkdownProblem {
    /// Quotes, lists or tags nested deeper than allowed.
    TooDeep {
        /// The allowed depth of quotes and lists ([`MAX_DEPTH`]).
        max: usize,
    },
    /// The rendered HTML would be larger than allowed.
    TooLarge {
        /// The allowed size in KiB ([`MAX_HTML_BYTES`]).
        max_kib: usize,
    },
}

/// Whether `markdown` stays within the bounds. Without the `ssr` feature (in the browser)
/// only the line scan runs ([`container_depth`]); on the server the text is also parsed
/// (linear) to measure the element tree and the size of its HTML.
pub fn check(markdown: &str) -> Result<(), MarkdownProblem> {
    #[cfg(feature = "ssr")]
    {
        preview(markdown).map(|_| ())
    }
    #[cfg(not(feature = "ssr"))]
    {
        within_depth(markdown)
    }
}

/// The line scan's verdict ([`container_depth`] against [`MAX_DEPTH`]).
fn within_depth(markdown: &str) -> Result<(), MarkdownProblem> {
    if container_depth(markdown) > MAX_DEPTH {
        Err(MarkdownProblem::TooDeep { max: MAX_DEPTH })
    } else {
        Ok(())
    }
}

/// The deepest nesting of block quotes and list items on any line, found in one pass over
/// the text without parsing it. `>` counts one level each; a list marker (`-`, `*`, `+`,
/// `1.`, `1)`) counts one level plus the list items it is indented into, tracked as a stack
/// of the content columns of the items above. Lines in fenced code blocks and thematic
/// breaks (`- - -`) count nothing. An approximation of CommonMark's container rules that
/// errs towards counting too much only for unusual text (an indented code block of list
/// lines); on the server the element tree is counted exactly as well ([`MAX_TREE_DEPTH`]).
pub fn container_depth(markdown: &str) -> usize {
    let mut deepest = 0;
    // Content columns of the open list items, ascending.
    let mut items: Vec<usize> = Vec::new();
    let mut fence: Option<Fence> = None;
    for line in markdown.split('\n') {
        let rest = line.as_bytes();
        let (indent, _) = indentation(rest, 0);
        let trimmed = trim_start(rest);
        let blank = trimmed.iter().all(|b| b.is_ascii_whitespace());
        // Quote and list markers in any order, each possibly indented; `column` ends as the
        // column of the content.
        let (mut column, mut j, mut quotes, mut markers) = (0, 0, 0, 0);
        let mut depth = 0;
        while depth <= MAX_DEPTH * 4 {
            let (width, skipped) = indentation(&rest[j..], column);
            let at = &rest[j + skipped..];
            if at.first() == Some(&b'>') && (width < 4 || fence.is_some()) {
                quotes += 1;
                depth += 1;
                j += skipped + 1;
                column += width + 1;
                continue;
            }
            if fence.is_some() || is_thematic_break(at) {
                break;
            }
            let Some(marker) = list_marker(at) else { break };
            let marker_column = column + width;
            if markers == 0 {
                // This item sits inside the open items whose content starts at or before it.
                while items.last().is_some_and(|&c| c > marker_column) {
                    items.pop();
                }
                depth += items.len();
            }
            markers += 1;
            depth += 1;
            j += skipped + marker;
            column = marker_column + marker;
            items.push(column);
        }
        if let Some(open) = fence {
            // A line with fewer quotes, or less indented than the list item the fence is in,
            // ends the container and the code block with it; otherwise the line is code.
            if quotes >= open.quotes && (blank || indent >= open.column) {
                let body = trim_start(&rest[j..]);
                let len = fence_length(body, open.ch);
                if len >= open.len && body[len..].iter().all(|b| b.is_ascii_whitespace()) {
                    fence = None;
                }
                continue;
            }
            fence = None;
            // Scan the line again, now as Markdown.
            let again = container_depth(line);
            deepest = deepest.max(again);
            items.clear();
            continue;
        }
        if markers == 0 && quotes == 0 && !blank && indent == 0 {
            // Text at the left margin ends the lists (a lazy continuation line would not,
            // but counting less there is harmless).
            items.clear();
        }
        let body = trim_start(&rest[j..]);
        if let Some(&ch) = body.first().filter(|&&c| c == b'`' || c == b'~') {
            let len = fence_length(body, ch);
            if len >= 3 && !(ch == b'`' && body[len..].contains(&b'`')) {
                fence = Some(Fence {
                    ch,
                    len,
                    quotes,
                    column: if markers > 0 { column } else { indent },
                });
            }
        }
        deepest = deepest.max(depth);
    }
    deepest
}

/// An open code fence: its character and length, and where it stands.
#[derive(Clone, Copy)]
struct Fence {
    ch: u8,
    len: usize,
    quotes: usize,
    column: usize,
}

/// The columns and bytes of the spaces and tabs at the start of `bytes`, which starts at
/// column `column` (a tab advances to the next multiple of four).
fn indentation(bytes: &[u8], column: usize) -> (usize, usize) {
    let mut width = 0;
    let mut n = 0;
    for &b in bytes {
        match b {
            b' ' => width += 1,
            b'\t' => width += 4 - (column + width) % 4,
            _ => break,
        }
        n += 1;
    }
    (width, n)
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    &bytes[n..]
}

fn fence_length(bytes: &[u8], ch: u8) -> usize {
    bytes.iter().take_while(|&&b| b == ch).count()
}

/// Three or more of one of `-`, `*`, `_`, with spaces between: `---`, `* * *`.
fn is_thematic_break(bytes: &[u8]) -> bool {
    let Some(&ch) = bytes.first().filter(|&&c| matches!(c, b'-' | b'*' | b'_')) else {
        return false;
    };
    let mut count = 0;
    for &b in bytes {
        match b {
            b' ' | b'\t' | b'\r' => {}
            b if b == ch => count += 1,
            _ => return false,
        }
    }
    count >= 3
}

/// The width of a list marker at the start of `bytes` with the one space after it (`- `,
/// `12. `), or `None`. A marker at the end of the line (an empty item) counts too.
fn list_marker(bytes: &[u8]) -> Option<usize> {
    let digits = bytes
        .iter()
        .take(10)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let width = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        _ if (1..=9).contains(&digits) && matches!(bytes.get(digits), Some(b'.' | b')')) => {
            digits + 1
        }
        _ => return None,
    };
    match bytes.get(width) {
        None | Some(b'\r') => Some(width),
        Some(b' ' | b'\t') => Some(width + 1),
        _ => None,
    }
}

/// Renders Markdown to HTML that is safe to insert into a page. A text beyond the bounds
/// (stored before they existed) is shown as escaped plain text instead of being parsed.
///
/// The result is cached by source text, so a description is rendered once per revision and
/// not on every page view and API call. A process-wide memo is fine here although state is
/// otherwise passed explicitly: `render` is a pure function of its input, so the cache can
/// never change what anyone sees, only how often the work is done; it holds no secrets
/// beyond what it is asked to render, and its memory is bounded ([`CACHE_BYTES`]).
#[cfg(feature = "ssr")]
pub fn render(markdown: &str) -> SanitizedHtml {
    if let Some(html) = cache::get(markdown) {
        return html;
    }
    let html = render_uncached(markdown);
    cache::insert(markdown, &html);
    html
}

/// Renders text typed into a form (the live preview): the same bounds as [`check`], and not
/// cached, so typing does not push stored descriptions out of the cache.
#[cfg(feature = "ssr")]
pub fn preview(markdown: &str) -> Result<SanitizedHtml, MarkdownProblem> {
    within_depth(markdown)?;
    render_checked(markdown)
}

#[cfg(feature = "ssr")]
fn render_uncached(markdown: &str) -> SanitizedHtml {
    preview(markdown).unwrap_or_else(|_| plain(markdown))
}

/// Parses and sanitises a text that passed the line scan, within the tree and size bounds.
#[cfg(feature = "ssr")]
fn render_checked(markdown: &str) -> Result<SanitizedHtml, MarkdownProblem> {
    use pulldown_cmark::{Options, Parser, html};
    use std::collections::HashSet;

    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut events = TreeGuard {
        inner: Parser::new_ext(markdown, options),
        depth: 0,
        raw_depth: 0,
        too_deep: false,
    };
    let mut raw = BoundedHtml {
        out: String::with_capacity(markdown.len() * 3 / 2),
        exceeded: false,
    };
    let written = html::write_html_fmt(&mut raw, &mut events);
    if events.too_deep {
        return Err(MarkdownProblem::TooDeep { max: MAX_DEPTH });
    }
    if raw.exceeded || written.is_err() {
        return Err(MarkdownProblem::TooLarge {
            max_kib: MAX_HTML_BYTES / 1024,
        });
    }

    let tags: HashSet<&str> = [
        "a",
        "p",
        "br",
        "hr",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    ]
    .into_iter()
    .collect();
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    let clean = ammonia::Builder::default()
        .tags(tags)
        .url_schemes(schemes)
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_tag_attributes("ol", ["start"])
        .clean(&demote_headings(&raw.out))
        .to_string();
    // The sanitiser adds `rel` to links and closes what raw HTML left open, so it can grow.
    if clean.len() > MAX_HTML_BYTES {
        return Err(MarkdownProblem::TooLarge {
            max_kib: MAX_HTML_BYTES / 1024,
        });
    }
    Ok(SanitizedHtml(clean))
}

/// Passes pulldown-cmark's events on while the element tree stays within
/// [`MAX_TREE_DEPTH`]; then ends the stream and remembers why. Raw HTML counts its opening
/// tags (except void ones) and closing tags, roughly, since the sanitiser builds a tree of
/// those too.
#[cfg(feature = "ssr")]
struct TreeGuard<I> {
    inner: I,
    depth: usize,
    raw_depth: usize,
    too_deep: bool,
}

#[cfg(feature = "ssr")]
impl<'a, I: Iterator<Item = pulldown_cmark::Event<'a>>> Iterator for TreeGuard<I> {
    type Item = pulldown_cmark::Event<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        use pulldown_cmark::Event;
        if self.too_deep {
            return None;
        }
        let event = self.inner.next()?;
        match &event {
            Event::Start(_) => self.depth += 1,
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::Html(html) | Event::InlineHtml(html) => {
                self.raw_depth = raw_tag_depth(self.raw_depth, html)
            }
            _ => {}
        }
        if self.depth + self.raw_depth > MAX_TREE_DEPTH {
            self.too_deep = true;
            return None;
        }
        Some(event)
    }
}

/// The open raw tags after `html`: `<x` opens (unless void or `/>`), `</x` closes.
#[cfg(feature = "ssr")]
fn raw_tag_depth(mut depth: usize, html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let name_len = bytes[start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if name_len == 0 || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = &html[start..start + name_len];
        if closing {
            depth = depth.saturating_sub(1);
        } else if !VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
            let end = bytes[start..]
                .iter()
                .position(|&b| b == b'>')
                .map(|p| start + p);
            if !end.is_some_and(|e| e > 0 && bytes[e - 1] == b'/') {
                depth += 1;
            }
        }
    }
    depth
}

/// A `fmt::Write` that refuses to grow beyond [`MAX_HTML_BYTES`], so rendering stops there.
#[cfg(feature = "ssr")]
struct BoundedHtml {
    out: String,
    exceeded: bool,
}

#[cfg(feature = "ssr")]
impl std::fmt::Write for BoundedHtml {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.out.len() + s.len() > MAX_HTML_BYTES {
            self.exceeded = true;
            return Err(std::fmt::Error);
        }
        self.out.push_str(s);
        Ok(())
    }
}

/// The text as escaped paragraphs (blank lines apart, line breaks kept), cut at
/// [`MAX_HTML_BYTES`]: what a text beyond the bounds shows instead of its Markdown.
#[cfg(feature = "ssr")]
fn plain(markdown: &str) -> SanitizedHtml {
    const END: &str = "</p>";
    let mut out = String::with_capacity(markdown.len().min(MAX_HTML_BYTES) + 16);
    'paragraphs: for paragraph in markdown.split("\n\n").filter(|p| !p.trim().is_empty()) {
        out.push_str("<p>");
        for (n, line) in paragraph.trim_matches('\n').split('\n').enumerate() {
            if n > 0 {
                out.push_str("<br>");
            }
            for ch in line.chars() {
                if out.len() + 32 > MAX_HTML_BYTES {
                    out.push('…');
                    break 'paragraphs;
                }
                match ch {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&#39;"),
                    '\r' => {}
                    c => out.push(c),
                }
            }
        }
        out.push_str(END);
    }
    if !out.is_empty() && !out.ends_with(END) {
        out.push_str(END);
    }
    SanitizedHtml(out)
}

/// A description sits below the page's `<h1>` (the entry's name) and a section `<h2>`
/// ("Beschreibung"), so its own headings start at h3: h1 and h2 become h3, h3 becomes h4,
/// and so on, h6 at most. Higher levels are shifted first so no heading moves twice.
#[cfg(feature = "ssr")]
fn demote_headings(html: &str) -> String {
    let mut out = html.to_owned();
    for (from, to) in [(5, 6), (4, 5), (3, 4), (2, 3), (1, 3)] {
        out = out
            .replace(&format!("<h{from}>"), &format!("<h{to}>"))
            .replace(&format!("</h{from}>"), &format!("</h{to}>"));
    }
    out
}

/// The most source text and HTML the render cache holds, in bytes.
#[cfg(feature = "ssr")]
pub const CACHE_BYTES: usize = 64 * 1024 * 1024;

/// The render cache: sanitised HTML by source text, oldest out first when full.
#[cfg(feature = "ssr")]
mod cache {
    use std::collections::{HashMap, VecDeque};
    use std::sync::{Arc, LazyLock, Mutex};

    use super::{CACHE_BYTES, SanitizedHtml};

    /// What one entry costs beyond its two texts (map slot, queue slot, allocations).
    const OVERHEAD: usize = 96;

    pub(super) struct Cache {
        /// The full source text is the key, so a hit is always the same text.
        entries: HashMap<Arc<str>, SanitizedHtml>,
        /// Insertion order, for eviction.
        order: VecDeque<Arc<str>>,
        bytes: usize,
        budget: usize,
    }

    impl Cache {
        pub(super) fn new(budget: usize) -> Self {
            Cache {
                entries: HashMap::new(),
                order: VecDeque::new(),
                bytes: 0,
                budget,
            }
        }

        pub(super) fn get(&self, source: &str) -> Option<SanitizedHtml> {
            self.entries.get(source).cloned()
        }

        pub(super) fn insert(&mut self, source: &str, html: &SanitizedHtml) {
            let cost = source.len() + html.0.len() + OVERHEAD;
            if cost > self.budget || self.entries.contains_key(source) {
                return;
            }
            while self.bytes + cost > self.budget {
                let Some(oldest) = self.order.pop_front() else {
                    break;
                };
                if let Some(old) = self.entries.remove(&oldest) {
                    self.bytes -= oldest.len() + old.0.len() + OVERHEAD;
                }
            }
            let key: Arc<str> = Arc::from(source);
            self.order.push_back(key.clone());
            self.entries.insert(key, html.clone());
            self.bytes += cost;
        }

        #[cfg(test)]
        pub(super) fn bytes(&self) -> usize {
            self.bytes
        }
    }

    static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(|| Mutex::new(Cache::new(CACHE_BYTES)));

    pub(super) fn get(source: &str) -> Option<SanitizedHtml> {
        CACHE.lock().unwrap_or_else(|e| e.into_inner()).get(source)
    }

    pub(super) fn insert(source: &str, html: &SanitizedHtml) {
        CACHE
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(source, html);
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn scripts_event_handlers_and_javascript_links_are_removed() {
        let html = render(
            "Hallo <script>alert(1)</script> <img src=x onerror=alert(2)> [klick](javascript:alert(3))",
        );
        let out = html.as_str();
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("javascript:"), "{out}");
        assert!(out.contains("klick"));
    }

    #[test]
    fn task_lists_and_raw_form_fields_do_not_become_inputs() {
        let out = render("- [ ] offen\n- [x] erledigt\n\n<input type=\"text\" name=\"x\">");
        assert!(!out.as_str().contains("<input"), "{}", out.as_str());
    }

    #[test]
    fn ordinary_markdown_survives() {
        let out = render(
            "# Titel\n\n## Abschnitt\n\n### Unterabschnitt\n\n* eins\n* **zwei**\n\n[Ulm](https://www.ulm.de)",
        );
        let out = out.as_str();
        assert!(out.contains("<h3>Titel</h3>"), "{out}");
        assert!(out.contains("<h3>Abschnitt</h3>"), "{out}");
        assert!(out.contains("<h4>Unterabschnitt</h4>"), "{out}");
        assert!(out.contains("<strong>zwei</strong>"));
        assert!(out.contains("href=\"https://www.ulm.de\""));
        assert!(out.contains("rel=\"noopener noreferrer nofollow\""));
    }

    /// A README as they come: headings, a table, code, quotes and lists nested five levels
    /// with two and with four spaces.
    const README: &str = "# Mängelmelder\n\n> **Hinweis:** Die Version 2 ist in Arbeit.\n> > Zitat im Zitat\n\n\
        ## Funktionen\n\n\
        - Meldungen\n  - mit Foto\n    - vom Handy\n      - oder vom Rechner\n        - auch ohne Konto\n\n\
        1. Installation\n    1. Datenbank\n        1. PostgreSQL 15\n            1. mit PostGIS\n                \
        1. Version 3.4\n\n\
        * [ ] offen\n* [x] erledigt\n\n\
        | Spalte | Wert |\n|---|---|\n| a | 1 |\n\n\
        ```yaml\nspec:\n  containers:\n    - name: melder\n      env:\n        - name: A\n          \
        value:\n            - - - - - - - - - - - - - - - - - - - x\n```\n\n\
        ---\n- - - - - - - - - - - - - - - - - - -\n\n[Ulm](https://www.ulm.de) und <br> Zeilen.\n";

    #[test]
    fn a_readme_with_lists_nested_five_levels_passes() {
        assert!(container_depth(README) <= 5, "{}", container_depth(README));
        assert_eq!(check(README), Ok(()));
        let out = render(README);
        assert!(out.as_str().contains("auch ohne Konto"), "{}", out.as_str());
        assert!(out.as_str().contains("<table>"));
    }

    #[test]
    fn twenty_thousand_nested_quotes_are_refused_and_render_as_plain_text_quickly() {
        let text = ">".repeat(20_000);
        assert_eq!(
            check(&text),
            Err(MarkdownProblem::TooDeep { max: MAX_DEPTH })
        );
        let started = Instant::now();
        let out = render_uncached(&text);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        assert!(out.as_str().len() <= MAX_HTML_BYTES);
        assert!(out.as_str().starts_with("<p>&gt;&gt;"));
        assert!(!out.as_str().contains("<blockquote"));
    }

    #[test]
    fn nesting_by_other_means_is_refused_too() {
        let deep = [
            "> ".repeat(MAX_DEPTH + 1),
            "- ".repeat(MAX_DEPTH + 1) + "x",
            "1. ".repeat(MAX_DEPTH + 1) + "x",
            "> - ".repeat(MAX_DEPTH),
            (0..=MAX_DEPTH)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect(),
            (0..=MAX_DEPTH)
                .map(|i| format!("{}> x\n", ">".repeat(i)))
                .collect(),
        ];
        for text in deep {
            assert_eq!(
                check(&text),
                Err(MarkdownProblem::TooDeep { max: MAX_DEPTH }),
                "{text}"
            );
        }
        // Deeper than the line scan sees, caught on the element tree: raw tags and emphasis.
        for text in [
            "<ul><li>".repeat(MAX_TREE_DEPTH),
            "<em>".repeat(MAX_TREE_DEPTH + 1),
        ] {
            assert_eq!(
                check(&text),
                Err(MarkdownProblem::TooDeep { max: MAX_DEPTH }),
                "{text}"
            );
        }
        assert_eq!(check(&"- ".repeat(MAX_DEPTH)), Ok(()));
    }

    #[test]
    fn text_that_renders_to_too_much_html_is_refused() {
        // Paragraphs in quotes nested as deep as allowed: 19 characters make 420 bytes.
        let quotes = format!("{}a\n\n", ">".repeat(MAX_DEPTH)).repeat(1000);
        assert_eq!(
            check(&quotes),
            Err(MarkdownProblem::TooLarge { max_kib: 256 })
        );
        let out = render_uncached(&quotes);
        assert!(out.as_str().len() <= MAX_HTML_BYTES && out.as_str().starts_with("<p>&gt;"));
        // One long reference link used many times: pulldown-cmark bounds the expansion itself.
        let links = format!(
            "[a]: https://x.de/{}\n\n{}",
            "y".repeat(5000),
            "[a]".repeat(3000)
        );
        assert!(render_uncached(&links).as_str().len() <= MAX_HTML_BYTES);
    }

    #[test]
    fn the_cache_returns_the_same_html() {
        let text = "Einmal **gerendert**, dann aus dem Speicher. 7f3c";
        let first = render(text);
        assert_eq!(cache::get(text), Some(first.clone()));
        assert_eq!(render(text), first);
        assert_eq!(first, render_uncached(text));
    }

    #[test]
    fn the_cache_keeps_to_its_budget_and_drops_the_oldest() {
        let mut cache = cache::Cache::new(1000);
        let html = |s: &str| SanitizedHtml(format!("<p>{s}</p>"));
        for n in 0..20 {
            let text = format!("{n:0>100}");
            cache.insert(&text, &html(&text));
            assert!(cache.bytes() <= 1000);
        }
        assert_eq!(cache.get(&format!("{:0>100}", 0)), None);
        let newest = format!("{:0>100}", 19);
        assert_eq!(cache.get(&newest), Some(html(&newest)));
        assert_eq!(
            cache.get(&format!("{:0>99}", 19)),
            None,
            "only the same text is a hit"
        );
    }

    /// Times shapes known to be slow in Markdown renderers; prints, asserts only bounds.
    /// `cargo test -p app --lib markdown_shapes -- --nocapture` shows the numbers.
    #[test]
    fn markdown_shapes_stay_within_the_bounds() {
        let n = 20_000;
        let grow = |f: &dyn Fn(usize) -> String| {
            let mut s = String::new();
            for i in 1.. {
                let part = f(i);
                if s.len() + part.len() > n {
                    break;
                }
                s.push_str(&part);
            }
            s
        };
        let shapes: Vec<(&str, String)> = vec![
            ("quotes", ">".repeat(n)),
            ("quote list", "> 1. ".repeat(n / 5)),
            ("list quote", "- > ".repeat(n / 4)),
            (
                "lists by indentation",
                grow(&|i| format!("{}- a\n", "  ".repeat(i))),
            ),
            ("brackets", "[".repeat(n)),
            ("link openers", "[a](".repeat(n / 4)),
            ("emphasis runs", grow(&|i| format!("{} a ", "*".repeat(i)))),
            (
                "nested emphasis",
                format!("{}a{}", "**a ".repeat(n / 8), " a**".repeat(n / 8)),
            ),
            ("backtick runs", grow(&|i| format!("{} a ", "`".repeat(i)))),
            (
                "long table",
                format!("|a|b|\n|-|-|\n{}", "|x|y|\n".repeat(n / 6)),
            ),
            (
                "wide table",
                format!(
                    "{}\n{}\n{}",
                    "|a".repeat(n / 8),
                    "|-".repeat(n / 8),
                    "|\n".repeat(n / 4)
                ),
            ),
            ("raw lists", "<ul><li>".repeat(n / 8)),
            ("raw formatting", "<em>a</b>".repeat(n / 9)),
            ("entities", "&#".repeat(n / 2)),
        ];
        for (name, text) in shapes {
            let started = Instant::now();
            let verdict = check(&text);
            let checked = started.elapsed();
            let started = Instant::now();
            let out = render_uncached(&text);
            let rendered = started.elapsed();
            println!(
                "{name:22} {verdict:?} check {checked:?} render {rendered:?} html {}",
                out.as_str().len()
            );
            assert!(out.as_str().len() <= MAX_HTML_BYTES, "{name}");
        }
    }

    #[test]
    fn fenced_code_and_thematic_breaks_do_not_count_as_nesting() {
        let code = format!(
            "```\n{}\n```\n\n~~~~\n{}\n~~~~\n",
            "- ".repeat(40),
            "> ".repeat(40)
        );
        assert_eq!(container_depth(&code), 0);
        assert_eq!(
            container_depth("- - - - - - - - - - - - - - - - - - - -"),
            0
        );
        assert_eq!(container_depth("> > - a\n  - b"), 3);
    }
}
