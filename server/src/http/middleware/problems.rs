//! Problem pages: a page handler answers `PageError::NotFound`/`Forbidden` as a bare
//! status marked with [`RenderProblem`]; this middleware, which has the request and the
//! state, renders the app's one problem view for it.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::error::RenderProblem;
use crate::http::render;
use crate::http::state::AppState;

/// Middleware: renders marked problem answers as pages.
pub async fn render_problems(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let kept = parts.clone();
    let response = next.run(Request::from_parts(parts, body)).await;
    match response.extensions().get::<RenderProblem>() {
        Some(RenderProblem(problem)) => render::problem(&state, kept, *problem).await,
        None => response,
    }
}
