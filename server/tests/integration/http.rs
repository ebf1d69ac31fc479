//! The whole router in-process (no socket): pages render with data and the right status,
//! the language follows the browser and the switch, and the JSON API answers.

use allmende_server::http::{self, AppState};
use app::site::{Operator, SiteConfig};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::fixtures::{self, solution};

pub(crate) async fn app(pool: PgPool) -> axum::Router {
    http::router(state(pool).await)
}

/// The state of the test app: a fresh search index, metrics readable from the host only.
pub(crate) async fn state(pool: PgPool) -> AppState {
    let site = tempfile::tempdir().unwrap().keep();
    let search = fixtures::search_index(&pool).await;
    let payload_checks = allmende_server::services::payload_check::PayloadChecks::new();
    AppState {
        leptos_options: http::leptos_options(&site, "127.0.0.1:3000".parse().unwrap()),
        accounts: allmende_server::accounts::Accounts::new(pool.clone()),
        entries: allmende_server::services::entries::Entries::new(pool.clone())
            .with_checks(payload_checks.clone()),
        payload_checks,
        public_catalogue: allmende_server::catalogue(pool.clone(), search.clone()),
        read_pools: allmende_server::db::replicas::ReadPools::primary_only(pool.clone()),
        catalogue: allmende_server::catalogue(pool, search.clone()),
        search: Some(search),
        metrics: Default::default(),
        site: SiteConfig {
            public_url: "https://allmende.test".into(),
            operator: Operator {
                name: Some("Stadt Test".into()),
                ..Default::default()
            },
            demo: false,
        },
    }
}

pub(crate) async fn get(
    app: &axum::Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    send(app, "GET", path, headers).await
}

