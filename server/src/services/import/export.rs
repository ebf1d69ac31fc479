//! From a solution to a publiccode.yml (version "0", the current standard). Written by hand:
//! every string is double-quoted with YAML escapes, or a literal block for multi-line
//! Markdown, so nothing a user typed can change the structure of the file.

use std::fmt::Write;

use app::entry_rules::SolutionInput;

/// What the export needs besides the solution itself.
#[derive(Debug, Clone, Default)]
pub struct ExportContext {
    /// The owning organisation's name and, if known, its website.
    pub organisation_name: String,
    pub organisation_website: Option<String>,
    /// The solution's page in this catalogue, written as a comment.
    pub page_url: Option<String>,
}

/// A YAML double-quoted scalar.
pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A block value at `indent` spaces: a literal block when the text is plain multi-line
/// text that a literal block reproduces exactly, otherwise a double-quoted scalar.
fn block(text: &str, indent: usize) -> String {
    let literal_safe = text.contains('\n')
        && !text.starts_with([' ', '\t', '\n'])
        && !text.ends_with([' ', '\t', '\n'])
        && !text.chars().any(|c| {
            (c.is_control() && c != '\n') || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}'
        })
        && text.lines().all(|line| !line.ends_with([' ', '\t']));
    if !literal_safe {
        return quoted(text);
    }
    let pad = " ".repeat(indent);
    let mut out = String::from("|-\n");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

fn list(out: &mut String, indent: usize, key: &str, items: &[String]) {
    let pad = " ".repeat(indent);
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{pad}{key}:");
    for item in items {
        let _ = writeln!(out, "{pad}  - {}", quoted(item));
    }
}

fn features_of(input: &SolutionInput) -> Vec<String> {
    input
        .features
        .iter()
        .flat_map(|f| app::entry_rules::split_lines(f))
        .collect()
}

fn description(out: &mut String, lang: &str, short: &str, long: &str, features: &[String]) {
    let _ = writeln!(out, "  {lang}:");
    let _ = writeln!(out, "    shortDescription: {}", quoted(short));
    let _ = writeln!(out, "    longDescription: {}", block(long, 6));
    list(out, 4, "features", features);
}

/// The publiccode.yml of a solution.
pub fn to_yaml(input: &SolutionInput, context: &ExportContext) -> String {
    let mut out = String::new();
    out.push_str("# publiccode.yml – exportiert aus Allmende");
    if let Some(page) = &context.page_url {
        let _ = write!(out, " ({page})");
    }
    out.push_str("\n# Standard: https://yml.publiccode.tools\n");
    out.push_str("publiccodeYmlVersion: \"0\"\n\n");
    let _ = writeln!(out, "name: {}", quoted(&input.name));
    let _ = writeln!(out, "url: {}", quoted(&input.repository_url));
    if !input.landing_url.trim().is_empty() {
        let _ = writeln!(out, "landingURL: {}", quoted(&input.landing_url));
    }
    if !input.version.trim().is_empty() {
        let _ = writeln!(out, "softwareVersion: {}", quoted(&input.version));
    }
    if !input.release_date.trim().is_empty() {
        let _ = writeln!(out, "releaseDate: {}", quoted(&input.release_date));
    }
    if let Some(website) = context
        .organisation_website
        .as_deref()
        .filter(|w| !w.trim().is_empty())
    {
        out.push_str("\norganisation:\n");
        let _ = writeln!(out, "  name: {}", quoted(&context.organisation_name));
        let _ = writeln!(out, "  uri: {}", quoted(website));
    }
    out.push('\n');
    list(&mut out, 0, "platforms", &input.platforms);
    list(&mut out, 0, "categories", &input.categories);
    let _ = writeln!(
        out,
        "\ndevelopmentStatus: {}",
        quoted(&input.development_status)
    );
    let _ = writeln!(out, "softwareType: {}", quoted(&input.software_type));
    let features = features_of(input);
    out.push_str("\ndescription:\n");
    description(
        &mut out,
        "de",
        &input.short_description,
        &input.long_description,
        &features,
    );
    // The standard wants 150 to 10 000 characters of long description; a shorter English
    // text stays in the catalogue only.
    let english_length = unicode_segmentation::UnicodeSegmentation::graphemes(
        input.long_description_en.trim(),
        true,
    )
    .count();
    let has_english =
        !input.short_description_en.trim().is_empty() && (150..=10_000).contains(&english_length);
    if has_english {
        description(
            &mut out,
            "en",
            &input.short_description_en,
            &input.long_description_en,
            &features,
        );
    }
    out.push_str("\nlegal:\n");
    let _ = writeln!(out, "  license: {}", quoted(&input.licence));
    out.push_str("\nmaintenance:\n");
    let _ = writeln!(out, "  type: {}", quoted(&input.maintenance_type));
    let contractors: Vec<_> = input
        .contractors
        .iter()
        .filter(|c| !c.name.trim().is_empty())
        .collect();
    if !contractors.is_empty() {
        out.push_str("  contractors:\n");
        for c in contractors {
            let _ = writeln!(out, "    - name: {}", quoted(&c.name));
            let _ = writeln!(out, "      until: {}", quoted(&c.until));
            if !c.email.trim().is_empty() {
                let _ = writeln!(out, "      email: {}", quoted(&c.email));
            }
            if !c.website.trim().is_empty() {
                let _ = writeln!(out, "      website: {}", quoted(&c.website));
            }
        }
    }
    let contacts: Vec<_> = input
        .contacts
        .iter()
        .filter(|c| !c.name.trim().is_empty())
        .collect();
    if !contacts.is_empty() {
        out.push_str("  contacts:\n");
        for c in contacts {
            let _ = writeln!(out, "    - name: {}", quoted(&c.name));
            for (key, value) in [
                ("email", &c.email),
                ("phone", &c.phone),
                ("affiliation", &c.affiliation),
            ] {
                if !value.trim().is_empty() {
                    let _ = writeln!(out, "      {key}: {}", quoted(value));
                }
            }
        }
    }
    out.push_str(
        "\nlocalisation:\n  localisationReady: false\n  availableLanguages:\n    - \"de\"\n",
    );
    if has_english {
        out.push_str("    - \"en\"\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_everything_that_could_break_out() {
        assert_eq!(quoted("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(quoted("\u{7}"), "\"\\u0007\"");
        assert_eq!(block("eins\n\n  zwei", 4), "|-\n    eins\n\n      zwei");
        assert_eq!(block("  eingerückt\nzwei", 4), "\"  eingerückt\\nzwei\"");
        assert_eq!(block("eine Zeile", 4), "\"eine Zeile\"");
    }
}
