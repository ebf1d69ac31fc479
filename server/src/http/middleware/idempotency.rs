//! `Idempotency-Key` on API `POST`s: the first answer to a key is kept and returned again to
//! a retry of the same request (marked `Idempotent-Replayed: true`); the same key with another
//! request is refused with 422, and a retry while the first request still runs with 409.
//! Requests without the header, or without an `Authorization` header (they are refused by
//! the handler anyway), pass unchanged.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error::ApiError;
use crate::http::router::BODY_LIMIT;
use crate::http::state::AppState;
use crate::services::idempotency::{Claim, StoredAnswer, fingerprint, is_valid_key};

/// The request header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The answer header that marks a replayed answer.
pub const REPLAYED: &str = "idempotent-replayed";
/// Largest answer kept (API answers are small JSON documents).
const MAX_ANSWER: usize = 1024 * 1024;

fn refused(status: StatusCode, message: &str, retry_after: Option<u64>) -> Response {
    ApiError::Refused {
        status,
        message: message.to_owned(),
        retry_after,
    }
    .into_response()
}

/// The middleware (on `/api/v1`).
pub async fn idempotent_posts(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(IDEMPOTENCY_KEY) else {
        return next.run(request).await;
    };
    let key = match key.to_str() {
        Ok(key) if is_valid_key(key) => key.to_owned(),
        _ => {
            return refused(
                StatusCode::BAD_REQUEST,
                "Der Idempotency-Key muss aus 1 bis 255 sichtbaren ASCII-Zeichen bestehen.",
                None,
            );
        }
    };
    let Some(authorization) = request.headers().get(header::AUTHORIZATION) else {
        return next.run(request).await;
    };
    let caller = fingerprint(&[authorization.as_bytes()]);
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Die Anfrage ist zu groß oder kam nicht vollständig an.",
            None,
        );
    };
    let target = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let fingerprint = fingerprint(&[parts.method.as_str().as_bytes(), target.as_bytes(), &bytes]);
    let store = state.entries.idempotency();
    match store.claim(&caller, &key, &fingerprint).await {
        Err(err) => return ApiError::internal(err).into_response(),
        Ok(Claim::Replay(answer)) => return replay(answer),
        Ok(Claim::Mismatch) => {
            return refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "Dieser Idempotency-Key wurde schon für eine andere Anfrage verwendet. Bitte nehmen Sie für jede neue Anfrage einen neuen Schlüssel.",
                None,
            );
        }
        Ok(Claim::InFlight) => {
            return refused(
                StatusCode::CONFLICT,
                "Die erste Anfrage mit diesem Idempotency-Key läuft noch. Bitte gleich noch einmal versuchen.",
                Some(1),
            );
        }
        Ok(Claim::New) => {}
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if response.status().is_server_error() {
        if let Err(err) = store.release(&caller, &key).await {
            tracing::warn!(error = %err, "releasing an idempotency key failed");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match to_bytes(body, MAX_ANSWER).await {
        Ok(body) => body,
        Err(err) => {
            let _ = store.release(&caller, &key).await;
            return ApiError::internal(err).into_response();
        }
    };
    let text = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let answer = StoredAnswer {
        status: parts.status.as_u16(),
        content_type: text(header::CONTENT_TYPE),
        location: text(header::LOCATION),
        body: body.to_vec(),
    };
    if let Err(err) = store.complete(&caller, &key, &answer).await {
        // The write itself succeeded; a retry would now be refused as in flight until swept,
        // so give the key up rather than keep it half-done.
        tracing::warn!(error = %err, "keeping the answer to an idempotency key failed");
        let _ = store.release(&caller, &key).await;
    }
    Response::from_parts(parts, Body::from(body))
}

/// The kept answer, marked as replayed.
fn replay(answer: StoredAnswer) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = (status, answer.body).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, answer.content_type),
        (header::LOCATION, answer.location),
    ] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, value);
        }
    }
    headers.insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
