//! Every route in one place: static files, the server-rendered form pages, the Leptos
//! pages, the JSON API under `/api/v1` with its OpenAPI document, the fallback, and the
//! layers every request passes.

use app::{App, shell};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::routing::{MethodRouter, any, get, post};
use axum::{Extension, Router};
use leptos_axum::{LeptosRoutes, generate_route_list_with_exclusions};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::assets::Assets;
use crate::http::middleware::{
    cache, client, idempotency, moved, nul, problems, security, session,
};
use crate::http::render::page_context;
use crate::http::state::AppState;
use crate::http::{api, metrics, pages};

/// Largest request body accepted anywhere (forms, JSON, publiccode.yml uploads).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Longest time a request may take before it is answered with 408.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether a server-rendered route shows a page of the app (its view is a Leptos route,
/// rendered by the handler with its data) or only acts and redirects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    Page,
    Nothing,
}

/// The server-rendered routes: forms that work without JavaScript. GET renders the page
/// with its data, POST validates, acts and redirects (or shows the form again).
pub fn form_routes() -> Vec<(&'static str, Shows, MethodRouter<AppState>)> {
    use Shows::{Nothing, Page};
    use pages::{account, entry_forms, import, language, model_tools, org_admin, reuse};
    vec![
        // Accounts
        (
            "/registrieren",
            Page,
            get(account::register_page).post(account::register_submit),
        ),
        (
            "/anmelden",
            Page,
            get(account::login_page).post(account::login_submit),
        ),
        ("/abmelden", Nothing, post(account::logout)),
        (
            "/konto",
            Page,
            get(account::account_page).post(account::account_submit),
        ),
        ("/sprache", Nothing, post(language::switch_language)),
        // Organisations
        (
            "/organisationen/neu",
            Page,
            get(org_admin::new_org_page).post(org_admin::new_org_submit),
        ),
        (
            "/organisationen/{slug}/mitglieder",
            Page,
            get(org_admin::members_page).post(org_admin::members_submit),
        ),
        (
            "/organisationen/{slug}/tokens",
            Page,
            get(org_admin::tokens_page).post(org_admin::tokens_submit),
        ),
        (
            "/organisationen/{slug}/protokoll",
            Page,
            get(org_admin::org_audit_page),
        ),
        (
            "/verwaltung/protokoll",
            Page,
            get(org_admin::site_audit_page),
        ),
        (
            "/verwaltung/sichtbarkeit",
            Nothing,
            post(org_admin::moderate),
        ),
        (
            "/einladung/{code}",
            Page,
            get(org_admin::invitation_page).post(org_admin::invitation_submit),
        ),
        // Publishing solutions
        (
            "/loesungen/neu",
            Page,
            get(entry_forms::new_solution_page).post(entry_forms::new_solution_submit),
        ),
        (
            "/loesungen/importieren",
            Page,
            get(import::import_page).post(import::import_submit),
        ),
        (
            "/loesungen/{slug}/bearbeiten",
            Page,
            get(entry_forms::edit_solution_page).post(entry_forms::edit_solution_submit),
        ),
        (
            "/loesungen/{slug}/versionen",
            Page,
            get(entry_forms::history_page),
        ),
        (
            "/loesungen/{slug}/vergleich",
            Page,
            get(entry_forms::compare_page),
        ),
        (
            "/loesungen/{slug}/wiederherstellen",
            Nothing,
            post(entry_forms::restore_solution),
        ),
        (
            "/loesungen/{slug}/archiv",
            Nothing,
            post(entry_forms::archive),
        ),
        (
            "/loesungen/{slug}/nachnutzen",
            Page,
            get(reuse::page).post(reuse::submit),
        ),
        // Publishing data models
        (
            "/datenmodelle/neu",
            Page,
            get(entry_forms::new_model_page).post(entry_forms::new_model_submit),
        ),
        (
            "/datenmodelle/{slug}/bearbeiten",
            Page,
            get(entry_forms::edit_model_page).post(entry_forms::edit_model_submit),
        ),
        (
            "/datenmodelle/{slug}/versionen",
            Page,
            get(entry_forms::history_page),
        ),
        (
            "/datenmodelle/{slug}/vergleich",
            Page,
            get(entry_forms::compare_page),
        ),
        (
            "/datenmodelle/{slug}/wiederherstellen",
            Nothing,
            post(entry_forms::restore_model),
        ),
        (
            "/datenmodelle/{slug}/archiv",
            Nothing,
            post(entry_forms::archive),
        ),
        (
            "/datenmodelle/{slug}/nachnutzen",
            Page,
            get(reuse::page).post(reuse::submit),
        ),
        (
            "/datenmodelle/{slug}/aenderungen",
            Page,
            get(model_tools::compatibility_page),
        ),
        (
            "/datenmodelle/{slug}/pruefen",
            Page,
            get(model_tools::validate_page).post(model_tools::validate_submit),
        ),
        // Reuse statistics
        ("/nachnutzung", Page, get(reuse::stats_page)),
    ]
}

