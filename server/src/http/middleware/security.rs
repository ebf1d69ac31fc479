//! Cross-site refusal and the response's security headers: a Content-Security-Policy that
//! allows exactly the page shell's inline scripts by their SHA-256, no sniffing, no framing,
//! HSTS over HTTPS.
//!
//! Why hashes and not a nonce per response: a rendered page carries three inline scripts,
//! and all three are the same on every page of a build (measured on the start page, lists,
//! detail pages, search, forms and problem pages): the islands loader of `HydrationScripts`
//! (fixed by the bundle's hashed name) and Leptos' two resource chunks, which stay empty
//! because only islands hydrate and none of them serialises a resource. A nonce would make
//! every body differ (no `ETag` could ever match) and a shared cache would hand one nonce to
//! everyone, which defeats it. The hashes are computed from the code that writes these
//! scripts, never from a rendered body, so an injected script cannot get itself allowed.
//! Should a page ever carry another inline script (an island serialising a resource, an
//! error boundary's errors), the browser would block it; the integration test
//! `the_policy_allows_every_inline_script_of_every_page_by_its_hash` fails first.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use sha2::{Digest, Sha256};

use crate::http::error::refusals;
use crate::http::state::AppState;

/// The Content-Security-Policy: everything from this origin only, inline scripts only by
/// the given hashes (`'sha256-…'`, see [`script_hash`]) and WebAssembly for hydration, no
/// plugins, no framing, forms only to this site.
pub fn content_security_policy(script_hashes: &[String]) -> String {
    let hashes: String = script_hashes.iter().map(|h| format!(" {h}")).collect();
    format!(
        "default-src 'self'; script-src 'self'{hashes} 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The CSP source that allows an inline script with exactly this text: `'sha256-<base64>'`.
pub fn script_hash(script: &str) -> String {
    let digest = Sha256::digest(script.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The inline scripts that every page shell writes, produced by the code that writes them
/// (not read from any page): the islands loader of `HydrationScripts` for these options,
/// and the chunks Leptos' server-side hydration context appends to a page that serialises
/// no data.
pub fn shell_scripts(options: &LeptosOptions) -> Vec<String> {
    use hydration_context::SharedContext as _;
    let options = options.clone();
    let head = Owner::new().with(move || {
        view! { <leptos::hydration::HydrationScripts options islands=true/> }.to_html()
    });
    let mut scripts = inline_scripts(&head);
    let context = hydration_context::SsrSharedContext::new();
    if let Some(chunks) = context.pending_data() {
        // Nothing is pending, so the stream is ready at once.
        scripts.extend(futures::executor::block_on(futures::StreamExt::collect::<
            Vec<String>,
        >(chunks)));
    }
    scripts
}

/// The text of each inline `<script>` (one without `src`) in HTML that this server wrote.
fn inline_scripts(html: &str) -> Vec<String> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let Some(close) = after.find("</script>") else {
            break;
        };
        if !after[..open_end].contains(" src=") {
            scripts.push(after[open_end + 1..close].to_owned());
        }
        rest = &after[close + "</script>".len()..];
    }
    scripts
}

/// What [`security_headers`] sets: the policy (fixed for the process) and whether the site
/// is served over HTTPS (HSTS).
#[derive(Clone)]
pub struct SecurityHeaders {
    csp: HeaderValue,
    secure: bool,
}

impl SecurityHeaders {
    /// The headers for this site: its options must already name the hashed bundle (the
    /// loader script names it).
    pub fn for_site(state: &AppState) -> Self {
        let script_hashes: Vec<String> = shell_scripts(&state.leptos_options)
            .iter()
            .map(|script| script_hash(script))
            .collect();
        let csp = HeaderValue::from_str(&content_security_policy(&script_hashes))
            .expect("the policy is a valid header value");
        Self {
            csp,
            secure: state.secure(),
        }
    }
}

/// Whether a request comes from another site: `Sec-Fetch-Site` other than same-origin
/// (or none, typed by the user), or an `Origin` that is not this server. Requests with
/// neither header (command-line clients) are not browsers acting for someone else.
pub fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    let public_origin = origin_of(public_url);
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    // Every Origin header must be this site (a second, foreign one does not hide behind ours).
    headers.get_all(header::ORIGIN).iter().any(|origin| {
        let Ok(origin) = origin.to_str() else {
            return true;
        };
        if origin == "null" {
            return true;
        }
        let same_host = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            == Some(host);
        !(same_host || Some(origin) == public_origin)
    })
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    Some(&url[..end])
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Static files need neither session nor nonce.
pub(crate) fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/kern/")
        || path == "/favicon.ico"
        || path == "/robots.txt"
}

/// Middleware: refuses state-changing requests that another site sent (cross-site request
/// forgery), before any handler or session lookup.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !is_safe(request.method()) && is_cross_site(request.headers(), &state.site.public_url) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (
            axum::http::StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            refusals::CROSS_SITE,
        )
            .into_response();
    }
    next.run(request).await
}

/// Middleware: sets the security headers on every answer (the policy on all but static
/// files).
pub async fn security_headers(
    State(security): State<SecurityHeaders>,
    request: Request,
    next: Next,
) -> Response {
    let is_page = !is_static(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if is_page {
        headers.insert(header::CONTENT_SECURITY_POLICY, security.csp.clone());
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if security.secure {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_same_origin_requests_pass() {
        let public = "https://allmende.example/";
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            public
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "none")]),
            public
        ));
        assert!(
            is_cross_site(&headers(&[("sec-fetch-site", "same-site")]), public),
            "another port is another origin"
        );
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            public
        ));
        assert!(!is_cross_site(
            &headers(&[("origin", "https://allmende.example")]),
            public
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            public
        ));
        assert!(is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:4000"),
                ("host", "127.0.0.1:3000")
            ]),
            public
        ));
        assert!(is_cross_site(&headers(&[("origin", "null")]), public));
        assert!(
            !is_cross_site(&headers(&[]), public),
            "command-line clients send neither header"
        );
    }

    #[test]
    fn the_policy_allows_only_this_origin_and_the_given_scripts() {
        let csp = content_security_policy(&[script_hash("a()"), script_hash("b()")]);
        assert!(csp.contains(&format!(
            "script-src 'self' {} {} 'wasm-unsafe-eval'",
            script_hash("a()"),
            script_hash("b()")
        )));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("nonce"));
    }

    #[test]
    fn a_script_hash_is_the_base64_sha256_of_its_text() {
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            script_hash("alert(1)"),
            "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
        );
    }

    #[test]
    fn the_shell_scripts_are_the_islands_loader_and_the_empty_resource_chunks() {
        let options = crate::http::state::leptos_options(
            std::path::Path::new("/nonexistent"),
            "127.0.0.1:3000".parse().unwrap(),
        );
        let scripts = shell_scripts(&options);
        assert_eq!(scripts.len(), 3, "{scripts:?}");
        assert!(
            scripts[0].contains("hydrateIslands") && scripts[0].contains("\"allmende\""),
            "{}",
            scripts[0]
        );
        assert!(scripts[1].starts_with("__RESOLVED_RESOURCES=[]"));
        assert!(scripts[2].starts_with("__INCOMPLETE_CHUNKS=[]"));
    }

    #[test]
    fn inline_scripts_skip_external_ones() {
        let html = r#"<link rel="modulepreload" href="/pkg/a.js"><script src="/pkg/x.js"></script><script type="module">go()</script><p>x</p><script>y=1;</script>"#;
        assert_eq!(inline_scripts(html), vec!["go()", "y=1;"]);
    }
}
