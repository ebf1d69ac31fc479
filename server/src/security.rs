//! Request protection for every route: the session behind the cookie, refusal of
//! cross-site state-changing requests, the Content-Security-Policy with a fresh nonce per
//! response, and the other security headers.

use std::net::SocketAddr;

use app::account::Viewer;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::accounts::{Caller, secrets, sessions};
use crate::web::AppState;

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
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    // Every Origin header must be this site (a second, foreign one does not hide behind ours).
    headers.get_all(header::ORIGIN).iter().any(|origin| {
        let Ok(origin) = origin.to_str() else { return true };
        if origin == "null" {
            return true;
        }
        let same_host = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(host);
        !(same_host || Some(origin) == public_origin)
    })
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let end = url[scheme_end..].find('/').map_or(url.len(), |i| scheme_end + i);
    Some(&url[..end])
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Static files need neither session nor nonce.
fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/kern/") || path == "/favicon.ico" || path == "/robots.txt"
}

/// Who sent the request (IP address, browser), for rate limits and the audit log.
pub fn caller_of(parts: &axum::http::request::Parts) -> Caller {
    Caller {
        ip: parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string()),
        user_agent: parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned(),
    }
}

/// Middleware: refuses cross-site writes, resolves the session, sets security headers.
pub async fn protect(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let secure = state.site.public_url.starts_with("https://");
    if !is_safe(request.method()) && is_cross_site(request.headers(), &state.site.public_url) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Anfrage von einer fremden Website abgelehnt. / Cross-site request refused.",
        )
            .into_response();
    }
    let path = request.uri().path().to_owned();
    let nonce = secrets::new_secret("")[..22].to_owned();
    let mut stale_cookie = false;
    let mut logged_in = false;
    if !is_static(&path) {
        request.extensions_mut().insert(CspNonce(nonce.clone()));
        let cookie_id = request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|h| sessions::id_from_cookie_header(h, secure))
            .map(str::to_owned);
        if let Some(id) = cookie_id {
            match sessions::lookup(state.accounts.pool(), &id).await {
                Ok(Some(active)) => match state.accounts.viewer(active.user_id).await {
                    Ok(Some(viewer)) => {
                        logged_in = true;
                        request.extensions_mut().insert::<Viewer>(viewer);
                        request.extensions_mut().insert(active);
                    }
                    Ok(None) => stale_cookie = true,
                    Err(err) => tracing::error!(error = %err, "loading the logged-in user failed"),
                },
                Ok(None) => stale_cookie = true,
                Err(err) => tracing::error!(error = %err, "reading the session failed"),
            }
        }
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if stale_cookie && !headers.contains_key(header::SET_COOKIE) {
        if let Ok(value) = HeaderValue::from_str(&sessions::clear_cookie(secure)) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    if logged_in || headers.contains_key(header::SET_COOKIE) {
        // Personal pages must not land in shared caches.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if !is_static(&path) {
        if let Ok(csp) = HeaderValue::from_str(&content_security_policy(&nonce)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    headers.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"));
    if secure {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
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
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "same-origin")]), public));
        assert!(!is_cross_site(&headers(&[("sec-fetch-site", "none")]), public));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")]), public), "another port is another origin");
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")]), public));
        assert!(!is_cross_site(&headers(&[("origin", "https://allmende.example")]), public));
        assert!(!is_cross_site(&headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")]), public));
        assert!(is_cross_site(&headers(&[("origin", "http://127.0.0.1:4000"), ("host", "127.0.0.1:3000")]), public));
        assert!(is_cross_site(&headers(&[("origin", "null")]), public));
        assert!(!is_cross_site(&headers(&[]), public), "command-line clients send neither header");
    }

    #[test]
    fn the_policy_allows_only_this_origin_and_the_nonce() {
        let csp = content_security_policy("abc");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
