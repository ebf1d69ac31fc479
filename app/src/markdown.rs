//! Markdown → sanitised HTML. The only place that builds a [`SanitizedHtml`].
//!
//! pulldown-cmark passes raw HTML and `javascript:` links through, so its output always goes
//! through ammonia, which keeps a small allow-list of tags and only http, https and mailto
//! links, and marks every link `rel="noopener noreferrer nofollow"`.

use std::collections::HashSet;

use pulldown_cmark::{Options, Parser, html};

use crate::model::SanitizedHtml;

/// Renders Markdown to HTML that is safe to insert into a page.
pub fn render(markdown: &str) -> SanitizedHtml {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));

    let tags: HashSet<&str> = [
        "a", "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol",
        "li", "table", "thead", "tbody", "tr", "th", "td",
    ]
    .into_iter()
    .collect();
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    let clean = ammonia::Builder::default()
        .tags(tags)
        .url_schemes(schemes)
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_tag_attributes("ol", ["start"])
        .clean(&demote_headings(&raw))
        .to_string();
    SanitizedHtml(clean)
}

/// A description sits below the page's `<h1>` (the entry's name) and a section `<h2>`
/// ("Beschreibung"), so its own headings start at h3: h1 and h2 become h3, h3 becomes h4,
/// and so on, h6 at most. Higher levels are shifted first so no heading moves twice.
fn demote_headings(html: &str) -> String {
    let mut out = html.to_owned();
    for (from, to) in [(5, 6), (4, 5), (3, 4), (2, 3), (1, 3)] {
        out = out.replace(&format!("<h{from}>"), &format!("<h{to}>")).replace(&format!("</h{from}>"), &format!("</h{to}>"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_event_handlers_and_javascript_links_are_removed() {
        let html = render("Hallo <script>alert(1)</script> <img src=x onerror=alert(2)> [klick](javascript:alert(3))");
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
        let out = render("# Titel\n\n## Abschnitt\n\n### Unterabschnitt\n\n* eins\n* **zwei**\n\n[Ulm](https://www.ulm.de)");
        let out = out.as_str();
        assert!(out.contains("<h3>Titel</h3>"), "{out}");
        assert!(out.contains("<h3>Abschnitt</h3>"), "{out}");
        assert!(out.contains("<h4>Unterabschnitt</h4>"), "{out}");
        assert!(out.contains("<strong>zwei</strong>"));
        assert!(out.contains("href=\"https://www.ulm.de\""));
        assert!(out.contains("rel=\"noopener noreferrer nofollow\""));
    }
}
