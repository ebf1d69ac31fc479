//! Hostile schemas and payloads on the public payload check (page and API): catastrophic
//! patterns run in linear time, exponential schemas are stopped by the budget, the server
//! keeps answering meanwhile, and oversized payloads are refused with 413.

use std::time::{Duration, Instant};

use allmende_server::accounts::{Accounts, Actor, Caller, Channel};
use allmende_server::services::entries::{Entries, EntryError};
use app::data_model_rules::DataModelInput;
use app::validation::{FieldError, NewOrganisation, Registration};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::http::app;

/// Nested quantifiers: exponential on a backtracking engine.
const CATASTROPHIC: &str =
    r#"{"type": "object", "properties": {"kennung": {"type": "string", "pattern": "^(a+)+$"}}}"#;

/// Each definition tries the next twice (2^40 ways) and, when collecting errors, keeps every
/// branch's errors: stopped only by the budget.
fn exponential_schema() -> String {
    let mut defs = serde_json::Map::new();
    for i in 0..40 {
        let next = format!("#/$defs/d{}", i + 1);
        defs.insert(
            format!("d{i}"),
            serde_json::json!({"anyOf": [{"required": ["y"], "properties": {"x": {"$ref": next}}},
                                         {"required": ["z"], "properties": {"x": {"$ref": next}}}]}),
        );
    }
    defs.insert("d40".into(), serde_json::json!({"type": "object"}));
    serde_json::json!({"$defs": defs, "$ref": "#/$defs/d0"}).to_string()
}

/// `{"x": {"x": … }}` forty levels deep.
fn nested_payload() -> String {
    let mut value = serde_json::json!({});
    for _ in 0..40 {
        value = serde_json::json!({"x": value});
    }
    value.to_string()
}

async fn publisher(pool: &PgPool) -> Actor {
    let accounts = Accounts::new(pool.clone());
    let registration = Registration::parse(
        "Petra",
        "petra@ulm.example",
        "gruene wiese am fluss",
        "gruene wiese am fluss",
    )
    .unwrap();
    let user = accounts
        .register(&registration, false, Channel::Web, &Caller::default())
        .await
        .unwrap();
    let organisation = NewOrganisation::parse("Stadt Ulm", "stadt", "BW", "", "").unwrap();
    accounts
        .create_organisation(user, &organisation, Channel::Web, &Caller::default())
        .await
        .unwrap();
    accounts.actor(user).await.unwrap()
}