/// The JSON API (paths relative to `/api/v1`) with its OpenAPI document, generated from
/// the handlers' annotations.
pub fn api_routes() -> OpenApiRouter<AppState> {
    use api::{catalogue, entries, model_tools, publiccode, reuse, token};
    OpenApiRouter::with_openapi(api::ApiDoc::openapi())
        .routes(routes!(catalogue::list_solutions))
        .routes(routes!(catalogue::get_solution))
        .routes(routes!(catalogue::list_data_models))
        .routes(routes!(catalogue::get_data_model))
        .routes(routes!(catalogue::list_organisations))
        .routes(routes!(catalogue::get_organisation))
        .routes(routes!(catalogue::search))
        .routes(routes!(catalogue::suggest))
        .routes(routes!(token::token_info))
        .routes(routes!(entries::create_solution))
        .routes(routes!(entries::update_solution))
        .routes(routes!(entries::create_data_model))
        .routes(routes!(entries::update_data_model))
        .routes(routes!(model_tools::validate_payload))
        .routes(routes!(model_tools::schema_diff))
        .routes(routes!(reuse::solution_lineage))
        .routes(routes!(reuse::data_model_lineage))
        .routes(routes!(reuse::adopt_solution, reuse::withdraw_solution))
        .routes(routes!(reuse::adopt_data_model, reuse::withdraw_data_model))
        .routes(routes!(reuse::fork_solution))
        .routes(routes!(reuse::fork_data_model))
        .routes(routes!(publiccode::validate_publiccode))
        .routes(routes!(publiccode::import_publiccode))
        .routes(routes!(publiccode::export_publiccode))
}

