//! publiccode.yml: the reference validator's own cases (read in place from
//! `../shared/conformance/publiccode/`), the validation API, import (create, then update by
//! repository URL, with revisions), the CLI, and the round trip export → import for every
//! demo solution.

use std::path::PathBuf;

use allmende_server::accounts::Actor;
use allmende_server::publiccode::{self, Report};
use allmende_server::services::entries::Entries;
use allmende_server::services::import::{ImportError, Importer, Outcome};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::fixtures;
use crate::http::app;

/// The shared conformance folder: `ALLMENDE_CONFORMANCE_DIR`, or `../shared/conformance`
/// next to the repository.
fn conformance_dir() -> PathBuf {
    let candidates = [
        std::env::var("ALLMENDE_CONFORMANCE_DIR")
            .ok()
            .map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance")),
        Some(PathBuf::from("/work/shared/conformance")),
    ];
    candidates
        .into_iter()
        .flatten()
        .map(|dir| dir.join("publiccode"))
        .find(|dir| dir.join("expected.json").is_file())
        .expect("the conformance cases (../shared/conformance/publiccode) are missing; set ALLMENDE_CONFORMANCE_DIR")
}

fn describe(report: &Report) -> String {
    report
        .errors
        .iter()
        .map(|e| format!("E {} ({}:{}) {}", e.key, e.line, e.column, e.message))
        .chain(
            report
                .warnings
                .iter()
                .map(|w| format!("W {} ({}:{}) {}", w.key, w.line, w.column, w.message)),
        )
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_case_of_the_reference_validator_gets_the_same_verdict_and_keys() {
    let dir = conformance_dir();
    let expected: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).unwrap()).unwrap();
    let cases = expected.as_object().unwrap();
    assert!(cases.len() >= 90, "all groups are listed ({})", cases.len());
    let mut failures = Vec::new();
    let mut warned = 0;
    for (name, verdict) in cases {
        let bytes = std::fs::read(dir.join("cases").join(name)).unwrap();
        let report = publiccode::validate(&bytes);
        let valid = verdict["valid"].as_bool().unwrap();
        if report.valid() != valid {
            failures.push(format!(
                "{name}: expected valid={valid}, got:\n{}",
                describe(&report)
            ));
            continue;
        }
        for key in verdict["keys"].as_array().unwrap() {
            let key = key.as_str().unwrap();
            if !report.errors.iter().any(|e| e.key == key) {
                failures.push(format!(
                    "{name}: no error on key {key:?}; got:\n{}",
                    describe(&report)
                ));
            }
        }
        if name.starts_with("valid_with_warnings/") {
            if report.warnings.is_empty() {
                failures.push(format!("{name}: expected at least one warning"));
            }
            warned += 1;
        }
        if valid {
            assert!(
                report.document.as_ref().is_some_and(|d| !d.name.is_empty()),
                "{name}: a valid file is read"
            );
        }
    }
    assert!(warned >= 6, "the warning cases ran");
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn errors_carry_lines_and_columns() {
    let dir = conformance_dir();
    let report = publiccode::validate(
        &std::fs::read(dir.join("cases/invalid/categories_invalid.yml")).unwrap(),
    );
    let error = report
        .errors
        .iter()
        .find(|e| e.key == "categories[0]")
        .unwrap();
    assert_eq!((error.line, error.column), (13, 5), "{error:?}");
    assert!(error.message.contains("no_such_category"));
}

const SPERRMUELL: &str = r#"publiccodeYmlVersion: "0"
name: Sperrmüll online
url: "https://gitlab.opencode.de/stadt-ulm/sperrmuell-online.git"
landingURL: "https://www.ulm.de/sperrmuell"
softwareVersion: "2.1.0"
releaseDate: "2026-03-01"
platforms:
  - web
  - custom_platform
categories:
  - online-booking
  - digital-citizenship
developmentStatus: stable
softwareType: "standalone/web"
usedBy:
  - Stadt Neu-Ulm
description:
  de:
    shortDescription: Sperrmüll-Termine online buchen, mit Erinnerung per E-Mail
    longDescription: |
      Bürgerinnen und Bürger buchen ihren Sperrmülltermin online, wählen die Gegenstände aus
      einer Liste und bekommen eine Erinnerung per E-Mail. Die Verwaltung plant die Touren
      im selben System und sieht alle Anmeldungen eines Tages auf einer Karte.
    features:
      - Termin buchen
      - Erinnerung per E-Mail
  en:
    shortDescription: Book bulky waste collection online
    longDescription: |
      Residents book their bulky waste collection online, pick the items from a list and get
      a reminder by e-mail. The administration plans the routes in the same system and sees
      every booking of a day on a map.
    features:
      - Book a date
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Petra Schmid
      email: petra.schmid@ulm.de
localisation:
  localisationReady: true
  availableLanguages:
    - de
    - en
