//! HTTP caching that browsers and a shared cache (a reverse proxy, a CDN) can use, decided in
//! one place for every answer except static files (which `http::assets` names by content):
//!
//! | answer | `Cache-Control` | validator |
//! |---|---|---|
//! | anonymous `GET`/`HEAD` with 200: pages, API reads | [`PUBLIC`] | weak `ETag` over the body; `If-None-Match` → 304 without body |
//! | to a signed-in person, to a request with `Authorization`, or setting a cookie | [`PERSONAL`] | none |
//! | other methods (`POST`, …), redirects, errors (4xx, 5xx) | [`NEVER`] | none |
//! | `/healthz`, `/readyz`, `/metrics` | [`NEVER`] | none |
//!
//! Pages also carry `Vary: Accept-Language, Cookie`: the language (header or cookie) and the
//! session change them, so a shared cache keeps one copy per language and never hands an
//! anonymous copy to a request with a session cookie. API reads are the same for everyone
//! and vary only by encoding.
//!
//! Why `max-age=0, s-maxage=5`: a browser revalidates on every use (an unchanged page costs a
//! 304 without body); a shared cache may answer for five seconds without asking, so a crowd of
//! anonymous visitors costs one rendering per page and language every five seconds, and no
//! number a page shows is more than a few seconds behind the database. Pages have no
//! `Last-Modified`: a page shows many entries, and no single timestamp says when it changed;
//! the `ETag` is exact.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use futures::StreamExt as _;
use sha2::{Digest, Sha256};

use crate::http::middleware::security::is_static;

/// `Cache-Control` of anonymous pages and API reads.
pub const PUBLIC: &str = "public, max-age=0, s-maxage=5";
/// `Cache-Control` of answers for one person: no cache may keep them.
pub const PERSONAL: &str = "private, no-store";
/// `Cache-Control` of answers nobody should keep (writes, redirects, errors, operations).
pub const NEVER: &str = "no-store";
/// `Vary` of pages.
pub const PAGE_VARY: &str = "Accept-Language, Cookie";
/// Bodies up to this size get an `ETag` (pages and API pages are far smaller; a larger body
/// is sent as it streams, without one).
const ETAG_LIMIT: usize = 8 * 1024 * 1024;
/// Operational endpoints: always current.
const OPERATIONS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// Marks an answer given to a signed-in person (set by the session middleware).
#[derive(Debug, Clone, Copy)]
pub struct PersonalAnswer;

/// Middleware: sets `Cache-Control`, `ETag` and `Vary`, and answers 304 when the client's
/// copy is current.
pub async fn http_caching(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    let authorised = request.headers().contains_key(header::AUTHORIZATION);
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let mut response = next.run(request).await;

    let status = response.status();
    if is_static(&path) {
        if status.is_client_error() || status.is_server_error() {
            set(response.headers_mut(), NEVER);
        }
        return response;
    }
    let personal = authorised
        || response.extensions().get::<PersonalAnswer>().is_some()
        || response.headers().contains_key(header::SET_COOKIE);
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_page {
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static(PAGE_VARY));
    }
    if personal {
        forget_validators(response.headers_mut());
        set(response.headers_mut(), PERSONAL);
        return response;
    }
    if !readable || status != StatusCode::OK || OPERATIONS.contains(&path.as_str()) {
        forget_validators(response.headers_mut());
        set(response.headers_mut(), NEVER);
        return response;
    }
    if response.headers().contains_key(header::CACHE_CONTROL) {
        // The handler decided.
        return response;
    }
    set(response.headers_mut(), PUBLIC);
    let (mut parts, body) = response.into_parts();
    let body = match buffer(body, ETAG_LIMIT).await {
        Ok(bytes) => bytes,
        Err(body) => return Response::from_parts(parts, body),
    };
    let etag = etag_of(&body);
    let current = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| matches_etag(v, &etag));
    parts.headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("an ETag is a valid header value"),
    );
    if current {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(body))
}

fn set(headers: &mut HeaderMap, policy: &'static str) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
}

fn forget_validators(headers: &mut HeaderMap) {
    headers.remove(header::ETAG);
    headers.remove(header::LAST_MODIFIED);
}

/// The whole body when it is at most `limit` bytes; else a body that sends what was read and
/// then the rest (a failing body stays failing).
async fn buffer(body: Body, limit: usize) -> Result<Bytes, Body> {
    let mut stream = body.into_data_stream();
    let mut read = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => {
                read.extend_from_slice(&chunk);
                if read.len() > limit {
                    let head =
                        futures::stream::once(
                            async move { Ok::<_, axum::Error>(Bytes::from(read)) },
                        );
                    return Err(Body::from_stream(head.chain(stream)));
                }
            }
            Err(err) => {
                let read = Bytes::from(read);
                let failing = futures::stream::iter([Ok(read), Err(err)]);
                return Err(Body::from_stream(failing));
            }
        }
    }
    Ok(Bytes::from(read))
}

/// A weak `ETag` over the body: `W/"<128 bits of its SHA-256, base64url>"`. Weak, because
/// compression (here or in a proxy) sends other bytes for the same page.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!(
        "W/\"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
    )
}

/// Whether an `If-None-Match` value names this `ETag` (weak comparison, RFC 9110 §13.1.2).
fn matches_etag(if_none_match: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let ours = opaque(etag);
    if_none_match
        .split(',')
        .any(|tag| tag.trim() == "*" || opaque(tag) == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_etag_is_weak_and_follows_the_body() {
        let etag = etag_of(b"<p>a</p>");
        assert!(etag.starts_with("W/\"") && etag.ends_with('"'), "{etag}");
        assert_eq!(etag, etag_of(b"<p>a</p>"));
        assert_ne!(etag, etag_of(b"<p>b</p>"));
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_the_star() {
        let etag = etag_of(b"x");
        let strong = etag.trim_start_matches("W/");
        assert!(matches_etag(&etag, &etag));
        assert!(matches_etag(strong, &etag));
        assert!(matches_etag(&format!("W/\"other\", {etag}"), &etag));
        assert!(matches_etag("*", &etag));
        assert!(!matches_etag("W/\"other\"", &etag));
        assert!(!matches_etag("", &etag));
    }

    #[tokio::test]
    async fn a_large_body_is_sent_whole_without_being_kept() {
        let body = Body::from(vec![b'a'; 100]);
        let Err(rest) = buffer(body, 10).await else {
            panic!("over the limit");
        };
        let bytes = axum::body::to_bytes(rest, usize::MAX).await.unwrap();
        assert_eq!(bytes.len(), 100);
        let small = buffer(Body::from("abc"), 10).await.ok().unwrap();
        assert_eq!(&small[..], b"abc");
    }
}
