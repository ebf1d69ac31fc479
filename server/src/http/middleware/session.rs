//! The person behind the session cookie, loaded once per request: the [`Viewer`] and the
//! [`ActiveSession`] go into the request's extensions for the extractors and the pages.

use app::account::Viewer;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::accounts::sessions;
use crate::http::middleware::cache::PersonalAnswer;
use crate::http::middleware::security::is_static;
use crate::http::state::AppState;

/// Middleware: resolves the session, clears a stale cookie, and marks answers to a
/// signed-in person ([`PersonalAnswer`]), which `cache::http_caching` keeps out of every
/// cache.
pub async fn session(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let secure = state.secure();
    let mut stale_cookie = false;
    let mut signed_in = false;
    if !is_static(request.uri().path()) {
        let cookie_id = request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|h| sessions::id_from_cookie_header(h, secure))
            .map(str::to_owned);
        if let Some(id) = cookie_id {
            match state.accounts.signed_in(&id).await {
                Ok(Some((active, viewer))) => {
                    signed_in = true;
                    request.extensions_mut().insert::<Viewer>(viewer);
                    request.extensions_mut().insert(active);
                }
                Ok(None) => stale_cookie = true,
                Err(err) => tracing::error!(error = %err, "reading the session failed"),
            }
        }
    }
    let mut response = next.run(request).await;
    if signed_in {
        response.extensions_mut().insert(PersonalAnswer);
    }
    let headers = response.headers_mut();
    if stale_cookie
        && !headers.contains_key(header::SET_COOKIE)
        && let Ok(value) = HeaderValue::from_str(&sessions::clear_cookie(secure))
    {
        headers.append(header::SET_COOKIE, value);
    }
    response
}
