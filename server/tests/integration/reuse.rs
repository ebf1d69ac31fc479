//! Data model compatibility on a real database: breaking schema changes need a new major
//! version, the compatibility page and API list the changes, payloads are checked with paths.

use allmende_server::accounts::{Accounts, Actor, Caller, Channel};
use allmende_server::services::entries::Entries;
use app::data_model_rules::DataModelInput;
use app::validation::{FieldError, NewOrganisation, Registration};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::http::app;

const SCHEMA: &str = r#"{"type": "object", "properties": {"art": {"type": "string"}, "hoehe_m": {"type": "number"}}, "required": ["art"]}"#;

async fn publisher(pool: &PgPool) -> Actor {
    let accounts = Accounts::new(pool.clone());
    let user = accounts
        .register(
            &Registration::parse(
                "Petra",
                "petra@ulm.example",
                "gruene wiese am fluss",
                "gruene wiese am fluss",
            )
            .unwrap(),
            false,
            Channel::Web,
            &Caller::default(),
        )
        .await
        .unwrap();
    accounts
        .create_organisation(
            user,
            &NewOrganisation::parse("Stadt Ulm", "stadt", "BW", "", "").unwrap(),
            Channel::Web,
            &Caller::default(),
        )
        .await
        .unwrap();
    accounts.actor(user).await.unwrap()
}

fn model(schema: &str, version: &str) -> DataModelInput {
    DataModelInput {
        organisation: "stadt-ulm".into(),
        name: "Baumkataster".into(),
        short_description: "Bäume einer Stadt mit Art und Höhe".into(),
        domain: "umwelt".into(),
        json_schema: schema.into(),
        version: version.into(),
        licence: "CC-BY-4.0".into(),
        ..DataModelInput::default()
    }
}

