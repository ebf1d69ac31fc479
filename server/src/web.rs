//! The HTTP server: every route in one place — pages (Leptos), the JSON API, static
//! assets, the language switch — plus compression and response headers.

use std::path::Path;

use app::i18n::{LANG_COOKIE, Lang};
use app::service::CatalogueHandle;
use app::site::SiteConfig;
use app::{App, shell};
use axum::extract::{FromRef, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
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
    let value = HeaderValue::from_str(&format!("public, max-age={seconds}")).expect("valid header value");
    SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, value)
}

/// The complete application router.
pub fn router(state: AppState) -> Router {
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.as_ref());
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.catalogue.clone());
            provide_context(state.site.clone());
        }
    };
    let (api, openapi) = crate::api::router().split_for_parts();
    let openapi_json = openapi.to_pretty_json().expect("the OpenAPI document serialises");

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
        .route("/healthz", get(|| async { Json(serde_json::json!({"status": "ok"})) }))
        .nest_service("/pkg", tower::ServiceBuilder::new().layer(cache_for(3600)).service(ServeDir::new(site_root.join("pkg"))))
        .nest_service("/kern", tower::ServiceBuilder::new().layer(cache_for(86_400)).service(ServeDir::new(site_root.join("kern"))))
        .route_service("/favicon.ico", ServeFile::new(site_root.join("favicon.ico")))
        .route_service("/robots.txt", ServeFile::new(site_root.join("robots.txt")))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
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
    (StatusCode::NOT_FOUND, Json(crate::api::ErrorBody { error: "Unbekannter API-Pfad.".to_owned() })).into_response()
}

async fn switch_language(headers: HeaderMap, State(state): State<AppState>, Form(form): Form<LanguageForm>) -> Response {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return (StatusCode::FORBIDDEN, "Anfrage von fremder Website abgelehnt.").into_response();
    }
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let next = form.next.filter(|n| is_local_path(n)).unwrap_or_else(|| "/".to_owned());
    let secure = if state.site.public_url.starts_with("https://") { "; Secure" } else { "" };
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}", lang.tag());
    let mut response = Redirect::to(&next).into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("valid cookie"));
    response
}

/// Whether `path` stays on this site (no scheme, no `//host`, no backslash tricks).
fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control)
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
