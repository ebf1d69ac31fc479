//! Extractors: what a handler asks of a request, read once. The viewer (signed in or
//! not), the signed-in person required by a page (else to the login page), the API caller
//! behind a bearer token, the language, the caller's address, and size-limited form and
//! JSON bodies.

use std::net::SocketAddr;

use app::account::Viewer;
use app::i18n::Lang;
use app::validation::{FieldError, FieldErrors};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use serde::de::DeserializeOwned;

use crate::accounts::tokens::TokenIdentity;
use crate::accounts::{AccountError, Actor, Caller};
use crate::db::replicas::ReadFrom;
use crate::http::error::{ApiError, PageError, refusals};
use crate::http::middleware::client::ClientAddr;
use crate::http::state::AppState;
use crate::services::entries::EntryKind;

/// The language of the request: the language cookie, else `Accept-Language`, else German.
#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Lang);

/// The language of a request's head.
pub fn lang_of(parts: &Parts) -> Lang {
    let header = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    Lang::negotiate(header(header::COOKIE), header(header::ACCEPT_LANGUAGE))
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(lang_of(parts)))
    }
}

/// Who sent the request (IP address, browser), for rate limits and the audit log. The
/// address is the one the client middleware resolved through the trusted proxies, else
/// the TCP peer's.
pub fn caller_of(parts: &Parts) -> Caller {
    let ip = parts
        .extensions
        .get::<ClientAddr>()
        .map(|ClientAddr(ip)| *ip)
        .or_else(|| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_canonical())
        });
    Caller {
        ip: ip.map(|ip| ip.to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(caller_of(parts))
    }
}

/// Where a request's public reads may go: anonymous `GET` and `HEAD` requests may read
/// from a fresh streaming replica; a signed-in person, a caller with an API token and
/// every other method read from the primary, so whoever just wrote reads it back on any
/// node (forms redirect to the changed page; API clients read after a write with their
/// token).
pub fn read_from(parts: &Parts) -> ReadFrom {
    let reading = parts.method == Method::GET || parts.method == Method::HEAD;
    let personal = parts.extensions.get::<Viewer>().is_some()
        || parts.headers.contains_key(header::AUTHORIZATION);
    if reading && !personal {
        ReadFrom::FreshReplica
    } else {
        ReadFrom::Primary
    }
}

/// [`read_from`] as an extractor.
#[derive(Debug, Clone, Copy)]
pub struct Reads(pub ReadFrom);

impl<S: Send + Sync> FromRequestParts<S> for Reads {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Reads(read_from(parts)))
    }
}

/// The signed-in person, if any (the session middleware loaded them).
#[derive(Debug, Clone)]
pub struct MaybeViewer(pub Option<Viewer>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeViewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeViewer(parts.extensions.get::<Viewer>().cloned()))
    }
}

/// A page that needs a signed-in person: the person and their rights. Without a session
/// the request goes to the login page and comes back afterwards.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub viewer: Viewer,
    pub actor: Actor,
}

impl SignedIn {
    /// The organisations the person may publish for: (slug, name).
    pub fn publishable(&self) -> Vec<(String, String)> {
        self.viewer
            .memberships
            .iter()
            .map(|m| (m.slug.clone(), m.name.clone()))
            .collect()
    }

    /// The slug of the person's first organisation (the forms' default), or "".
    pub fn first_organisation(&self) -> String {
        self.viewer
            .memberships
            .first()
            .map(|m| m.slug.clone())
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Viewer>() {
            Some(viewer) => Ok(SignedIn {
                actor: Actor::from(viewer),
                viewer: viewer.clone(),
            }),
            None => Err(PageError::SignIn {
                back: parts
                    .uri
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_owned(),
            }),
        }
    }
}

/// The organisation an API token acts for (from `Authorization: Bearer …`).
pub struct ApiCaller(pub TokenIdentity);

impl ApiCaller {
    /// The rights of the token: its organisation's entries.
    pub fn actor(&self) -> Actor {
        Actor::token(self.0.organisation_id)
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        match state
            .accounts
            .authenticate_token(secret, &caller_of(parts))
            .await
        {
            Ok(identity) => Ok(ApiCaller(identity)),
            Err(AccountError::RateLimited(wait)) => Err(ApiError::RateLimited(wait)),
            Err(AccountError::Database(err)) => Err(ApiError::database(err)),
            Err(_) => Err(ApiError::Unauthorized),
        }
    }
}

