//! One visibility rule on every read path: once a moderator hides an entry (or its
//! organisation), no page, API answer or import preview names or links it — a fork stays
//! visible and shows its origin as "Ursprung nicht öffentlich", and the hidden entry's own
//! pages and lineage answer 404.

use allmende_server::accounts::orgs::Hideable;
use allmende_server::accounts::{Accounts, Actor, Caller, Channel};
use allmende_server::services::entries::{Entries, EntryKind};
use allmende_server::services::import::{Importer, Outcome};
use app::data_model_rules::DataModelInput;
use app::entry_rules::SolutionInput;
use app::validation::{NewOrganisation, Registration};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::http::app;

/// The hidden origin's name and slug: neither may appear anywhere once it is hidden.
const NAME: &str = "Geheimer Melder";
const SLUG: &str = "geheimer-melder";
const MODEL_NAME: &str = "Geheimes Modell";
const MODEL_SLUG: &str = "geheimes-modell";
const REPOSITORY: &str = "https://gitlab.opencode.de/ulm/meldewesen";

const PASSWORD: &str = "gruene wiese am fluss";

async fn member(pool: &PgPool, email: &str, org: &str) -> Actor {
    let accounts = Accounts::new(pool.clone());
    let registration = Registration::parse("Jan", email, PASSWORD, PASSWORD).unwrap();
    let user = accounts
        .register(&registration, false, Channel::Web, &Caller::default())
        .await
        .unwrap();
    let new_org = NewOrganisation::parse(org, "stadt", "", "", "").unwrap();
    accounts
        .create_organisation(user, &new_org, Channel::Web, &Caller::default())
        .await
        .unwrap();
    accounts.actor(user).await.unwrap()
}

/// A site administrator hides these organisations and entries (the moderation service).
async fn hide(pool: &PgPool, items: &[(Hideable, &str)]) {
    let accounts = Accounts::new(pool.clone());
    let registration = Registration::parse(
        "Moderation",
        "moderation@allmende.example",
        PASSWORD,
        PASSWORD,
    )
    .unwrap();
    let user = accounts
        .register(&registration, true, Channel::Web, &Caller::default())
        .await
        .unwrap();
    let moderator = accounts.actor(user).await.unwrap();
    for (what, slug) in items {
        accounts
            .set_hidden(
                &moderator,
                *what,
                slug,
                true,
                Channel::Web,
                &Caller::default(),
            )
            .await
            .unwrap();
    }
}

fn origin() -> SolutionInput {
    SolutionInput {
        organisation: "stadt-ulm".into(),
        name: NAME.into(),
        short_description: "Schäden im Straßenraum online melden".into(),
        repository_url: REPOSITORY.into(),
        licence: "EUPL-1.2".into(),
        development_status: "stable".into(),
        software_type: "standalone/web".into(),
        maintenance_type: "internal".into(),
        ..Default::default()
    }
}

fn origin_model() -> DataModelInput {
    DataModelInput {
        organisation: "stadt-ulm".into(),
        name: MODEL_NAME.into(),
        short_description: "Meldungen mit Art und Ort".into(),
        domain: "verwaltung".into(),
        json_schema:
            r#"{"type": "object", "properties": {"art": {"type": "string"}}, "required": ["art"]}"#
                .into(),
        version: "1.0.0".into(),
        licence: "CC-BY-4.0".into(),
        ..Default::default()
    }
}

/// Forks a solution into `org` and renames the fork (a fork starts with its origin's name).
async fn fork_as(entries: &Entries, actor: &Actor, from: &str, org: &str, name: &str, slug: &str) {
    let fork = entries
        .fork(actor, EntryKind::Solution, from, org)
        .await
        .unwrap();
    let mut input = entries.solution_input(&fork).await.unwrap();
    input.name = name.into();
    input.slug = slug.into();
    input.change_message = "Eigener Name".into();
    entries.update_solution(actor, &fork, &input).await.unwrap();
}

