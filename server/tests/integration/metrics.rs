//! `/metrics`: requests are counted by route template and status and timed, the pool and
//! the search index are read at the scrape, and only the host (or a client with the token)
//! may read it.

use std::net::SocketAddr;

use allmende_server::http::{self, metrics::Metrics};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::http::{get, sample, state};

/// `GET /metrics` as a client at `peer` would send it, with extra headers.
async fn scrape(
    app: &axum::Router,
    peer: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::get("/metrics");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::empty()).unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo::<SocketAddr>(peer.parse().unwrap()));
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// The value of the sample `line_start` (metric name with its labels, exactly as written).
fn value(text: &str, line_start: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(line_start)?.strip_prefix(' '))
        .map(|v| v.parse().expect("a number"))
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn requests_are_counted_by_route_template_and_status(pool: PgPool) {
    sample(&pool).await;
    let state = state(pool).await;
    let index = state.search.clone().unwrap();
    let app = http::router(state);

    for _ in 0..2 {
        let (status, _, _) = get(&app, "/loesungen/sperrmuell-online", &[]).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _, _) = get(&app, "/api/v1/solutions/sperrmuell-online", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get(&app, "/api/v1/solutions/gibt-es-nicht", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(&app, "/gibt/es/nicht", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get(&app, "/pkg/fehlt.js", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, headers, text) = scrape(&app, "127.0.0.1:45678", &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
        "{headers:?}"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(
        headers.contains_key(header::CONTENT_SECURITY_POLICY),
        "the security headers are still set"
    );
    assert!(text.ends_with("# EOF\n"), "{text}");

    let count = |labels: &str| value(&text, &format!("allmende_http_requests_total{{{labels}}}"));
    // The Leptos page and the API route by their templates, never by the path.
    assert_eq!(
        count(r#"method="GET",route="/loesungen/{slug}",status="200""#),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        count(r#"method="GET",route="/api/v1/solutions/{slug}",status="200""#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        count(r#"method="GET",route="/api/v1/solutions/{slug}",status="404""#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        count(r#"method="GET",route="unmatched",status="404""#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        count(r#"method="GET",route="/pkg/{*path}",status="404""#),
        Some(1.0),
        "{text}"
    );
    assert!(
        !text.contains("sperrmuell-online") && !text.contains("gibt-es-nicht"),
        "no raw path becomes a label: {text}"
    );

    // The latency histogram: every bucket from 5 ms to 10 s and +Inf, cumulative.
    let page = r#"method="GET",route="/loesungen/{slug}""#;
    for le in ["0.005", "0.05", "1.0", "10.0", "+Inf"] {
        let bucket =
            format!(r#"allmende_http_request_duration_seconds_bucket{{le="{le}",{page}}}"#);
        assert!(value(&text, &bucket).is_some(), "{bucket} in {text}");
    }
    assert_eq!(
        value(
            &text,
            &format!(r#"allmende_http_request_duration_seconds_bucket{{le="+Inf",{page}}}"#)
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            &text,
            &format!("allmende_http_request_duration_seconds_count{{{page}}}")
        ),
        Some(2.0)
    );

    // Read at the scrape: pool, search index, process.
    let size = value(&text, "allmende_db_pool_size").expect("pool size");
    let idle = value(&text, "allmende_db_pool_idle").expect("idle connections");
    let in_use = value(&text, "allmende_db_pool_in_use").expect("connections in use");
    assert_eq!(size, idle + in_use, "{text}");
    assert!(value(&text, "allmende_db_pool_max").expect("pool max") >= size);
    assert_eq!(value(&text, "allmende_search_index_open"), Some(1.0));
    assert!(index.num_docs() >= 2, "the organisation and its solution");
    assert_eq!(
        value(&text, "allmende_search_index_documents"),
        Some(index.num_docs() as f64),
        "{text}"
    );
    assert!(value(&text, "allmende_search_index_size_bytes").expect("index size") > 0.0);
    // The index's own counters: the test index was built once, nothing failed or drifted.
    let status = index.status();
    assert_eq!(status.rebuilds, 1);
    assert_eq!(value(&text, "allmende_search_index_serving"), Some(1.0));
    assert_eq!(value(&text, "allmende_search_index_rebuilding"), Some(0.0));
    assert_eq!(
        value(&text, "allmende_search_index_rebuilds_total"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        value(&text, "allmende_search_index_update_failures_total"),
        Some(0.0)
    );
    assert_eq!(
        value(&text, "allmende_search_index_failing_seconds"),
        Some(0.0)
    );
    assert_eq!(
        value(&text, "allmende_search_index_consistency_checks_total"),
        Some(0.0)
    );
    assert_eq!(
        value(&text, "allmende_search_index_repaired_entries_total"),
        Some(0.0)
    );
    assert_eq!(value(&text, "allmende_search_index_last_drift"), Some(0.0));
    assert_eq!(
        value(&text, "allmende_search_outbox_lag"),
        Some(0.0),
        "{text}"
    );
    assert!(value(&text, "allmende_uptime_seconds").is_some());
    assert!(value(&text, "allmende_start_time_seconds").expect("start time") > 1.7e9);
    assert!(
        text.contains(&format!(
            r#"allmende_build_info{{version="{}"}} 1"#,
            env!("CARGO_PKG_VERSION")
        )),
        "{text}"
    );

    // The scrape itself is counted too.
    let (_, _, again) = scrape(&app, "127.0.0.1:45678", &[]).await;
    assert_eq!(
        value(
            &again,
            r#"allmende_http_requests_total{method="GET",route="/metrics",status="200"}"#
        ),
        Some(1.0),
        "{again}"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn only_the_host_or_a_client_with_the_token_may_read_the_metrics(pool: PgPool) {
    let host_only = http::router(state(pool.clone()).await);
    let (status, _, body) = scrape(&host_only, "203.0.113.9:5000", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.contains("allmende_"), "{body}");
    let (status, _, _) = scrape(
        &host_only,
        "127.0.0.1:5000",
        &[("x-forwarded-for", "203.0.113.9")],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a reverse proxy on the host passes on someone else's request"
    );
    let (status, _, _) = scrape(&host_only, "[::1]:5000", &[]).await;
    assert_eq!(status, StatusCode::OK);
    // A request without a peer address (no socket) is no request from the host.
    let (status, _, _) = get(&host_only, "/metrics", &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let mut with_token = state(pool).await;
    with_token.metrics = Metrics::new(Some("lang-und-geheim"));
    let with_token = http::router(with_token);
    let (status, headers, _) = scrape(&with_token, "203.0.113.9:5000", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let (status, _, _) = scrape(
        &with_token,
        "203.0.113.9:5000",
        &[("authorization", "Bearer falsch")],
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, text) = scrape(
        &with_token,
        "203.0.113.9:5000",
        &[("authorization", "Bearer lang-und-geheim")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("allmende_http_requests_total"), "{text}");
    let (status, _, _) = scrape(&with_token, "127.0.0.1:5000", &[]).await;
    assert_eq!(status, StatusCode::OK, "the host needs no token");
}