/// The complete application: every route and every layer. Reads the site's static files
/// once to name them by content (`http::assets`): pages link the hashed names, and the
/// Content-Security-Policy allows the page shell's inline scripts, which name the hashed
/// hydration bundle, by their hashes.
pub fn router(mut state: AppState) -> Router {
    keep_request_spans_in_page_tasks();
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.as_ref());
    let assets = Assets::scan(&site_root, &state.leptos_options.output_name);
    if let Some(bundle) = assets.bundle_name() {
        state.leptos_options.output_name = bundle.into();
    }
    let security = security::SecurityHeaders::for_site(&state);
    let static_files = {
        let assets = assets.clone();
        get(move |request: Request| assets.clone().serve(request))
    };
    let forms = form_routes();
    let excluded = forms
        .iter()
        .filter(|(_, shows, _)| *shows == Shows::Page)
        .map(|(path, _, _)| (*path).to_owned())
        .collect();
    let leptos_routes = generate_route_list_with_exclusions(App, Some(excluded));
    let context = page_context(&state);
    let (api, mut openapi) = api_routes().split_for_parts();
    api::document_idempotency(&mut openapi);
    let api = api.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        idempotency::idempotent_posts,
    ));
    let openapi_json = openapi
        .to_pretty_json()
        .expect("the OpenAPI document serialises");

    let mut router = Router::new()
        // Static files, under content-hashed names (and their plain ones)
        .route("/pkg/{*path}", static_files.clone())
        .route("/kern/{*path}", static_files.clone())
        .route("/favicon.ico", static_files.clone())
        .route("/robots.txt", static_files)
        // Operations
        .route("/healthz", get(pages::health::healthz))
        .route("/readyz", get(pages::health::readyz))
        .route("/metrics", get(metrics::metrics))
        // The JSON API
        .nest("/api/v1", api)
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let body = openapi_json.clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body) }
            }),
        )
        .route("/api/{*rest}", any(api::not_found));
    // Server-rendered form pages
    for (path, _, handlers) in forms {
        router = router.route(path, handlers);
    }
    router
        // Every other page: the Leptos routes, and the app's 404 page for unknown paths
        .leptos_routes_with_context(&state, leptos_routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        // Layers: the last one added is the first a request passes.
        .layer(Extension(assets.urls()))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            moved::redirect_moved,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            problems::render_problems,
        ))
        .layer(axum::middleware::from_fn(nul::refuse_nul_in_address))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::session,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            client::resolve_client,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        // Outside the timeout and the body limits: their 408 and 413 carry the headers too.
        .layer(axum::middleware::from_fn_with_state(
            security,
            security::security_headers,
        ))
        // Inside compression: the ETag is taken over the uncompressed page.
        .layer(axum::middleware::from_fn(cache::http_caching))
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                // A 5xx is logged once where it happens (http::error), with this span.
                .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        // Outermost: counts and times every request, refused ones included.
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            metrics::record,
        ))
        .with_state(state)
}

/// The span of one request: every log line written while answering it carries the
/// request id (an `X-Request-Id` sent by a reverse proxy is kept, else a new UUID) and is
/// sent back in `X-Request-Id`.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    )
}

/// Leptos runs a page's data loading as tasks of its executor. Spawned with a plain
/// `tokio::spawn` (leptos_axum's default) they would leave the request's span behind, and
/// their log lines (a failing query, sqlx's statement log) the request id. This executor
/// spawns them in the span that was current where they were created.
struct InRequestSpan;

impl any_spawner::CustomExecutor for InRequestSpan {
    fn spawn(&self, task: any_spawner::PinnedFuture<()>) {
        tokio::spawn(tracing::Instrument::in_current_span(task));
    }

    fn spawn_local(&self, task: any_spawner::PinnedLocalFuture<()>) {
        tokio::task::spawn_local(tracing::Instrument::in_current_span(task));
    }

    fn poll_local(&self) {}
}

/// Sets Leptos' executor to [`InRequestSpan`], before leptos_axum would set its own (the
/// first one set stays for the process; setting it again is harmless).
pub fn keep_request_spans_in_page_tasks() {
    let _ = any_spawner::Executor::init_custom_executor(InRequestSpan);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one list of server-rendered pages agrees with the app's routes: each page the
    /// handlers render has a view in the app, so excluding it from the generated routes
    /// hands exactly that path to its handler.
    #[test]
    fn every_server_rendered_page_is_a_route_of_the_app() {
        let app_paths: Vec<String> = leptos_axum::generate_route_list(App)
            .into_iter()
            .map(|listing| listing.path().to_owned())
            .collect();
        for (path, shows, _) in form_routes() {
            match shows {
                Shows::Page => assert!(
                    app_paths.iter().any(|p| p == path),
                    "{path} is rendered by a handler but is no route of the app: {app_paths:?}"
                ),
                Shows::Nothing => assert!(
                    !app_paths.iter().any(|p| p == path),
                    "{path} only acts, but the app has a page for it"
                ),
            }
        }
    }
}
