//! The HTTP server: every route in one place — pages (Leptos), the JSON API, static
//! assets, the language switch — plus compression and response headers.

use std::path::Path;

use app::i18n::{LANG_COOKIE, Lang};
use app::service::CatalogueHandle;
use app::site::SiteConfig;
use app::{App, shell};
use axum::extract::{FromRef, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list_with_exclusions};
use serde::Deserialize;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// Everything a request handler may need.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub catalogue: CatalogueHandle,
    pub site: SiteConfig,
    pub accounts: crate::accounts::Accounts,
    pub entries: crate::entries::Entries,
    /// Payload checks against data model schemas (limited slots on the blocking pool).
    pub payload_checks: crate::payload_check::PayloadChecks,
}

/// Largest request body accepted anywhere (forms, JSON, publiccode.yml uploads).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Longest time a request may take before it is answered with 408.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What every rendered page finds in context: the catalogue, the site settings, and the
/// response's CSP nonce (so the hydration scripts carry the nonce of the header).
pub fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let (catalogue, site) = (state.catalogue.clone(), state.site.clone());
    move || {
        provide_context(catalogue.clone());
        provide_context(site.clone());
        if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() {
            if let Some(nonce) = parts.extensions.get::<crate::security::CspNonce>() {
                provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
            }
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Leptos options for a site built by cargo-leptos into `site_root`.
pub fn leptos_options(site_root: &Path, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("allmende")
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

fn cache_for(seconds: u32) -> SetResponseHeaderLayer<HeaderValue> {
    let value =
        HeaderValue::from_str(&format!("public, max-age={seconds}")).expect("valid header value");
    SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, value)
}

/// The complete application router.
pub fn router(state: AppState) -> Router {
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.as_ref());
    let excluded = crate::pages::PATHS
        .iter()
        .chain(crate::entry_pages::PATHS)
        .chain(crate::model_tools::PATHS)
        .chain(crate::reuse_pages::PATHS)
        .chain(crate::publiccode_io::pages::PATHS)
        .map(|p| (*p).to_owned())
        .collect();
    let routes = generate_route_list_with_exclusions(App, Some(excluded));
    let context = page_context(&state);
    let (api, openapi) = crate::api::router().split_for_parts();
    let openapi_json = openapi
        .to_pretty_json()
        .expect("the OpenAPI document serialises");

    Router::new()
        .nest("/api/v1", api)
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let body = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .route("/sprache", post(switch_language))
        .merge(crate::pages::routes())
        .merge(crate::entry_pages::routes())
        .merge(crate::model_tools::routes())
        .merge(crate::reuse_pages::routes())
        .merge(crate::publiccode_io::pages::routes())
        .route(
            "/healthz",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(cache_for(3600))
                .service(ServeDir::new(site_root.join("pkg"))),
        )
        .nest_service(
            "/kern",
            tower::ServiceBuilder::new()
                .layer(cache_for(86_400))
                .service(ServeDir::new(site_root.join("kern"))),
        )
        .route_service(
            "/favicon.ico",
            ServeFile::new(site_root.join("favicon.ico")),
        )
        .route_service("/robots.txt", ServeFile::new(site_root.join("robots.txt")))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::entry_pages::redirect_moved,
        ))
        .layer(axum::middleware::from_fn(refuse_nul_in_address))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::security::protect,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}

#[derive(Deserialize)]
struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// `POST /sprache`: stores the chosen language in a cookie and returns to the page.
/// Unknown API paths answer in JSON, not with the HTML 404 page.
async fn api_not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(crate::api::ErrorBody {
            error: "Unbekannter API-Pfad.".to_owned(),
        }),
    )
        .into_response()
}

async fn switch_language(
    State(state): State<AppState>,
    Form(form): Form<LanguageForm>,
) -> Response {
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let next = form
        .next
        .filter(|n| is_local_path(n))
        .unwrap_or_else(|| "/".to_owned());
    let secure = if state.site.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        lang.tag()
    );
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("valid cookie"),
    );
    response
}

/// Refuses a request whose path or query carries a NUL character (`%00`), before any
/// handler sees it: PostgreSQL text cannot hold NUL, so a slug or filter with one would
/// otherwise reach the database as an error. Bodies are checked by the form and JSON readers.
async fn refuse_nul_in_address(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let uri = request.uri();
    let has_nul = |text: &str| text.contains('\0') || text.contains("%00");
    if has_nul(uri.path()) || uri.query().is_some_and(has_nul) {
        let message = "Die Adresse enthält ein Nullzeichen (%00) und wird nicht verarbeitet. / The address contains a NUL character.";
        if uri.path().starts_with("/api/") {
            return (
                StatusCode::BAD_REQUEST,
                Json(crate::api::ErrorBody {
                    error: message.to_owned(),
                }),
            )
                .into_response();
        }
        return (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message,
        )
            .into_response();
    }
    next.run(request).await
}

/// Whether `path` stays on this site (no scheme, no `//host`, no backslash tricks).
pub(crate) fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
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