/// Stadt Ulm publishes "Geheimer Melder" (and a data model); Bonn forks both, Kiel forks
/// Bonn's fork and uses Ulm's original. Nothing is hidden yet.
async fn scene(pool: &PgPool) -> Entries {
    let ulm = member(pool, "petra@ulm.example", "Stadt Ulm").await;
    let bonn = member(pool, "jan@bonn.example", "Stadt Bonn").await;
    let kiel = member(pool, "eva@kiel.example", "Stadt Kiel").await;
    let entries = Entries::new(pool.clone());
    entries.create_solution(&ulm, &origin()).await.unwrap();
    fork_as(
        &entries,
        &bonn,
        SLUG,
        "stadt-bonn",
        "Bonner Melder",
        "bonner-melder",
    )
    .await;
    fork_as(
        &entries,
        &kiel,
        "bonner-melder",
        "stadt-kiel",
        "Kieler Melder",
        "kieler-melder",
    )
    .await;
    let adoption = app::editing::AdoptionInput {
        organisation: "stadt-kiel".into(),
        status: "production".into(),
        since: "2026-02-01".into(),
        ..Default::default()
    };
    entries
        .adopt(&kiel, EntryKind::Solution, SLUG, &adoption)
        .await
        .unwrap();

    entries
        .create_data_model(&ulm, &origin_model())
        .await
        .unwrap();
    let model_fork = entries
        .fork(&bonn, EntryKind::DataModel, MODEL_SLUG, "stadt-bonn")
        .await
        .unwrap();
    let mut input = entries.data_model_input(&model_fork).await.unwrap();
    input.name = "Bonner Modell".into();
    input.slug = "bonner-modell".into();
    input.change_message = "Eigener Name".into();
    entries
        .update_data_model(&bonn, &model_fork, &input)
        .await
        .unwrap();
    entries
}