"#;

async fn post_yaml(
    router: &axum::Router,
    path: &str,
    body: impl Into<Body>,
    token: Option<&str>,
) -> (StatusCode, serde_json::Value) {
    let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/yaml");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = router
        .clone()
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_validation_api_reports_errors_with_positions_and_limits_the_size(pool: PgPool) {
    let router = app(pool).await;
    let (status, body) = post_yaml(&router, "/api/v1/publiccode/validate", SPERRMUELL, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["valid"], true, "{body}");
    assert_eq!(body["errors"].as_array().unwrap().len(), 0);

    let broken = SPERRMUELL
        .replace("developmentStatus: stable", "developmentStatus: fertig")
        .replace("EUPL-1.2", "Eigene Lizenz");
    let (status, body) = post_yaml(&router, "/api/v1/publiccode/validate", broken, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["valid"], false);
    let errors = body["errors"].as_array().unwrap();
    let status_error = errors
        .iter()
        .find(|e| e["key"] == "developmentStatus")
        .expect("developmentStatus error");
    assert_eq!(status_error["line"], 13);
    assert_eq!(status_error["column"], 1);
    assert!(status_error["message"].as_str().unwrap().contains("stable"));
    assert!(errors.iter().any(|e| e["key"] == "legal.license"));

    let (status, _) = post_yaml(
        &router,
        "/api/v1/publiccode/validate",
        vec![b'#'; 256 * 1024 + 1],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

async fn org_with_token(pool: &PgPool, slug: &str, name: &str) -> (uuid::Uuid, String) {
    let id = fixtures::org(pool, slug, name, Some("BW")).await;
    let accounts = allmende_server::accounts::Accounts::new(pool.clone());
    let (_, token) = accounts
        .create_token(
            &Actor::operator(),
            slug,
            "Import",
            allmende_server::accounts::Channel::Cli,
            &Default::default(),
        )
        .await
        .unwrap();
    (id, token)
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn importing_twice_updates_the_same_solution_with_a_new_revision(pool: PgPool) {
    let (ulm, token) = org_with_token(&pool, "stadt-ulm", "Stadt Ulm").await;
    let router = app(pool.clone()).await;
    let (status, body) = post_yaml(
        &router,
        "/api/v1/import/publiccode",
        SPERRMUELL,
        Some(&token),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["created"], true);
    let slug = body["slug"].as_str().unwrap().to_owned();
    assert_eq!(slug, "sperrmuell-online");
    let notes = body["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("custom_platform")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("usedBy")),
        "{notes:?}"
    );

    let entries = Entries::new(pool.clone());
    let stored = entries.solution_input(&slug).await.unwrap();
    assert_eq!(stored.name, "Sperrmüll online");
    assert_eq!(stored.platforms, ["web"]);
    assert_eq!(
        stored.short_description_en,
        "Book bulky waste collection online"
    );
    assert_eq!(stored.contacts[0].email, "petra.schmid@ulm.de");
    assert_eq!(stored.release_date, "2026-03-01");

    // The same repository (other spelling) again: an update, not a duplicate.
    let changed = SPERRMUELL
        .replace("sperrmuell-online.git", "Sperrmuell-Online/")
        .replace("softwareVersion: \"2.1.0\"", "softwareVersion: \"2.2.0\"");
    let (status, body) =
        post_yaml(&router, "/api/v1/import/publiccode", changed, Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["created"], false);
    assert_eq!(body["slug"], slug.as_str());
    let (count,): (i64,) =
        sqlx::query_as("select count(*) from solutions where organisation_id = $1")
            .bind(ulm)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(count, 1, "no duplicate");
    let revisions = entries
        .revisions(
            allmende_server::services::entries::EntryKind::Solution,
            &slug,
        )
        .await
        .unwrap();
    assert_eq!(revisions.len(), 2, "the update is a new revision");
    assert_eq!(
        entries.solution_input(&slug).await.unwrap().version,
        "2.2.0"
    );

    // Another organisation cannot take the entry over by importing the same repository.
    let (_, other_token) = org_with_token(&pool, "stadt-bonn", "Stadt Bonn").await;
    let (status, body) = post_yaml(
        &router,
        "/api/v1/import/publiccode",
        SPERRMUELL,
        Some(&other_token),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("Stadt Ulm"),
        "{body}"
    );

    // A broken file: 422 with the report, nothing saved.
    let broken = SPERRMUELL.replace("name: Sperrmüll online\n", "");
    let (status, body) =
        post_yaml(&router, "/api/v1/import/publiccode", broken, Some(&token)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"] == "name"),
        "{body}"
    );

    // Without a token: 401.
    let (status, _) = post_yaml(&router, "/api/v1/import/publiccode", SPERRMUELL, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn every_demo_solution_survives_export_and_import_unchanged(pool: PgPool) {
    allmende_server::demo::load(&pool).await.unwrap();
    let importer = Importer::new(pool.clone());
    let entries = Entries::new(pool.clone());
    let slugs: Vec<(String, String)> =
        sqlx::query_as("select s.slug, o.slug from solutions s join organisations o on o.id = s.organisation_id order by s.slug")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(slugs.len() >= 60);
    for (slug, org) in &slugs {
        let before = entries.solution_input(slug).await.unwrap();
        let yaml = importer
            .export(slug, Some("https://allmende.test"))
            .await
            .unwrap()
            .unwrap();
        let report = publiccode::validate(yaml.as_bytes());
        assert!(
            report.valid(),
            "{slug}: the export validates:\n{}\n{yaml}",
            describe(&report)
        );
        assert!(
            report.warnings.is_empty(),
            "{slug}: no warnings: {}",
            describe(&report)
        );
        let outcome = importer
            .import(&Actor::operator(), org, yaml.as_bytes(), "")
            .await
            .unwrap();
        assert_eq!(
            outcome,
            Outcome::Updated {
                slug: slug.clone(),
                notes: Vec::new()
            },
            "{slug}: same entry, nothing left out"
        );
        let after = entries.solution_input(slug).await.unwrap();
        assert_eq!(after, before, "{slug}: import(export(x)) == x");
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn export_is_served_as_a_download(pool: PgPool) {
    allmende_server::demo::load(&pool).await.unwrap();
    let router = app(pool).await;
    let response = router
        .clone()
        .oneshot(
            Request::get("/api/v1/solutions/sperrmuell-online/publiccode.yml")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/yaml")
    );
    assert!(
        response.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("publiccode.yml")
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(publiccode::validate(&body).valid());
    let missing = router
        .oneshot(
            Request::get("/api/v1/solutions/gibt-es-nicht/publiccode.yml")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_cli_imports_a_folder_creates_the_organisation_and_summarises(pool: PgPool) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("ulm")).unwrap();
    std::fs::write(dir.path().join("ulm/publiccode.yml"), SPERRMUELL).unwrap();
    std::fs::write(
        dir.path().join("kaputt.yml"),
        "publiccodeYmlVersion: \"0\"\nname: [\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("notizen.txt"), "keine YAML-Datei").unwrap();
    let summary = allmende_server::cli::import::run(
        &pool,
        allmende_server::cli::import::ImportArgs {
            org: "stadt-ulm".into(),
            create_org: Some("Stadt Ulm".into()),
            kind: None,
            paths: vec![dir.path().to_path_buf()],
            progress: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (
            summary.created.len(),
            summary.updated.len(),
            summary.rejected.len()
        ),
        (1, 0, 1),
        "{summary:?}"
    );
    assert!(summary.rejected[0].0.ends_with("kaputt.yml"));
    assert!(
        summary.rejected[0].1.iter().any(|r| r.contains("YAML")),
        "{:?}",
        summary.rejected
    );
    let text = summary.to_string();
    assert!(
        text.contains("1 angelegt") && text.contains("1 abgelehnt"),
        "{text}"
    );
    let (kind,): (String,) =
        sqlx::query_as("select kind from organisations where slug = 'stadt-ulm'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(kind, "stadt", "the kind follows the name");
    // Again: the solution is updated, the organisation is reused.
    let again = allmende_server::cli::import::run(
        &pool,
        allmende_server::cli::import::ImportArgs {
            org: "stadt-ulm".into(),
            create_org: Some("Stadt Ulm".into()),
            kind: None,
            paths: vec![dir.path().join("ulm/publiccode.yml")],
            progress: false,
        },
    )
    .await
    .unwrap();
    assert_eq!((again.created.len(), again.updated.len()), (0, 1));
    let missing = allmende_server::cli::import::run(
        &pool,
        allmende_server::cli::import::ImportArgs {
            org: "gibt-es-nicht".into(),
            create_org: None,
            kind: None,
            paths: vec![dir.path().to_path_buf()],
            progress: false,
        },
    )
    .await;
    assert!(missing.unwrap_err().to_string().contains("--create-org"));
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_rejected_import_explains_itself(pool: PgPool) {
    fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let importer = Importer::new(pool.clone());
    let short = SPERRMUELL.replace(
        "Sperrmüll-Termine online buchen, mit Erinnerung per E-Mail",
        "Kurz",
    );
    let err = importer
        .import(&Actor::operator(), "stadt-ulm", short.as_bytes(), "")
        .await
        .unwrap_err();
    let ImportError::Rejected(preview) = &err else {
        panic!("{err:?}")
    };
    assert!(preview.report.valid(), "the file itself is valid");
    assert!(
        preview.rule_errors.contains_key("short_description"),
        "{:?}",
        preview.rule_errors
    );
    assert!(err.reasons()[0].starts_with("short_description"));
}
