//! Refusal of addresses with a NUL character.

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error::{ErrorBody, refusals};

/// Middleware: refuses a request whose path or query carries a NUL character (`%00`),
/// before any handler sees it: PostgreSQL text cannot hold NUL, so a slug or filter with
/// one would otherwise reach the database as an error. Bodies are checked by the form and
/// JSON extractors.
pub async fn refuse_nul_in_address(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let has_nul = |text: &str| text.contains('\0') || text.contains("%00");
    if has_nul(uri.path()) || uri.query().is_some_and(has_nul) {
        if uri.path().starts_with("/api/") {
            let body = ErrorBody {
                error: refusals::ADDRESS_NUL.to_owned(),
            };
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
        return (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            refusals::ADDRESS_NUL,
        )
            .into_response();
    }
    next.run(request).await
}
