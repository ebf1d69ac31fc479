//! Any text into the Markdown renderer with its sanitiser and bounds: the HTML keeps to the
//! allow-list (no `<script`, no `on…=` handlers, no `javascript:` links), stays within the
//! size bound whether the text passes the check or falls back to plain text, and the cache
//! answers what a fresh render gives.
#![no_main]
#![allow(dead_code)]

use libfuzzer_sys::fuzz_target;

/// The one type app/src/markdown.rs needs from the app crate, as it is there.
mod model {
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct SanitizedHtml(pub(crate) String);

    impl SanitizedHtml {
        pub fn as_str(&self) -> &str {
            &self.0
        }
    }
}

#[path = "../../../app/src/markdown.rs"]
mod markdown;

const TAGS: &[&str] = &[
    "a", "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td",
];

/// Walks the tags of serialised HTML (text has `<` escaped, attribute values are quoted)
/// and checks tag names, attribute names and URL values.
fn assert_inert(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'/') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = &lower[start..i];
        assert!(TAGS.contains(&name), "tag <{name}> is not on the allow-list: {html}");
        // Attributes up to the closing `>`.
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                None => panic!("unterminated tag: {html}"),
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'/') => {
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let attr_start = i;
            while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b' ' | b'/') {
                i += 1;
            }
            let attr = &lower[attr_start..i];
            assert!(!attr.starts_with("on"), "event handler {attr}: {html}");
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                assert_eq!(bytes.get(i), Some(&b'"'), "unquoted attribute: {html}");
                i += 1;
                let value_start = i;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += 1;
                }
                let value = decode(&lower[value_start..i]);
                i += 1;
                // As a browser reads a URL: C0 controls and spaces trimmed, tabs and newlines removed.
                let scheme: String =
                    value.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
                if ["href", "src", "cite", "action", "formaction", "xlink:href"].contains(&attr) {
                    for bad in ["javascript:", "vbscript:", "data:"] {
                        assert!(!scheme.starts_with(bad), "{attr}={value}: {html}");
                    }
                }
            }
        }
    }
}

/// Undoes the character references a serialiser writes in attribute values.
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').unwrap_or(rest.len());
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some('\u{a0}'),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) if end < rest.len() => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let verdict = markdown::check(&text);
    let html = markdown::render(&text);
    assert!(html.as_str().len() <= markdown::MAX_HTML_BYTES, "render stays within the bound");
    assert_inert(html.as_str());
    if markdown::container_depth(&text) > markdown::MAX_DEPTH {
        assert!(verdict.is_err(), "a text nested too deeply is refused");
    }
    if let Ok(preview) = markdown::preview(&text) {
        assert!(verdict.is_ok(), "the preview and the check agree");
        assert_eq!(preview, html, "a text within the bounds renders as Markdown, the same every time");
    } else {
        assert!(verdict.is_err(), "the preview and the check agree");
    }
    assert_eq!(markdown::render(&text), html, "the cache answers what the render gave");
});