async fn get(router: &axum::Router, path: &str) -> (StatusCode, String) {
    let request = Request::get(path)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Asserts that `body` (of `path`) neither names nor links the hidden entries.
fn assert_unnamed(path: &str, body: &str) {
    for secret in [NAME, SLUG, MODEL_NAME, MODEL_SLUG] {
        assert!(
            !body.contains(secret),
            "{path} names or links „{secret}“:\n{body}"
        );
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_lineage_api_answers_404_for_a_hidden_entry_and_leaves_it_anonymous_in_its_forks(
    pool: PgPool,
) {
    scene(&pool).await;
    let router = app(pool.clone()).await;
    let (status, body) = get(&router, "/api/v1/solutions/kieler-melder/lineage").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains(NAME),
        "before hiding, the origin is named: {body}"
    );

    hide(
        &pool,
        &[
            (Hideable::Solution, SLUG),
            (Hideable::DataModel, MODEL_SLUG),
        ],
    )
    .await;
    assert_eq!(
        get(&router, &format!("/api/v1/solutions/{SLUG}/lineage"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(
            &router,
            &format!("/api/v1/data-models/{MODEL_SLUG}/lineage")
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    for path in [
        "/api/v1/solutions/bonner-melder/lineage",
        "/api/v1/solutions/kieler-melder/lineage",
        "/api/v1/data-models/bonner-modell/lineage",
    ] {
        let (status, body) = get(&router, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_unnamed(path, &body);
    }
    let (_, body) = get(&router, "/api/v1/solutions/kieler-melder/lineage").await;
    let nodes: serde_json::Value = serde_json::from_str(&body).unwrap();
    let shape: Vec<(&str, u64, bool)> = nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["slug"].as_str().unwrap(),
                n["depth"].as_u64().unwrap(),
                n["public"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("", 0, false),
            ("bonner-melder", 1, true),
            ("kieler-melder", 2, true)
        ],
        "the tree keeps its shape"
    );
    assert_eq!(nodes[0]["name"], "");
    assert_eq!(nodes[0]["organisation"], "");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_forks_reuse_and_detail_pages_show_a_hidden_origin_as_not_public(pool: PgPool) {
    scene(&pool).await;
    let router = app(pool.clone()).await;
    hide(
        &pool,
        &[
            (Hideable::Solution, SLUG),
            (Hideable::DataModel, MODEL_SLUG),
        ],
    )
    .await;
    for path in [
        "/loesungen/bonner-melder/nachnutzen",
        "/loesungen/kieler-melder/nachnutzen",
        "/datenmodelle/bonner-modell/nachnutzen",
    ] {
        let (status, body) = get(&router, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            body.contains("Ursprung nicht öffentlich"),
            "{path} shows the placeholder:\n{body}"
        );
        assert_unnamed(path, &body);
    }
    for path in [
        "/loesungen/bonner-melder",
        "/loesungen/kieler-melder",
        "/datenmodelle/bonner-modell",
        "/datenmodelle/bonner-modell/aenderungen",
    ] {
        let (status, body) = get(&router, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_unnamed(path, &body);
    }
    for path in [
        format!("/loesungen/{SLUG}"),
        format!("/loesungen/{SLUG}/nachnutzen"),
        format!("/datenmodelle/{MODEL_SLUG}/nachnutzen"),
    ] {
        assert_eq!(get(&router, &path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    // The schema diff against the origin has no public origin to compare with.
    assert_eq!(
        get(&router, "/api/v1/data-models/bonner-modell/diff")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_history_of_a_fork_does_not_name_its_hidden_origin(pool: PgPool) {
    scene(&pool).await;
    let router = app(pool.clone()).await;
    let (_, before) = get(&router, "/loesungen/bonner-melder/versionen").await;
    assert!(
        before.contains(&format!("Fork von {NAME} (Stadt Ulm)")),
        "{before}"
    );

    hide(
        &pool,
        &[
            (Hideable::Solution, SLUG),
            (Hideable::DataModel, MODEL_SLUG),
        ],
    )
    .await;
    for path in [
        "/loesungen/bonner-melder/versionen",
        "/datenmodelle/bonner-modell/versionen",
    ] {
        let (status, body) = get(&router, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            body.contains("Fork von: Ursprung nicht öffentlich"),
            "{path}:\n{body}"
        );
        assert_unnamed(path, &body);
    }
    for path in [
        format!("/loesungen/{SLUG}/versionen"),
        format!("/loesungen/{SLUG}/vergleich?von=1&bis=1"),
    ] {
        assert_eq!(get(&router, &path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_reuse_statistics_leave_out_the_entries_of_a_hidden_organisation(pool: PgPool) {
    scene(&pool).await;
    let router = app(pool.clone()).await;
    let (_, before) = get(&router, "/nachnutzung").await;
    assert!(
        before.contains(NAME),
        "ranked and adopted before hiding:\n{before}"
    );

    hide(&pool, &[(Hideable::Organisation, "stadt-ulm")]).await;
    let (status, body) = get(&router, "/nachnutzung").await;
    assert_eq!(status, StatusCode::OK);
    assert_unnamed("/nachnutzung", &body);
    assert!(
        !body.contains("Stadt Ulm"),
        "nor the hidden organisation:\n{body}"
    );
    assert!(body.contains("Kieler Melder"), "the visible forks stay");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn lists_organisation_pages_and_lineage_leave_out_a_hidden_organisation(pool: PgPool) {
    scene(&pool).await;
    let router = app(pool.clone()).await;
    hide(&pool, &[(Hideable::Organisation, "stadt-ulm")]).await;
    for path in [
        "/loesungen",
        "/datenmodelle",
        "/organisationen",
        "/organisationen/stadt-kiel",
        "/api/v1/solutions",
        "/api/v1/data-models",
        "/api/v1/organisations",
        "/api/v1/organisations/stadt-kiel",
        "/api/v1/solutions/kieler-melder",
        "/api/v1/solutions/kieler-melder/lineage",
        "/loesungen/kieler-melder/nachnutzen",
        "/loesungen/bonner-melder/versionen",
    ] {
        let (status, body) = get(&router, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_unnamed(path, &body);
        assert!(
            !body.contains("stadt-ulm") && !body.contains("Stadt Ulm"),
            "{path} names the hidden organisation:\n{body}"
        );
    }
    for path in [
        "/organisationen/stadt-ulm",
        "/api/v1/organisations/stadt-ulm",
        "/api/v1/solutions/geheimer-melder/lineage",
    ] {
        assert_eq!(get(&router, path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_import_preview_does_not_find_another_organisations_hidden_entry_by_repository(
    pool: PgPool,
) {
    // No forks here: they would carry the same repository URL and be found in its place.
    let ulm = member(&pool, "petra@ulm.example", "Stadt Ulm").await;
    member(&pool, "jan@jena.example", "Stadt Jena").await;
    Entries::new(pool.clone())
        .create_solution(&ulm, &origin())
        .await
        .unwrap();
    let file = format!(
        r#"publiccodeYmlVersion: "0"
name: Melder aus Jena
url: "{REPOSITORY}.git"
platforms:
  - web
categories:
  - digital-citizenship
developmentStatus: stable
softwareType: "standalone/web"
description:
  de:
    shortDescription: Schäden im Straßenraum online melden, mit Foto und Ort
    longDescription: |
      Bürgerinnen und Bürger melden Schäden im Straßenraum online, mit Foto und Ort auf der
      Karte. Die Verwaltung sieht alle Meldungen, leitet sie an die zuständige Stelle weiter
      und gibt Rückmeldung, sobald der Schaden behoben ist.
    features:
      - Schaden melden
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Jan Kruse
localisation:
  localisationReady: true
  availableLanguages:
    - de
"#
    );
    let importer = Importer::new(pool.clone());
    let before = importer
        .preview("stadt-jena", file.as_bytes())
        .await
        .unwrap();
    assert!(before.report.valid(), "{:?}", before.report.errors);
    assert_eq!(
        before.existing.map(|e| e.slug).as_deref(),
        Some(SLUG),
        "before hiding, the import would update the original"
    );

    hide(&pool, &[(Hideable::Solution, SLUG)]).await;
    let preview = importer
        .preview("stadt-jena", file.as_bytes())
        .await
        .unwrap();
    assert!(
        preview.existing.is_none(),
        "another organisation's hidden entry is not found: {:?}",
        preview.existing
    );
    let mapped = format!("{:?}", preview.mapped);
    assert_unnamed("the preview", &mapped);
    // Its own organisation still finds it (members manage what moderation hid).
    let own = importer
        .preview("stadt-ulm", file.as_bytes())
        .await
        .unwrap();
    assert_eq!(own.existing.map(|e| e.slug).as_deref(), Some(SLUG));
    // Importing for Jena creates Jena's own entry instead of refusing with the hidden one's name.
    let jena_token = allmende_server::cli::admin::run(
        allmende_server::cli::admin::AdminCommand::CreateToken {
            org: "stadt-jena".into(),
            name: "Import".into(),
        },
        &pool,
    )
    .await
    .unwrap();
    let router = app(pool.clone()).await;
    let request = Request::post("/api/v1/import/publiccode")
        .header(header::AUTHORIZATION, format!("Bearer {jena_token}"))
        .header(header::CONTENT_TYPE, "application/yaml")
        .body(Body::from(file.clone()))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let body = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes())
        .into_owned();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_unnamed("the import answer", &body);
    let outcome = importer
        .import(&Actor::operator(), "stadt-ulm", file.as_bytes(), "")
        .await
        .unwrap();
    assert!(
        matches!(outcome, Outcome::Updated { ref slug, .. } if slug == SLUG),
        "{outcome:?}"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn an_old_address_of_a_hidden_entry_does_not_redirect_to_its_new_one(pool: PgPool) {
    let ulm = member(&pool, "petra@ulm.example", "Stadt Ulm").await;
    let entries = Entries::new(pool.clone());
    entries.create_solution(&ulm, &origin()).await.unwrap();
    let renamed = SolutionInput {
        slug: "verborgene-meldestelle".into(),
        ..origin()
    };
    entries.update_solution(&ulm, SLUG, &renamed).await.unwrap();
    let router = app(pool.clone()).await;
    assert_eq!(
        get(&router, &format!("/loesungen/{SLUG}")).await.0,
        StatusCode::PERMANENT_REDIRECT
    );

    hide(&pool, &[(Hideable::Solution, "verborgene-meldestelle")]).await;
    let request = Request::get(format!("/loesungen/{SLUG}/versionen"))
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response.headers().get(header::LOCATION).is_none(),
        "the new address stays unknown"
    );
}