/// Sends a request without body; answers status, headers and the body as text.
pub(crate) async fn send(
    app: &axum::Router,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

pub(crate) async fn sample(pool: &PgPool) {
    let ulm = fixtures::org(pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    solution(ulm, "sperrmuell-online", "Sperrmüll online anmelden")
        .insert(pool)
        .await;
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_solution_list_is_rendered_completely_on_the_server(pool: PgPool) {
    sample(&pool).await;
    let (status, _, html) = get(&app(pool).await, "/loesungen?state=BW", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Sperrmüll online anmelden"),
        "entry is in the HTML"
    );
    assert!(html.contains(r#"<html lang="de""#));
    assert!(html.contains("<title>Lösungen – Allmende</title>"), "title");
    assert!(
        html.contains(r#"<link href="https://allmende.test/loesungen?state=BW" rel="canonical">"#),
        "canonical"
    );
    assert!(html.contains(r#"<meta name="description""#));
    assert_eq!(html.matches("<h1").count(), 1, "one h1");
    assert!(!html.contains("https://cdn"), "nothing from other origins");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_detail_page_shows_the_entry_and_unknown_ones_answer_404(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool).await;
    let (status, _, html) = get(&router, "/loesungen/sperrmuell-online", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<strong>Markdown</strong>"));
    assert!(html.contains("EUPL-1.2"));
    let (status, _, html) = get(&router, "/loesungen/gibt-es-nicht", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Seite nicht gefunden"));
    let (status, _, _) = get(&router, "/voellig/unbekannt", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn english_browsers_get_english_pages(pool: PgPool) {
    sample(&pool).await;
    let (_, headers, html) = get(
        &app(pool).await,
        "/loesungen",
        &[("accept-language", "en-GB,en;q=0.9,de;q=0.5")],
    )
    .await;
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("Apply filters"));
    assert!(
        headers.get(header::SET_COOKIE).is_none(),
        "reading sets no cookie"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_language_switch_sets_a_cookie_and_returns_to_the_page(pool: PgPool) {
    let router = app(pool).await;
    let request = Request::post("/sprache")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("lang=en&next=%2Floesungen%3Fstate%3DBW"))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/loesungen?state=BW");
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("allmende_lang=en;"), "{cookie}");

    let (_, _, html) = get(&router, "/", &[("cookie", "allmende_lang=en")]).await;
    assert!(html.contains(r#"<html lang="en""#));

    let open_redirect = Request::post("/sprache")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("lang=de&next=https%3A%2F%2Fevil.example%2F"))
        .unwrap();
    let response = router.clone().oneshot(open_redirect).await.unwrap();
    assert_eq!(response.headers()[header::LOCATION], "/");

    let cross_site = Request::post("/sprache")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from("lang=en"))
        .unwrap();
    assert_eq!(
        router.oneshot(cross_site).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_api_lists_filters_and_rejects_bad_parameters(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool).await;
    let (status, _, body) = get(&router, "/api/v1/solutions?state=BW&per_page=5", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(json["items"][0]["slug"], "sperrmuell-online");
    assert_eq!(json["items"][0]["organisation"]["bundesland"], "BW");

    let (status, _, body) = get(&router, "/api/v1/solutions?per_page=500", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("per_page"), "{body}");

    let (status, _, body) = get(&router, "/api/v1/organisations/stadt-ulm", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("sperrmuell-online"));

    let (status, _, body) = get(&router, "/api/v1/solutions/gibt-es-nicht", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("error"));
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_openapi_document_describes_every_endpoint(pool: PgPool) {
    let (status, _, body) = get(&app(pool).await, "/api/v1/openapi.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/solutions",
        "/solutions/{slug}",
        "/data-models",
        "/data-models/{slug}",
        "/organisations",
        "/organisations/{slug}",
        "/search",
        "/suggest",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    let params = doc["paths"]["/solutions"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    for name in [
        "category", "licence", "status", "org", "state", "sort", "page", "per_page",
    ] {
        assert!(names.contains(&name), "parameter {name} documented");
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_search_api_answers_with_hits_facets_and_clear_errors(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool).await;
    let (status, _, body) = get(&router, "/api/v1/search?q=Sperrmuell&state=BW", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["total"], 1);
    let hit = &json["hits"][0];
    assert_eq!(hit["kind"], "solution");
    assert_eq!(hit["slug"], "sperrmuell-online");
    assert_eq!(hit["name"], "Sperrmüll online anmelden");
    assert_eq!(hit["organisation"]["slug"], "stadt-ulm");
    assert_eq!(hit["organisation"]["name"], "Stadt Ulm");
    assert!(hit["short_description"].is_string() && hit["snippet"].is_object());
    assert_eq!(hit["reuse_count"], 0);
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    assert_eq!(json["facets"]["state"][0]["value"], "BW");
    assert_eq!(json["facets"]["state"][0]["count"], 1);
    assert_eq!(json["facets"]["org"][0]["name"], "Stadt Ulm");

    for (query, parameter) in [
        ("per_page=1000", "per_page"),
        ("kind=software", "kind"),
        ("sort=beliebt", "sort"),
        ("state=XX", "state"),
        ("page=0", "page"),
        ("page=600", "page"),
    ] {
        let (status, _, body) = get(&router, &format!("/api/v1/search?q=a&{query}"), &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        let error: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(
            error["error"].as_str().unwrap().contains(parameter),
            "{query}: {body}"
        );
    }
    let long = "x".repeat(201);
    let (status, _, _) = get(&router, &format!("/api/v1/search?q={long}"), &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Odd syntax is not an error.
    let (status, _, _) = get(&router, "/api/v1/search?q=%22%28%28title%3A*", &[]).await;
    assert_eq!(status, StatusCode::OK);

    let (status, _, body) = get(&router, "/api/v1/suggest?q=Sperr", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let suggestions: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(suggestions[0]["text"], "Sperrmüll online anmelden");
    assert_eq!(suggestions[0]["source"], "name");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_search_page_shows_hits_facets_and_a_helpful_empty_state(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool).await;
    let (status, _, html) = get(&router, "/suche?q=sperrmull&licence=EUPL-1.2", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sperrmüll online anmelden"));
    assert!(
        html.contains(r#"name="licence" value="EUPL-1.2" checked"#),
        "selected facet is checked"
    );
    assert!(html.contains("Baden-Württemberg (1)"), "facet with count");
    assert!(
        html.contains(r#"role="combobox""#),
        "header search box is a combobox"
    );
    let (status, _, html) = get(&router, "/suche?q=Sperrmul", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sperrmüll online anmelden"), "typo tolerated");
    let (_, _, html) = get(&router, "/suche?q=Sprrmuel", &[]).await;
    assert!(html.contains("Meinten Sie"), "did-you-mean offered");
    let (_, _, html) = get(&router, "/suche?q=Raumfahrt", &[]).await;
    assert!(html.contains("Keine Einträge gefunden"));
}

/// A log sink for one test: what the subscriber writes, kept in memory.
#[derive(Clone, Default)]
struct LogLines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogLines {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Held by the tests that capture log lines: tracing caches, per log statement, whether any
/// subscriber listens, and a subscriber another test sets or drops meanwhile can leave that
/// cache stale for this one.
static CAPTURING_LOGS: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn capturing_logs() -> std::sync::MutexGuard<'static, ()> {
    CAPTURING_LOGS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Every answer names its request id, every log line written while answering carries it,
/// and an id set by a reverse proxy is kept.
#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
// Each test runs on a runtime and thread of its own; the lock only keeps other tests out.
#[allow(clippy::await_holding_lock)]
async fn every_request_has_an_id_that_its_log_lines_carry(pool: PgPool) {
    let _capturing = capturing_logs();
    let sink = LogLines::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = app(pool).await;

    // A refused cross-site write logs a warning while it is answered.
    let response = app
        .clone()
        .oneshot(
            Request::post("/konto")
                .header("sec-fetch-site", "cross-site")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36, "a fresh UUID: {id}");
    let log = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    let line = log
        .lines()
        .find(|line| line.contains("cross-site request refused"))
        .unwrap_or_else(|| panic!("the refusal is logged: {log}"));
    assert!(line.contains(&format!("id={id}")), "{line}");

    let (_, headers, _) = get(&app, "/healthz", &[("x-request-id", "proxy-4711")]).await;
    assert_eq!(headers["x-request-id"], "proxy-4711");
    let (_, first, _) = get(&app, "/healthz", &[]).await;
    let (_, second, _) = get(&app, "/healthz", &[]).await;
    assert_ne!(
        first["x-request-id"], second["x-request-id"],
        "one id per request"
    );
}

/// Leptos loads a page's data in tasks of its own; their log lines (here sqlx's statement
/// log) carry the request id all the same. The test runtime has one thread, so the
/// subscriber set for this thread sees the tasks' lines too.
#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
#[allow(clippy::await_holding_lock)]
async fn every_log_line_of_a_page_request_carries_its_request_id(pool: PgPool) {
    let _capturing = capturing_logs();
    sample(&pool).await;
    let app = app(pool).await;
    let captured = LogLines::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::new("info,sqlx::query=debug"))
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    let (status, headers, html) = get(
        &app,
        "/loesungen/sperrmuell-online",
        &[("x-request-id", "anfrage-4711")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Sperrmüll online anmelden"),
        "the page has its data"
    );
    assert_eq!(
        headers["x-request-id"], "anfrage-4711",
        "the id is sent back"
    );
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = log.lines().filter(|l| l.contains("sqlx::query")).collect();
    assert!(
        lines.iter().any(|l| l.contains("visible_solutions")),
        "the page's own query is logged: {log}"
    );
    for line in &lines {
        assert!(
            line.contains("request{id=anfrage-4711 method=GET path=/loesungen/sperrmuell-online}"),
            "a log line without the request id: {line}"
        );
    }
}
