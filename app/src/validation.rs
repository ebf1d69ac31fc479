//! Validation rules that both the browser and the server apply.

/// Whether `value` is a valid slug: a-z, 0-9 and single hyphens, 2-80 characters.
/// The database enforces the same rule (domain `slug`).
pub fn is_slug(value: &str) -> bool {
    let len = value.len();
    (2..=80).contains(&len)
        && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--")
}

/// Turns a name into a slug: lowercase, ä→ae, ö→oe, ü→ue, ß→ss, other letters stripped of
/// accents where simple, every other run of characters becomes one hyphen.
pub fn slugify(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_hyphen = false;
    for ch in name.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match ch {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            'à' | 'á' | 'â' | 'ã' | 'å' => "a",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ò' | 'ó' | 'ô' | 'õ' => "o",
            'ù' | 'ú' | 'û' => "u",
            'ç' => "c",
            'ñ' => "n",
            _ => "",
        };
        if !mapped.is_empty() || ch.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            if mapped.is_empty() {
                out.push(ch);
            } else {
                out.push_str(mapped);
            }
        } else {
            pending_hyphen = true;
        }
    }
    out.truncate(80);
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_names_become_readable_slugs() {
        assert_eq!(slugify("Sperrmüll-Anmeldung Straße"), "sperrmuell-anmeldung-strasse");
        assert_eq!(slugify("  Öffentliche   Bücherei (Köln) "), "oeffentliche-buecherei-koeln");
        assert!(is_slug(&slugify("Stadt Ulm")));
    }

    #[test]
    fn slugs_reject_uppercase_double_hyphens_and_edges() {
        assert!(is_slug("stadt-ulm"));
        assert!(!is_slug("Stadt-Ulm"));
        assert!(!is_slug("stadt--ulm"));
        assert!(!is_slug("-ulm"));
        assert!(!is_slug("u"));
        assert!(!is_slug(&"a".repeat(81)));
    }
}
