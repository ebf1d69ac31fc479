//! Format checks for single values: URLs, URIs, dates, e-mail addresses, MIME types, SPDX
//! expressions and BCP 47 language tags — each as the reference validator reads them.

use url::Url;

/// Whether the text parses as a URL with a non-empty host.
fn has_host(value: &str) -> bool {
    Url::parse(value).is_ok_and(|url| url.host_str().is_some_and(|h| !h.is_empty()))
}

/// Whether the text starts with `urn:` (any case).
fn starts_with_urn(value: &str) -> bool {
    value
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("urn:"))
}

/// Any absolute URL: a scheme and a host, or an opaque URI (`mailto:`), or `file://`.
pub fn is_url(value: &str) -> bool {
    if value.is_empty() || value.chars().any(char::is_whitespace) {
        return false;
    }
    if value.to_ascii_lowercase().starts_with("file://") && value.len() > "file://".len() {
        return true;
    }
    Url::parse(value).is_ok_and(|url| {
        url.host_str().is_some_and(|h| !h.is_empty())
            || url.cannot_be_a_base()
            || url.fragment().is_some()
    })
}

/// An `http://` or `https://` URL with a host.
pub fn is_http_url(value: &str) -> bool {
    if value.chars().any(char::is_whitespace) {
        return false;
    }
    Url::parse(value).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    })
}

/// A calendar date written `YYYY-MM-DD` that exists.
pub fn is_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = &value[range];
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A plain e-mail address: `local@domain.tld`, no spaces, a dotted domain of letters,
/// digits and hyphens.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// `type/subtype` as RFC 2045 allows (the reference's media-typer pattern).
pub fn is_mime_type(value: &str) -> bool {
    let trimmed = value.trim_matches(' ');
    let Some((kind, subtype)) = trimmed.split_once('/') else {
        return false;
    };
    let token = |s: &str, extra: &str| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
            && s.len() <= 127
            && chars.all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
    };
    token(kind, "!#$&^_-") && token(subtype, "!#$&^_.+-")
}

/// A URN by RFC 2141: `urn:<NID>:<NSS>`.
pub fn is_urn(value: &str) -> bool {
    let mut parts = value.splitn(3, ':');
    let (Some(scheme), Some(nid), Some(nss)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let nid_ok = !nid.is_empty()
        && nid.len() <= 32
        && nid
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && nid.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !nid.eq_ignore_ascii_case("urn");
    let nss_ok = !nss.is_empty()
        && nss
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "()+,-.:=@;$_!*'%/?#".contains(c));
    scheme.eq_ignore_ascii_case("urn") && nid_ok && nss_ok
}

/// `organisation.uri`: an absolute URL with a host, or a URN; `urn:x-italian-pa:` URNs
/// must name a known IPA code.
pub fn is_organisation_uri(value: &str) -> bool {
    if !starts_with_urn(value) {
        return has_host(value);
    }
    let opaque = &value[4..];
    match opaque
        .get(..13)
        .filter(|p| p.eq_ignore_ascii_case("x-italian-pa:"))
    {
        Some(_) => is_urn(value) && super::vocab::is_ipa_code(&opaque[13..]),
        None => is_urn(value),
    }
}

/// `supports[].id`: `alias:<known alias>`, a URN, or a URL with a host.
pub fn is_supports_id(value: &str, aliases: &[&str]) -> bool {
    if let Some(alias) = value.strip_prefix("alias:") {
        return aliases.contains(&alias);
    }
    if starts_with_urn(value) {
        is_urn(value)
    } else {
        has_host(value)
    }
}

/// A syntactically valid SPDX licence expression of known identifiers.
pub fn is_spdx_expression(value: &str) -> bool {
    !value.trim().is_empty() && spdx::Expression::parse_mode(value, spdx::ParseMode::STRICT).is_ok()
}

/// A well-formed BCP 47 language tag (`de`, `de-DE`, `sl-IT-nedis`; not `de_DE`).
pub fn is_bcp47(value: &str) -> bool {
    oxilangtag::LanguageTag::parse(value).is_ok()
}

/// Whether an absolute logo URL points into the code repository's own hosting: the same host
/// as the repository URL, or that forge's raw-file host.
pub fn is_repository_file(value: &str, repository: &str) -> bool {
    let (Ok(file), Ok(repo)) = (Url::parse(value), Url::parse(repository)) else {
        return false;
    };
    if !matches!(file.scheme(), "http" | "https") {
        return false;
    }
    let (Some(file_host), Some(repo_host)) = (file.host_str(), repo.host_str()) else {
        return false;
    };
    let raw_host = match repo_host {
        "github.com" => "raw.githubusercontent.com",
        "bitbucket.org" => "bitbucket.org",
        other => other,
    };
    file_host.eq_ignore_ascii_case(repo_host) || file_host.eq_ignore_ascii_case(raw_host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert!(is_url("https://github.com/italia/developers.italia.it.git"));
        assert!(!is_url("foobar") && !is_url("???") && !is_url("1") && !is_url(""));
        assert!(
            is_http_url("https://developers.italia.it")
                && !is_http_url("ftp://example.org")
                && !is_http_url("not_a_url")
        );
    }

    #[test]
    fn dates() {
        assert!(is_date("2017-04-15") && is_date("2024-02-29"));
        assert!(
            !is_date("2023-02-29")
                && !is_date("2017-4-15")
                && !is_date("")
                && !is_date("foobar")
                && !is_date("2017-13-01")
        );
    }

    #[test]
    fn small_formats() {
        assert!(
            is_email("francesco.rossi@example.org")
                && !is_email("not_an_email")
                && !is_email("a@b")
        );
        assert!(
            is_mime_type("text/plain") && is_mime_type("image/svg+xml") && !is_mime_type("foobar")
        );
        assert!(is_urn("urn:foo:bar") && !is_urn("urn:foo") && !is_urn("1"));
        assert!(
            is_organisation_uri("urn:x-italian-pa:pcm")
                && !is_organisation_uri("urn:x-italian-pa:no_such_pa")
        );
        assert!(
            is_organisation_uri("https://foobar.example/xyz")
                && !is_organisation_uri("pcm")
                && !is_organisation_uri("1")
        );
        assert!(
            is_spdx_expression("MIT OR Apache-2.0")
                && is_spdx_expression("MIT WITH Bison-exception-2.2")
        );
        assert!(!is_spdx_expression("Proprietär") && !is_spdx_expression(""));
        assert!(is_bcp47("de") && is_bcp47("sl-IT-nedis") && !is_bcp47("hr_HR"));
        assert!(
            is_supports_id("alias:gdpr", &["gdpr"]) && !is_supports_id("alias:nope", &["gdpr"])
        );
    }

    #[test]
    fn logos_must_come_from_the_repository() {
        let repo = "https://github.com/italia/developers.italia.it.git";
        assert!(is_repository_file(
            "https://raw.githubusercontent.com/italia/x/main/logo.png",
            repo
        ));
        assert!(!is_repository_file(
            "https://google.com/no_such_file.png",
            repo
        ));
        assert!(is_repository_file(
            "https://gitlab.opencode.de/ulm/x/-/raw/main/logo.svg",
            "https://gitlab.opencode.de/ulm/x"
        ));
    }
}