async fn request(
    router: &axum::Router,
    method: &str,
    path: &str,
    body: &str,
) -> (StatusCode, String) {
    let response = router
        .clone()
        .oneshot(
            Request::builder()
                .method(method)
                .uri(path)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_breaking_change_needs_a_new_major_version(pool: PgPool) {
    let actor = publisher(&pool).await;
    let entries = Entries::new(pool.clone());
    entries
        .create_data_model(&actor, &model(SCHEMA, "1.0.0"))
        .await
        .unwrap();
    // Adding an optional field is compatible: a minor version is enough.
    let added = r#"{"type": "object", "properties": {"art": {"type": "string"}, "hoehe_m": {"type": "number"}, "foto": {"type": "string"}}, "required": ["art"]}"#;
    entries
        .update_data_model(&actor, "baumkataster", &model(added, "1.1.0"))
        .await
        .unwrap();
    // Removing a field breaks users: refused without a new major version, with the reason.
    let removed = r#"{"type": "object", "properties": {"art": {"type": "string"}, "foto": {"type": "string"}}, "required": ["art"]}"#;
    let refused = entries
        .update_data_model(&actor, "baumkataster", &model(removed, "1.2.0"))
        .await;
    match refused {
        Err(allmende_server::services::entries::EntryError::Invalid(errors)) => {
            match errors.get("version") {
                Some(FieldError::BreakingNeedsMajor {
                    count: 1,
                    next_major: 2,
                    first_de,
                    ..
                }) => assert!(first_de.contains("hoehe_m")),
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    entries
        .update_data_model(&actor, "baumkataster", &model(removed, "2.0.0"))
        .await
        .unwrap();
    let router = app(pool.clone()).await;
    let (status, page) = request(
        &router,
        "GET",
        "/datenmodelle/baumkataster/aenderungen?von=2&bis=3",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Feld „hoehe_m“ entfernt") && page.contains("inkompatibel"),
        "{page}"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn payloads_are_checked_with_the_paths_of_their_errors(pool: PgPool) {
    let actor = publisher(&pool).await;
    Entries::new(pool.clone())
        .create_data_model(&actor, &model(SCHEMA, "1.0.0"))
        .await
        .unwrap();
    let router = app(pool.clone()).await;
    let (status, body) = request(
        &router,
        "POST",
        "/api/v1/data-models/baumkataster/validate",
        r#"{"art": "Linde", "hoehe_m": 12}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["valid"], true);
    let (_, body) = request(
        &router,
        "POST",
        "/api/v1/data-models/baumkataster/validate",
        r#"{"hoehe_m": "hoch"}"#,
    )
    .await;
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["valid"], false);
    let paths: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"/hoehe_m") && paths.contains(&""),
        "{paths:?}"
    );
    let (status, _) = request(
        &router,
        "POST",
        "/api/v1/data-models/baumkataster/validate",
        "{kaputt",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        request(
            &router,
            "POST",
            "/api/v1/data-models/gibt-es-nicht/validate",
            "{}"
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // The page does the same without JavaScript.
    let form = serde_urlencoded::to_string([("payload", r#"{"art": 5}"#)]).unwrap();
    let response = router
        .clone()
        .oneshot(
            Request::post("/datenmodelle/baumkataster/pruefen")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes())
        .into_owned();
    assert!(
        html.contains("<code>/art</code>"),
        "the error's path is shown"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_diff_api_compares_a_fork_with_its_origin(pool: PgPool) {
    let actor = publisher(&pool).await;
    let entries = Entries::new(pool.clone());
    entries
        .create_data_model(&actor, &model(SCHEMA, "1.0.0"))
        .await
        .unwrap();
    let mut fork = model(
        r#"{"type": "object", "properties": {"art": {"type": "integer"}}, "required": ["art"]}"#,
        "1.0.0",
    );
    fork.name = "Baumkataster Nord".into();
    entries.create_data_model(&actor, &fork).await.unwrap();
    sqlx::query("update data_models set forked_from = (select id from data_models where slug = 'baumkataster') where slug = 'baumkataster-nord'")
        .execute(&pool)
        .await
        .unwrap();
    let router = app(pool.clone()).await;
    let (status, body) = request(
        &router,
        "GET",
        "/api/v1/data-models/baumkataster-nord/diff",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["against"], "baumkataster");
    assert_eq!(report["breaking"], true);
    let kinds: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"type_changed") && kinds.contains(&"property_removed"),
        "{kinds:?}"
    );
    let (_, page) = request(
        &router,
        "GET",
        "/datenmodelle/baumkataster-nord/aenderungen",
        "",
    )
    .await;
    assert!(page.contains("Änderungen gegenüber dem Original"));
    assert_eq!(
        request(&router, "GET", "/api/v1/data-models/baumkataster/diff", "")
            .await
            .0,
        StatusCode::NOT_FOUND,
        "no origin, no default"
    );
}

async fn member(pool: &PgPool, email: &str, org: &str) -> Actor {
    let accounts = Accounts::new(pool.clone());
    let user = accounts
        .register(
            &Registration::parse(
                "Jan",
                email,
                "gruene wiese am fluss",
                "gruene wiese am fluss",
            )
            .unwrap(),
            false,
            Channel::Web,
            &Caller::default(),
        )
        .await
        .unwrap();
    accounts
        .create_organisation(
            user,
            &NewOrganisation::parse(org, "stadt", "", "", "").unwrap(),
            Channel::Web,
            &Caller::default(),
        )
        .await
        .unwrap();
    accounts.actor(user).await.unwrap()
}

fn solution() -> app::entry_rules::SolutionInput {
    app::entry_rules::SolutionInput {
        organisation: "stadt-ulm".into(),
        name: "Mängelmelder".into(),
        short_description: "Schäden im Straßenraum melden".into(),
        repository_url: "https://gitlab.opencode.de/ulm/melder".into(),
        licence: "EUPL-1.2".into(),
        development_status: "stable".into(),
        software_type: "standalone/web".into(),
        maintenance_type: "internal".into(),
        ..Default::default()
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_fork_of_a_fork_keeps_the_whole_lineage(pool: PgPool) {
    let ulm = publisher(&pool).await;
    let bonn = member(&pool, "jan@bonn.example", "Stadt Bonn").await;
    let kiel = member(&pool, "eva@kiel.example", "Stadt Kiel").await;
    let entries = Entries::new(pool.clone());
    entries.create_solution(&ulm, &solution()).await.unwrap();
    let refused = entries
        .fork(
            &ulm,
            allmende_server::services::entries::EntryKind::Solution,
            "maengelmelder",
            "stadt-ulm",
        )
        .await;
    assert!(
        matches!(
            refused,
            Err(allmende_server::services::entries::EntryError::Invalid(_))
        ),
        "no fork into the owner"
    );
    let bonn_fork = entries
        .fork(
            &bonn,
            allmende_server::services::entries::EntryKind::Solution,
            "maengelmelder",
            "stadt-bonn",
        )
        .await
        .unwrap();
    let kiel_fork = entries
        .fork(
            &kiel,
            allmende_server::services::entries::EntryKind::Solution,
            &bonn_fork,
            "stadt-kiel",
        )
        .await
        .unwrap();
    let message: String = sqlx::query_scalar("select v.message from revisions v join solutions s on s.id = v.solution_id where s.slug = $1")
        .bind(&kiel_fork)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(message, "Fork von Mängelmelder (Stadt Bonn)");
    let lineage = entries
        .lineage(
            allmende_server::services::entries::EntryKind::Solution,
            &kiel_fork,
        )
        .await
        .unwrap();
    let shape: Vec<(&str, usize, bool)> = lineage
        .iter()
        .map(|n| (n.organisation.as_str(), n.depth, n.current))
        .collect();
    assert_eq!(
        shape,
        [
            ("Stadt Ulm", 0, false),
            ("Stadt Bonn", 1, false),
            ("Stadt Kiel", 2, true)
        ]
    );
    let router = app(pool.clone()).await;
    let (_, page) = request(&router, "GET", "/loesungen/maengelmelder/nachnutzen", "").await;
    assert!(
        page.contains("Stadt Kiel") && page.contains("<svg"),
        "the tree shows every generation, as list and graph"
    );
    let (_, fork_page) = request(&router, "GET", &format!("/loesungen/{kiel_fork}"), "").await;
    assert!(
        fork_page.contains("Mängelmelder") && fork_page.contains("/loesungen/"),
        "the fork names its origin"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn adoptions_are_recorded_changed_withdrawn_and_counted_once(pool: PgPool) {
    let ulm = publisher(&pool).await;
    let bonn = member(&pool, "jan@bonn.example", "Stadt Bonn").await;
    let entries = Entries::new(pool.clone());
    let kind = allmende_server::services::entries::EntryKind::Solution;
    entries.create_solution(&ulm, &solution()).await.unwrap();
    let adoption = app::editing::AdoptionInput {
        organisation: "stadt-bonn".into(),
        status: "pilot".into(),
        since: "2026-03-01".into(),
        contact_name: "Jan Kruse".into(),
        ..Default::default()
    };
    let bad = app::editing::AdoptionInput {
        since: "März".into(),
        status: "läuft".into(),
        ..adoption.clone()
    };
    match entries.adopt(&bonn, kind, "maengelmelder", &bad).await {
        Err(allmende_server::services::entries::EntryError::Invalid(errors)) => {
            assert!(errors.contains_key("since") && errors.contains_key("status"))
        }
        other => panic!("{other:?}"),
    }
    let foreign = app::editing::AdoptionInput {
        organisation: "stadt-ulm".into(),
        ..adoption.clone()
    };
    assert!(
        entries
            .adopt(&bonn, kind, "maengelmelder", &foreign)
            .await
            .is_err(),
        "only for one's own organisation"
    );
    entries
        .adopt(&bonn, kind, "maengelmelder", &adoption)
        .await
        .unwrap();
    entries
        .adopt(
            &bonn,
            kind,
            "maengelmelder",
            &app::editing::AdoptionInput {
                status: "production".into(),
                ..adoption.clone()
            },
        )
        .await
        .unwrap();
    entries
        .fork(&bonn, kind, "maengelmelder", "stadt-bonn")
        .await
        .unwrap();
    let (status, count): (String, i32) = sqlx::query_as(
        "select a.status, r.reuse_count from adoptions a join solutions s on s.id = a.solution_id join solution_reuse r on r.solution_id = s.id where s.slug = 'maengelmelder'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (status.as_str(), count),
        ("production", 1),
        "adopting and forking count the organisation once"
    );
    let router = app(pool.clone()).await;
    let (_, page) = request(&router, "GET", "/loesungen/maengelmelder", "").await;
    assert!(
        page.contains("Stadt Bonn") && page.contains("Produktivbetrieb"),
        "the adopter is listed"
    );
    entries
        .withdraw(&bonn, kind, "maengelmelder", "stadt-bonn")
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("select count(*) from adoptions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_api_forks_adopts_and_tells_the_lineage(pool: PgPool) {
    let ulm = publisher(&pool).await;
    member(&pool, "jan@bonn.example", "Stadt Bonn").await;
    Entries::new(pool.clone())
        .create_solution(&ulm, &solution())
        .await
        .unwrap();
    let token = allmende_server::cli::admin::run(
        allmende_server::cli::admin::AdminCommand::CreateToken {
            org: "stadt-bonn".into(),
            name: "Bonn".into(),
        },
        &pool,
    )
    .await
    .unwrap();
    let router = app(pool.clone()).await;
    let call = |method: &'static str, path: &'static str, body: &'static str| {
        let router = router.clone();
        let token = token.clone();
        async move {
            let response = router
                .oneshot(
                    Request::builder()
                        .method(method)
                        .uri(path)
                        .header(header::AUTHORIZATION, format!("Bearer {token}"))
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await
                .unwrap();
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    let (status, body) = call(
        "PUT",
        "/api/v1/solutions/maengelmelder/adoption",
        r#"{"status": "production", "since": "2026-01-15"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = call("POST", "/api/v1/solutions/maengelmelder/fork", "").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = request(
        &router,
        "GET",
        "/api/v1/solutions/maengelmelder/lineage",
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let nodes: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(nodes.as_array().unwrap().len(), 2);
    assert_eq!(nodes[1]["organisation"], "Stadt Bonn");
    assert_eq!(nodes[1]["depth"], 1);
    let (status, _) = call("DELETE", "/api/v1/solutions/maengelmelder/adoption", "").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let adoptions: i64 = sqlx::query_scalar("select count(*) from adoptions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(adoptions, 0);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_reuse_page_ranks_entries_and_counts_by_state(pool: PgPool) {
    allmende_server::demo::load(&pool).await.unwrap();
    let stats = allmende_server::services::reuse::reuse_stats(&pool)
        .await
        .unwrap();
    assert!(
        !stats.top_solutions.is_empty()
            && !stats.by_state.is_empty()
            && !stats.newest_adoptions.is_empty()
    );
    assert!(
        stats
            .top_solutions
            .windows(2)
            .all(|w| w[0].reuse_count >= w[1].reuse_count),
        "ranked by reuse"
    );
    let total: i64 = stats.by_state.iter().map(|(_, n)| n).sum();
    let (facts,): (i64,) = sqlx::query_as(
        r#"select (select count(*) from adoptions a join organisations o on o.id = a.organisation_id where o.bundesland is not null)
                + (select count(*) from solutions s join organisations o on o.id = s.organisation_id where s.forked_from is not null and o.bundesland is not null)
                + (select count(*) from data_models d join organisations o on o.id = d.organisation_id where d.forked_from is not null and o.bundesland is not null)"#,
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        total, facts,
        "every fork and adoption counted once, by its organisation's Land"
    );
    let router = app(pool.clone()).await;
    let (status, page) = request(&router, "GET", "/nachnutzung", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<svg")
            && page.contains("Nachnutzung nach Bundesland")
            && page.contains("<table")
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn places_like_mine_come_first_and_providers_are_listed(pool: PgPool) {
    let ulm = publisher(&pool).await;
    let bonn = member(&pool, "jan@bonn.example", "Stadt Bonn").await;
    let kiel = member(&pool, "eva@kiel.example", "Stadt Kiel").await;
    sqlx::query("update organisations set bundesland = 'NW', size_class = '100000_bis_500000' where slug = 'stadt-bonn'").execute(&pool).await.unwrap();
    sqlx::query("update organisations set bundesland = 'SH', size_class = '100000_bis_500000' where slug = 'stadt-kiel'").execute(&pool).await.unwrap();
    let entries = Entries::new(pool.clone());
    let kind = allmende_server::services::entries::EntryKind::Solution;
    entries.create_solution(&ulm, &solution()).await.unwrap();
    for (actor, org) in [(&bonn, "stadt-bonn"), (&kiel, "stadt-kiel")] {
        let adoption = app::editing::AdoptionInput {
            organisation: org.into(),
            status: "production".into(),
            since: "2026-01-01".into(),
            ..Default::default()
        };
        entries
            .adopt(actor, kind, "maengelmelder", &adoption)
            .await
            .unwrap();
    }
    let router = app(pool.clone()).await;
    let order = |page: &str| {
        (
            page.find("Stadt Kiel").unwrap(),
            page.find("Stadt Bonn").unwrap(),
        )
    };
    let (_, sh_first) = request(&router, "GET", "/loesungen/maengelmelder?land=SH", "").await;
    let (kiel_at, bonn_at) = order(&sh_first);
    assert!(
        kiel_at < bonn_at,
        "Kiel (SH) comes first for a visitor from Schleswig-Holstein"
    );
    let (_, nw_first) = request(&router, "GET", "/loesungen/maengelmelder?land=NW", "").await;
    let (kiel_at, bonn_at) = order(&nw_first);
    assert!(
        bonn_at < kiel_at,
        "Bonn (NW) comes first for a visitor from NRW"
    );
    assert!(nw_first.contains("Ähnlich wie Ihre Kommune: Stadt Bonn"));
    // An IT provider offers hosting and support.
    entries
        .offer_services(
            &kiel,
            "maengelmelder",
            "stadt-kiel",
            &["hosting".into(), "support".into()],
            "auch für kleine Gemeinden",
        )
        .await
        .unwrap();
    assert!(
        entries
            .offer_services(&kiel, "maengelmelder", "stadt-kiel", &["kochen".into()], "")
            .await
            .is_err()
    );
    let (_, page) = request(&router, "GET", "/loesungen/maengelmelder", "").await;
    assert!(
        page.contains("Wer kann das betreiben?") && page.contains("Betrieb und Hosting, Support"),
        "the offer is listed"
    );
    entries
        .offer_services(&kiel, "maengelmelder", "stadt-kiel", &[], "")
        .await
        .unwrap();
    let offers: i64 = sqlx::query_scalar("select count(*) from service_offers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(offers, 0, "no ticks withdraw the offer");
}