fn model(name: &str, schema: &str) -> DataModelInput {
    DataModelInput {
        organisation: "stadt-ulm".into(),
        name: name.into(),
        short_description: "Ein Modell mit feindseligem Schema für Tests".into(),
        domain: "umwelt".into(),
        json_schema: schema.into(),
        version: "1.0.0".into(),
        licence: "CC-BY-4.0".into(),
        ..DataModelInput::default()
    }
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn send(router: &axum::Router, path: &str, content_type: &str, body: String) -> Answer {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn api(router: &axum::Router, slug: &str, payload: String) -> Answer {
    send(
        router,
        &format!("/api/v1/data-models/{slug}/validate"),
        "application/json",
        payload,
    )
    .await
}

async fn page(router: &axum::Router, slug: &str, payload: &str) -> Answer {
    let form = serde_urlencoded::to_string([("payload", payload)]).unwrap();
    send(
        router,
        &format!("/datenmodelle/{slug}/pruefen"),
        "application/x-www-form-urlencoded",
        form,
    )
    .await
}

fn error_of(answer: &Answer) -> String {
    let body: serde_json::Value =
        serde_json::from_str(&answer.body).unwrap_or_else(|_| panic!("JSON: {}", answer.body));
    body["error"].as_str().unwrap_or_default().to_owned()
}

/// Fails the test instead of hanging when an answer does not come in time.
async fn in_time<T>(limit: Duration, work: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, work)
        .await
        .expect("the answer came in time")
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_catastrophic_pattern_is_checked_in_linear_time_on_page_and_api(pool: PgPool) {
    let actor = publisher(&pool).await;
    Entries::new(pool.clone())
        .create_data_model(&actor, &model("Kennungen", CATASTROPHIC))
        .await
        .unwrap();
    let router = app(pool.clone()).await;
    let hostile = serde_json::json!({"kennung": format!("{}!", "a".repeat(50_000))}).to_string();
    let started = Instant::now();
    let answer = in_time(
        Duration::from_secs(5),
        api(&router, "kennungen", hostile.clone()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let report: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["errors"][0]["path"], "/kennung");
    let fine = serde_json::json!({"kennung": "a".repeat(50_000)}).to_string();
    let report: serde_json::Value = serde_json::from_str(
        &in_time(Duration::from_secs(5), api(&router, "kennungen", fine))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(report["valid"], true);
    let answer = in_time(Duration::from_secs(5), page(&router, "kennungen", &hostile)).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.body.contains("<code>/kennung</code>"),
        "the page names the error's path"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "three checks took {:?}",
        started.elapsed()
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn patterns_that_need_backtracking_are_refused_at_save(pool: PgPool) {
    let actor = publisher(&pool).await;
    let schema = r#"{"type": "object", "properties": {"plz": {"type": "string", "pattern": "^(?!0)\\d{5}$"}}}"#;
    match Entries::new(pool.clone())
        .create_data_model(&actor, &model("Postleitzahlen", schema))
        .await
    {
        Err(EntryError::Invalid(errors)) => {
            let error = errors
                .get("json_schema")
                .expect("the schema field is named");
            assert_eq!(
                error,
                &FieldError::BacktrackingPattern {
                    path: "/properties/plz/pattern".into()
                }
            );
            assert!(
                error
                    .message(app::i18n::Lang::De)
                    .contains("Rückverweise oder Lookaround")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn an_exponential_schema_is_stopped_by_the_budget_while_the_server_keeps_answering(
    pool: PgPool,
) {
    let actor = publisher(&pool).await;
    Entries::new(pool.clone())
        .create_data_model(&actor, &model("Verzweigt", &exponential_schema()))
        .await
        .unwrap();
    let router = app(pool.clone()).await;
    let started = Instant::now();
    // More hostile checks at once than there are slots.
    let checks: Vec<_> = (0..3)
        .map(|_| {
            let router = router.clone();
            tokio::spawn(async move { api(&router, "verzweigt", nested_payload()).await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let health_started = Instant::now();
    let health = in_time(
        Duration::from_secs(2),
        router
            .clone()
            .oneshot(Request::get("/healthz").body(Body::empty()).unwrap()),
    )
    .await
    .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(
        health_started.elapsed() < Duration::from_millis(500),
        "/healthz took {:?}",
        health_started.elapsed()
    );
    for check in checks {
        let answer = in_time(Duration::from_secs(10), check).await.unwrap();
        assert_eq!(
            answer.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            answer.body
        );
        assert!(answer.headers.contains_key(header::RETRY_AFTER));
        let error = error_of(&answer);
        assert!(
            error.contains("abgebrochen") || error.contains("zu viele Prüfungen"),
            "{error}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );
    let answer = in_time(
        Duration::from_secs(5),
        page(&router, "verzweigt", &nested_payload()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        answer.body.contains("abgebrochen"),
        "the page says why there is no verdict"
    );
    // A payload the schema accepts stays cheap.
    let mut accepted = serde_json::json!({});
    for _ in 0..40 {
        accepted = serde_json::json!({"x": accepted, "y": 1});
    }
    let answer = in_time(
        Duration::from_secs(5),
        api(&router, "verzweigt", accepted.to_string()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn too_large_payloads_and_too_many_values_get_413_in_german(pool: PgPool) {
    let actor = publisher(&pool).await;
    Entries::new(pool.clone())
        .create_data_model(&actor, &model("Kennungen", CATASTROPHIC))
        .await
        .unwrap();
    let router = app(pool.clone()).await;
    let large = serde_json::json!({"kennung": "a".repeat(300 * 1024)}).to_string();
    let answer = in_time(
        Duration::from_secs(5),
        api(&router, "kennungen", large.clone()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        error_of(&answer).contains("Die Daten sind zu groß"),
        "{}",
        answer.body
    );
    let many = serde_json::to_string(&vec![0; 25_000]).unwrap();
    let answer = in_time(
        Duration::from_secs(5),
        api(&router, "kennungen", many.clone()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        error_of(&answer).contains("zu viele JSON-Werte"),
        "{}",
        answer.body
    );
    let answer = in_time(Duration::from_secs(5), page(&router, "kennungen", &many)).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.body.contains("zu viele JSON-Werte"));
    let answer = in_time(Duration::from_secs(5), page(&router, "kennungen", &large)).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.body.contains("Die Daten sind zu groß"));
}
