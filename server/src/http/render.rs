//! Rendering the app for a request: the context every page finds (catalogue, site, the
//! hashed addresses of the static files), and server-rendered form pages with their data and
//! form state.

use app::account::{FormState, PageProblem};
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use leptos::prelude::provide_context;

use crate::db::replicas::ReadFrom;
use crate::http::extract::read_from;
use crate::http::state::AppState;

/// What every rendered page finds in context: the catalogue (for anonymous readers the
/// one on the streaming replicas, see [`read_from`]), the site settings, and the hashed
/// addresses of the static files (the router puts them into every request).
pub fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let state = state.clone();
    move || {
        // leptos_axum provides a fresh nonce for every response, which the shell's scripts
        // would then carry; the CSP allows them by their hashes instead, so that a page is the
        // same for every anonymous visitor (see `middleware::security`).
        let _ = leptos::prelude::take_context::<leptos::nonce::Nonce>();
        let parts = leptos::prelude::use_context::<Parts>();
        let from = parts.as_ref().map_or(ReadFrom::Primary, read_from);
        provide_context(state.catalogue_for(from).clone());
        provide_context(state.site.clone());
        if let Some(parts) = parts
            && let Some(urls) = parts.extensions.get::<app::site::AssetUrls>()
        {
            provide_context(urls.clone());
        }
    }
}

/// Renders the app for this request with extra context, and sets the status.
async fn render<F>(state: &AppState, parts: Parts, status: StatusCode, extra: F) -> Response
where
    F: Fn() + Clone + Send + Sync + 'static,
{
    let base = page_context(state);
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            base();
            extra();
        },
        move || app::shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    if status != StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

/// Renders a server-rendered page with its data (if any) and the state of its form.
pub async fn page<T>(
    state: &AppState,
    parts: Parts,
    status: StatusCode,
    data: Option<T>,
    form: FormState,
) -> Response
where
    T: Clone + Send + Sync + 'static,
{
    render(state, parts, status, move || {
        if let Some(data) = data.clone() {
            provide_context(data);
        }
        provide_context(form.clone());
    })
    .await
}

/// The page for a problem (not found, not allowed), with its status.
pub async fn problem(state: &AppState, parts: Parts, problem: PageProblem) -> Response {
    let status = match problem {
        PageProblem::NotFound => StatusCode::NOT_FOUND,
        PageProblem::Forbidden => StatusCode::FORBIDDEN,
    };
    render(state, parts, status, move || provide_context(problem)).await
}
