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
    options.insert(Options::ENABLE_TASKLISTS);
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options));

    let tags: HashSet<&str> = [
        "a", "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote", "ul",
        "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "input",
    ]
    .into_iter()
    .collect();
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    let clean = ammonia::Builder::default()
        .tags(tags)
        .url_schemes(schemes)
        .link_rel(Some("noopener noreferrer nofollow"))
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("ol", ["start"])
        .clean(&demote_h1(&raw))
        .to_string();
    SanitizedHtml(clean)
}

/// A page has exactly one `<h1>` (the entry's name): headings in descriptions start at h2.
fn demote_h1(html: &str) -> String {
    html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
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
    fn ordinary_markdown_survives() {
        let out = render("# Titel\n\n* eins\n* **zwei**\n\n[Ulm](https://www.ulm.de)");
        let out = out.as_str();
        assert!(out.contains("<h2>Titel</h2>"), "{out}");
        assert!(out.contains("<strong>zwei</strong>"));
        assert!(out.contains("href=\"https://www.ulm.de\""));
        assert!(out.contains("rel=\"noopener noreferrer nofollow\""));
    }
}
