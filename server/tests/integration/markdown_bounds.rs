//! Markdown beyond the bounds (issue 14, finding 5): 20 000 nested quotes are refused on the
//! field with a German message and nothing is stored; a text stored before the bounds existed
//! is shown as plain text, quickly, on the page and in the API.

use std::time::{Duration, Instant};

use allmende_server::accounts::{Accounts, Actor, Caller, Channel};
use allmende_server::services::import::{ImportError, Importer};
use app::validation::{NewOrganisation, Registration};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::fixtures::{self, solution};
use crate::http::app;

const PASSWORD: &str = "gruene wiese am fluss";

async fn send(
    router: &axum::Router,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> (StatusCode, String) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, "https://allmende.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// A person with an organisation, logged in; returns the cookie.
async fn member_of(pool: &PgPool, router: &axum::Router, email: &str, org: &str) -> String {
    let accounts = Accounts::new(pool.clone());
    let user = accounts
        .register(
            &Registration::parse("Petra", email, PASSWORD, PASSWORD).unwrap(),
            false,
            Channel::Web,
            &Caller::default(),
        )
        .await
        .unwrap();
    accounts
        .create_organisation(
            user,
            &NewOrganisation::parse(org, "stadt", "BW", "", "").unwrap(),
            Channel::Web,
            &Caller::default(),
        )
        .await
        .unwrap();
    let request = Request::post("/anmelden")
        .header(header::ORIGIN, "https://allmende.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(
            serde_urlencoded::to_string([("email", email), ("password", PASSWORD)]).unwrap(),
        ))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .expect("logged in")
        .to_str()
        .unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

fn form(long: &str) -> Vec<(&str, &str)> {
    vec![
        ("organisation", "stadt-ulm"),
        ("name", "Mängelmelder"),
        ("short_description", "Schäden im Straßenraum melden"),
        ("long_description", long),
        ("repository_url", "https://gitlab.opencode.de/ulm/melder"),
        ("licence", "EUPL-1.2"),
        ("development_status", "beta"),
        ("software_type", "standalone/web"),
        ("maintenance_type", "internal"),
        ("categories", "digital-citizenship"),
    ]
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_solution_with_twenty_thousand_nested_quotes_is_refused_on_the_field(pool: PgPool) {
    let router = app(pool.clone()).await;
    let cookie = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    let deep = ">".repeat(20_000);
    let started = Instant::now();
    let (status, body) = send(&router, "POST", "/loesungen/neu", &form(&deep), &cookie).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "answered in {:?}",
        started.elapsed()
    );
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        &body[..body.len().min(2000)]
    );
    assert!(
        body.contains("Der Text ist zu tief verschachtelt: höchstens 16 Ebenen"),
        "the German field message"
    );
    assert!(!body.contains("<blockquote"), "the text is not rendered");
    let (count,): (i64,) = sqlx::query_as("select count(*) from solutions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing is stored");
    // The same entry with an ordinary nested list is published.
    let (status, _) = send(
        &router,
        "POST",
        "/loesungen/neu",
        &form("- a\n  - b\n    - c\n      - d\n        - e"),
        &cookie,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_deep_description_stored_before_the_bounds_shows_as_plain_text(pool: PgPool) {
    let ulm = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let id = solution(ulm, "altlast", "Altlast mit tiefen Zitaten")
        .insert(&pool)
        .await;
    sqlx::query("update solutions set long_description = $1 where id = $2")
        .bind(format!("{}Ende", ">".repeat(19_990)))
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    let router = app(pool).await;
    for path in ["/loesungen/altlast", "/api/v1/solutions/altlast"] {
        let started = Instant::now();
        let (status, body) = send(&router, "GET", path, &[], "").await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{path} answered in {:?}",
            started.elapsed()
        );
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            !body.contains("<blockquote"),
            "{path} does not nest 20 000 quotes"
        );
        assert!(
            body.contains("<p>&gt;&gt;&gt;"),
            "{path} shows the text escaped"
        );
        assert!(body.len() < 1024 * 1024, "{path}: {} bytes", body.len());
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_publiccode_yml_with_a_too_deeply_nested_long_description_is_not_imported(pool: PgPool) {
    fixtures::org(&pool, "stadt-weyarn", "Gemeinde Weyarn", Some("BY")).await;
    let file = format!(
        r#"publiccodeYmlVersion: "0"
name: Bürgerhaushalt
url: "https://gitlab.opencode.de/gemeinde-weyarn/buergerhaushalt.git"
platforms: [web]
developmentStatus: stable
softwareType: "standalone/web"
description:
  de:
    shortDescription: Vorschläge zum Haushalt sammeln und bewerten
    longDescription: |
      Bürgerinnen und Bürger reichen Vorschläge für den Haushalt ein und bewerten sie.
      {}
    features: [Vorschläge]
legal: {{license: "EUPL-1.2"}}
maintenance: {{type: internal, contacts: [{{name: "Petra Schmid"}}]}}
localisation: {{localisationReady: true, availableLanguages: [de]}}
"#,
        ">".repeat(5_000)
    );
    let importer = Importer::new(pool.clone());
    let err = importer
        .import(&Actor::operator(), "stadt-weyarn", file.as_bytes(), "")
        .await
        .unwrap_err();
    let ImportError::Rejected(preview) = &err else {
        panic!("{err:?}")
    };
    assert!(
        preview.report.valid(),
        "the file itself is valid: {:?}",
        preview.report.errors
    );
    assert_eq!(
        preview.rule_errors.get("long_description"),
        Some(&app::validation::FieldError::MarkdownTooDeep {
            max: app::markdown::MAX_DEPTH
        }),
        "{:?}",
        preview.rule_errors
    );
    let (count,): (i64,) = sqlx::query_as("select count(*) from solutions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0, "nothing is stored");
}
