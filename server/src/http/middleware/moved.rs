//! Old addresses of renamed entries keep working.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::state::AppState;
use crate::services::entries::EntryKind;

/// Middleware: a page of an entry whose slug changed answers with a permanent redirect to
/// the same page under the new slug (`/loesungen/alt/versionen` → `/loesungen/neu/versionen`).
pub async fn redirect_moved(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let response = next.run(request).await;
    if response.status() != StatusCode::NOT_FOUND
        || !(method == axum::http::Method::GET || method == axum::http::Method::HEAD)
    {
        return response;
    }
    let path = uri.path();
    let (kind, rest) = if let Some(rest) = path.strip_prefix("/loesungen/") {
        (EntryKind::Solution, rest)
    } else if let Some(rest) = path.strip_prefix("/datenmodelle/") {
        (EntryKind::DataModel, rest)
    } else {
        return response;
    };
    let (slug, tail) = rest.split_once('/').map_or((rest, ""), |(s, t)| (s, t));
    if !app::validation::is_slug(slug) {
        return response;
    }
    match state.entries.moved(kind, slug).await {
        Ok(Some(new_slug)) => {
            let mut target = format!("/{}/{new_slug}", kind.section());
            if !tail.is_empty() {
                target.push('/');
                target.push_str(tail);
            }
            if let Some(query) = uri.query() {
                target.push('?');
                target.push_str(query);
            }
            (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, target)]).into_response()
        }
        _ => response,
    }
}
