//! Cross-site refusal and the response's security headers: a Content-Security-Policy with
//! a fresh nonce per response, no sniffing, no framing, HSTS over HTTPS.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::accounts::secrets;
use crate::http::error::refusals;
use crate::http::state::AppState;

/// The CSP nonce of the response being built; the page shell stamps it on inline scripts.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// The Content-Security-Policy: everything from this origin only, scripts only with the
/// response's nonce (and WebAssembly for hydration), no plugins, no framing, forms only to
/// this site.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
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

/// Middleware: gives the page a CSP nonce and sets the security headers on every answer.
pub async fn security_headers(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let is_page = !is_static(request.uri().path());
    let nonce = is_page.then(|| secrets::new_secret("")[..22].to_owned());
    if let Some(nonce) = &nonce {
        request.extensions_mut().insert(CspNonce(nonce.clone()));
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(csp) = nonce.and_then(|n| HeaderValue::from_str(&content_security_policy(&n)).ok())
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
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
    if state.secure() {
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
    fn the_policy_allows_only_this_origin_and_the_nonce() {
        let csp = content_security_policy("abc");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
