//! Text for the two places where the rendering libraries write text without escaping it.
//!
//! leptos_meta 0.8 writes the `<title>` text into `<head>` as it is, and tachys treats
//! `<textarea>` like `<script>`: its children are not escaped. A name or a description
//! containing `</title>` or `</textarea>` would otherwise end the element and inject markup.
//! Both elements hold raw text in which the browser still decodes character references,
//! so escaping `&`, `<` and `>` shows the text exactly as typed. Every `<Title>` and every
//! `<textarea>` in this crate takes its text from here; a test below checks the sources.

/// Escapes `&`, `<` and `>` for the content of `<title>` or `<textarea>`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn element_breakers_are_escaped_and_ordinary_text_is_kept() {
        assert_eq!(
            escape("</title><meta http-equiv=refresh>"),
            "&lt;/title&gt;&lt;meta http-equiv=refresh&gt;"
        );
        assert_eq!(escape("a </textarea> & b"), "a &lt;/textarea&gt; &amp; b");
        assert_eq!(
            escape("Bürgerbüro „Süd“ – 100 %"),
            "Bürgerbüro „Süd“ – 100 %"
        );
    }

    /// Every source file under `src/`, with its path.
    fn sources() -> Vec<(std::path::PathBuf, String)> {
        let mut out = Vec::new();
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("src is readable") {
                let path = entry.expect("directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("source is UTF-8");
                    out.push((path, text));
                }
            }
        }
        out
    }

    #[test]
    fn every_textarea_and_title_in_the_views_takes_escaped_text() {
        let mut textareas = 0;
        for (path, text) in sources() {
            if path.ends_with("raw_text.rs") {
                continue;
            }
            for (at, _) in text.match_indices("<textarea") {
                textareas += 1;
                let rest = &text[at..];
                let open_end = rest.find('>').expect("textarea tag closes");
                let content =
                    &rest[open_end + 1..rest.find("</textarea>").expect("textarea element closes")];
                assert!(
                    content.trim().is_empty()
                        || content.trim_start().starts_with("{raw_text::escape("),
                    "{}: a <textarea> must take its text from raw_text::escape, found {content:?}",
                    path.display()
                );
            }
            for (at, _) in text.match_indices("<Title ") {
                let tag = &text[at..at + text[at..].find("/>").expect("Title closes")];
                assert!(
                    tag.contains("text=escaped_title"),
                    "{}: <Title> must take escaped text, found {tag:?}",
                    path.display()
                );
            }
        }
        assert!(
            textareas >= 4,
            "the scan found the form textareas ({textareas})"
        );
    }
}