/// The kind of entry a page is about, read from its section of the address
/// (`/loesungen/…` or `/datenmodelle/…`), so one handler serves both.
#[derive(Debug, Clone, Copy)]
pub struct Section(pub EntryKind);

impl<S: Send + Sync> FromRequestParts<S> for Section {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        [EntryKind::Solution, EntryKind::DataModel]
            .into_iter()
            .find(|kind| {
                parts
                    .uri
                    .path()
                    .strip_prefix('/')
                    .and_then(|p| p.strip_prefix(kind.section()))
                    .is_some_and(|rest| rest.starts_with('/'))
            })
            .map(Section)
            .ok_or(PageError::NotFound)
    }
}

/// Largest body of the account and reuse forms (a few fields).
pub const SMALL_FORM: usize = 64 * 1024;
/// Largest body of the publishing forms (long descriptions in two languages).
pub const LARGE_FORM: usize = 256 * 1024;

/// An url-encoded form body of at most `LIMIT` bytes, as pairs in order (checkbox groups
/// repeat their name). NUL characters are refused: PostgreSQL text cannot hold them.
#[derive(Debug, Clone, Default)]
pub struct FormPairs<const LIMIT: usize = SMALL_FORM>(pub Vec<(String, String)>);

impl<const LIMIT: usize> FormPairs<LIMIT> {
    /// The last value of a field, or "".
    pub fn one(&self, name: &str) -> &str {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of a repeated field, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// The fields as a map (last value wins).
    pub fn map(&self) -> std::collections::BTreeMap<String, String> {
        self.0.iter().cloned().collect()
    }
}

impl<S: Send + Sync, const LIMIT: usize> FromRequest<S> for FormPairs<LIMIT> {
    type Rejection = PageError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::to_bytes(request.into_body(), LIMIT)
            .await
            .map_err(|_| PageError::TooLarge)?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| PageError::BadRequest(refusals::FORM_UNREADABLE))?;
        if pairs
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(PageError::BadRequest(refusals::FORM_NUL));
        }
        Ok(FormPairs(pairs))
    }
}

/// A JSON body read strictly: unknown fields are refused with their name, NUL characters
/// with a German message.
pub struct StrictJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::Refused {
                status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                message: "Der Inhalt ist zu groß.".to_owned(),
                retry_after: None,
            })?;
        read_json(&body).map(StrictJson)
    }
}

/// Reads a JSON body strictly (see [`StrictJson`]).
pub fn read_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::Unreadable(format!("Der JSON-Inhalt ist nicht lesbar: {e}")))?;
    if has_nul(&value) {
        return Err(ApiError::Unreadable(
            "Der JSON-Inhalt enthält ein Nullzeichen (\\u0000), das nicht gespeichert werden kann."
                .into(),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        let text = e.to_string();
        match text
            .split('`')
            .nth(1)
            .filter(|_| text.starts_with("unknown field"))
        {
            Some(field) => ApiError::Invalid(FieldErrors::from([(
                field.to_owned(),
                FieldError::UnknownField,
            )])),
            None => ApiError::Unreadable(format!("Der JSON-Inhalt ist nicht lesbar: {text}")),
        }
    })
}

/// Whether a NUL character occurs in any string or key of a JSON value (without recursion).
fn has_nul(value: &serde_json::Value) -> bool {
    app::data_model_rules::schema_guard::values(value).any(|v| match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Object(map) => map.keys().any(|k| k.contains('\0')),
        _ => false,
    })
}

/// Whether `path` stays on this site (no scheme, no `//host`, no backslash tricks).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

/// The query string's pairs (`?a=1&b=2`), decoded.
pub fn query_pairs(parts: &Parts) -> Vec<(String, String)> {
    app::query::parse_query_string(parts.uri.query().unwrap_or(""))
}

/// Whether the query string holds exactly `pair` (`gespeichert=1`).
pub fn query_has(parts: &Parts, pair: &str) -> bool {
    parts
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == pair))
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_accepted_as_return_address() {
        assert!(is_local_path("/loesungen?state=BW"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("relative"));
    }
}
