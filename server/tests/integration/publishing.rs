//! Publishing solutions through the web forms, on a real database: validation with values
//! kept, revisions, slugs and permanent redirects, other organisations locked out, Markdown
//! rendered inert, restoring and archiving.

use allmende_server::accounts::{Accounts, Caller, Channel};
use allmende_server::services::entries::{Entries, EntryKind};
use app::entry_rules::SolutionInput;
use app::validation::{NewOrganisation, Registration};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::http::app;

const PASSWORD: &str = "gruene wiese am fluss";

struct Answer {
    status: StatusCode,
    location: String,
    body: String,
}

async fn send(
    router: &axum::Router,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> Answer {
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
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
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
    let answer = send(
        router,
        "POST",
        "/anmelden",
        &[("email", email), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let request = Request::post("/anmelden")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(
            serde_urlencoded::to_string([("email", email), ("password", PASSWORD)]).unwrap(),
        ))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

fn form<'a>(org: &'a str, name: &'a str, short: &'a str, long: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("organisation", org),
        ("name", name),
        ("short_description", short),
        ("long_description", long),
        ("repository_url", "https://gitlab.opencode.de/ulm/melder"),
        ("licence", "EUPL-1.2"),
        ("development_status", "beta"),
        ("software_type", "standalone/web"),
        ("maintenance_type", "internal"),
        ("categories", "digital-citizenship"),
        ("categories", "data-collection"),
        ("tags", "Straße, Schäden"),
        ("features", "Foto hochladen\nOrt auf der Karte"),
    ]
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_solution_is_published_with_its_first_revision(pool: PgPool) {
    let router = app(pool.clone()).await;
    let cookie = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    let answer = send(
        &router,
        "POST",
        "/loesungen/neu",
        &form(
            "stadt-ulm",
            "Mängelmelder",
            "Schäden im Straßenraum melden",
            "Text",
        ),
        &cookie,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location, "/loesungen/maengelmelder?gespeichert=1");
    let page = send(&router, "GET", "/loesungen/maengelmelder", &[], &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Schäden im Straßenraum melden"));
    assert!(
        page.body.contains("/loesungen/maengelmelder/bearbeiten"),
        "members see the edit link"
    );
    let (categories, tags, features): (Vec<String>, Vec<String>, Vec<String>) = sqlx::query_as(
        "select categories, tags, features from solutions where slug = 'maengelmelder'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(categories, ["digital-citizenship", "data-collection"]);
    assert_eq!(tags, ["Straße", "Schäden"]);
    assert_eq!(features, ["Foto hochladen", "Ort auf der Karte"]);
    let (number, message, author): (i32, String, Option<String>) = sqlx::query_as(
        "select v.number, v.message, u.display_name from revisions v left join users u on u.id = v.author_id join solutions s on s.id = v.solution_id where s.slug = 'maengelmelder'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (number, message.as_str(), author.as_deref()),
        (1, "Veröffentlicht", Some("Petra"))
    );
    // The same name again gets the next free slug.
    let again = send(
        &router,
        "POST",
        "/loesungen/neu",
        &form(
            "stadt-ulm",
            "Mängelmelder",
            "Noch ein Mängelmelder für Ulm",
            "",
        ),
        &cookie,
    )
    .await;
    assert_eq!(again.location, "/loesungen/maengelmelder-2?gespeichert=1");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_form_with_errors_comes_back_with_every_value(pool: PgPool) {
    let router = app(pool.clone()).await;
    let cookie = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    let mut fields = form(
        "stadt-ulm",
        "Mängelmelder",
        "kurz",
        "Lange Beschreibung bleibt erhalten",
    );
    fields.retain(|(k, _)| *k != "repository_url");
    fields.push(("repository_url", "javascript:alert(1)"));
    fields.push(("licence", "Quatsch-1.0"));
    let answer = send(&router, "POST", "/loesungen/neu", &fields, &cookie).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer
            .body
            .contains("Bitte mindestens 10 Zeichen eingeben.")
    );
    assert!(
        answer
            .body
            .contains("Bitte eine Adresse eingeben, die mit https:// oder http:// beginnt.")
    );
    assert!(answer.body.contains("SPDX-Lizenzangabe"));
    assert!(answer.body.contains(r#"value="Mängelmelder""#));
    assert!(answer.body.contains("Lange Beschreibung bleibt erhalten"));
    assert!(answer.body.contains(r#"value="Straße, Schäden""#));
    assert!(answer.body.contains("Foto hochladen\nOrt auf der Karte"));
    let (count,): (i64,) = sqlx::query_as("select count(*) from solutions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
    // Licence verdicts: a non-open licence is named plainly.
    let mut closed = form("stadt-ulm", "Mängelmelder", "kurz", "");
    closed.retain(|(k, _)| *k != "licence");
    closed.push(("licence", "CC-BY-NC-4.0"));
    let answer = send(&router, "POST", "/loesungen/neu", &closed, &cookie).await;
    assert!(
        answer.body.contains("Open-Washing"),
        "the form warns about a non-open licence"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_changed_slug_redirects_permanently_and_history_compares(pool: PgPool) {
    let router = app(pool.clone()).await;
    let cookie = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    send(
        &router,
        "POST",
        "/loesungen/neu",
        &form(
            "stadt-ulm",
            "Mängelmelder",
            "Schäden im Straßenraum melden",
            "eins\nzwei",
        ),
        &cookie,
    )
    .await;
    let mut edited = form(
        "stadt-ulm",
        "Mängelmelder Ulm",
        "Schäden melden, mit Foto und Ort",
        "eins\ndrei",
    );
    edited.push(("slug", "maengelmelder-ulm"));
    edited.push(("change_message", "Name geschärft"));
    let answer = send(
        &router,
        "POST",
        "/loesungen/maengelmelder/bearbeiten",
        &edited,
        &cookie,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(
        answer.location,
        "/loesungen/maengelmelder-ulm?gespeichert=1"
    );
    let old = send(&router, "GET", "/loesungen/maengelmelder", &[], "").await;
    assert_eq!(old.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(old.location, "/loesungen/maengelmelder-ulm");
    let old_history = send(
        &router,
        "GET",
        "/loesungen/maengelmelder/versionen",
        &[],
        "",
    )
    .await;
    assert_eq!(
        old_history.location,
        "/loesungen/maengelmelder-ulm/versionen"
    );
    // The old slug stays reserved for its entry.
    let taken = send(
        &router,
        "POST",
        "/loesungen/neu",
        &[
            form("stadt-ulm", "Anderes", "Etwas ganz anderes hier", ""),
            vec![("slug", "maengelmelder")],
        ]
        .concat(),
        &cookie,
    )
    .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("schon vergeben"));
    let history = send(
        &router,
        "GET",
        "/loesungen/maengelmelder-ulm/versionen",
        &[],
        "",
    )
    .await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("Name geschärft"));
    let compare = send(
        &router,
        "GET",
        "/loesungen/maengelmelder-ulm/vergleich?von=1&bis=2",
        &[],
        "",
    )
    .await;
    assert_eq!(compare.status, StatusCode::OK);
    assert!(
        compare.body.contains("<code>name</code>")
            && compare.body.contains("<code>long_description</code>")
    );
    assert!(
        compare.body.contains("+ drei") && compare.body.contains("- zwei"),
        "Markdown is compared line by line"
    );
    assert!(
        !compare.body.contains("<code>licence</code>"),
        "unchanged fields are not listed"
    );
    // Restoring version 1 writes version 3 with the old content (the address stays).
    let restored = send(
        &router,
        "POST",
        "/loesungen/maengelmelder-ulm/wiederherstellen",
        &[("version", "1")],
        &cookie,
    )
    .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    let (name, numbers): (String, Vec<i32>) = sqlx::query_as(
        "select s.name, array_agg(v.number order by v.number) from solutions s join revisions v on v.solution_id = s.id where s.slug = 'maengelmelder-ulm' group by s.name",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((name.as_str(), numbers), ("Mängelmelder", vec![1, 2, 3]));
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn members_of_other_organisations_cannot_edit(pool: PgPool) {
    let router = app(pool.clone()).await;
    let ulm = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    let bonn = member_of(&pool, &router, "jan@bonn.example", "Stadt Bonn").await;
    send(
        &router,
        "POST",
        "/loesungen/neu",
        &form(
            "stadt-ulm",
            "Mängelmelder",
            "Schäden im Straßenraum melden",
            "",
        ),
        &ulm,
    )
    .await;
    let page = send(
        &router,
        "GET",
        "/loesungen/maengelmelder/bearbeiten",
        &[],
        &bonn,
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let post = send(
        &router,
        "POST",
        "/loesungen/maengelmelder/bearbeiten",
        &form("stadt-bonn", "Gekapert", "Das gehört jetzt Bonn, oder?", ""),
        &bonn,
    )
    .await;
    assert_eq!(post.status, StatusCode::FORBIDDEN);
    // Publishing for someone else's organisation is refused on the field.
    let foreign = send(
        &router,
        "POST",
        "/loesungen/neu",
        &form(
            "stadt-ulm",
            "Fremd",
            "Für eine fremde Stadt veröffentlicht",
            "",
        ),
        &bonn,
    )
    .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(foreign.body.contains("Organisation, der Sie angehören"));
    assert_eq!(
        send(
            &router,
            "POST",
            "/loesungen/maengelmelder/wiederherstellen",
            &[("version", "1")],
            &bonn
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(
            &router,
            "POST",
            "/loesungen/maengelmelder/archiv",
            &[("archived", "true")],
            &bonn
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let (name, revisions): (String, i64) = sqlx::query_as(
        "select name, (select count(*) from revisions) from solutions where slug = 'maengelmelder'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((name.as_str(), revisions), ("Mängelmelder", 1));
    assert_eq!(
        send(&router, "GET", "/loesungen/neu", &[], "").await.status,
        StatusCode::SEE_OTHER,
        "anonymous visitors log in first"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn restoring_or_editing_without_the_right_shows_nothing_of_the_entry(pool: PgPool) {
    let router = app(pool.clone()).await;
    let ulm = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    let bonn = member_of(&pool, &router, "jan@bonn.example", "Stadt Bonn").await;
    let secret = "Interner Vermerk: Zugangsdaten im Wiki";
    send(
        &router,
        "POST",
        "/loesungen/neu",
        &form(
            "stadt-ulm",
            "Mängelmelder",
            "Schäden im Straßenraum melden",
            secret,
        ),
        &ulm,
    )
    .await;
    // An old version that today's rules refuse would be opened in the form on restore.
    sqlx::query("update revisions set snapshot = jsonb_set(snapshot, '{short_description}', '\"zu kurz\"') where number = 1")
        .execute(&pool)
        .await
        .unwrap();
    let restore = send(
        &router,
        "POST",
        "/loesungen/maengelmelder/wiederherstellen",
        &[("version", "1")],
        &bonn,
    )
    .await;
    assert_eq!(restore.status, StatusCode::FORBIDDEN);
    assert!(
        !restore.body.contains(secret),
        "the old version is not shown to someone who may not restore it"
    );
    // Field checks come after the right too: an invalid edit by an outsider is 403, not 422.
    let invalid = send(
        &router,
        "POST",
        "/loesungen/maengelmelder/bearbeiten",
        &form("stadt-bonn", "X", "kurz", ""),
        &bonn,
    )
    .await;
    assert_eq!(invalid.status, StatusCode::FORBIDDEN);
    // The owner is told that the old version no longer passes today's rules.
    let own = send(
        &router,
        "POST",
        "/loesungen/maengelmelder/wiederherstellen",
        &[("version", "1")],
        &ulm,
    )
    .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn markdown_with_scripts_renders_inert(pool: PgPool) {
    let router = app(pool.clone()).await;
    let cookie = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    let evil = "Hallo <script>alert(1)</script>\n\n[Klick](javascript:alert(2))\n\n<img src=x onerror=\"alert(3)\">\n\n<a href=\"#\" onclick=\"alert(4)\">x</a>";
    let answer = send(
        &router,
        "POST",
        "/loesungen/neu",
        &form(
            "stadt-ulm",
            "Mängelmelder",
            "Schäden im Straßenraum melden",
            evil,
        ),
        &cookie,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let page = send(&router, "GET", "/loesungen/maengelmelder", &[], "").await;
    let main = page.body.split("<main").nth(1).unwrap();
    for bad in ["<script>alert", "javascript:", "onerror", "onclick"] {
        assert!(!main.contains(bad), "{bad} survived");
    }
    assert!(main.contains("Hallo"));
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn archived_solutions_leave_lists_and_come_back(pool: PgPool) {
    let router = app(pool.clone()).await;
    let cookie = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    send(
        &router,
        "POST",
        "/loesungen/neu",
        &form(
            "stadt-ulm",
            "Mängelmelder",
            "Schäden im Straßenraum melden",
            "",
        ),
        &cookie,
    )
    .await;
    let archived = send(
        &router,
        "POST",
        "/loesungen/maengelmelder/archiv",
        &[("archived", "true")],
        &cookie,
    )
    .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER);
    assert!(
        !send(&router, "GET", "/loesungen", &[], "")
            .await
            .body
            .contains("Mängelmelder"),
        "archived entries leave the list"
    );
    let page = send(&router, "GET", "/loesungen/maengelmelder", &[], "").await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "the page stays, marked as archived"
    );
    send(
        &router,
        "POST",
        "/loesungen/maengelmelder/archiv",
        &[("archived", "false")],
        &cookie,
    )
    .await;
    assert!(
        send(&router, "GET", "/loesungen", &[], "")
            .await
            .body
            .contains("Mängelmelder")
    );
    let entries = Entries::new(pool.clone());
    assert_eq!(
        entries
            .revisions(EntryKind::Solution, "maengelmelder")
            .await
            .unwrap()
            .len(),
        1,
        "archiving is not a content change"
    );
    let input: SolutionInput = entries.solution_input("maengelmelder").await.unwrap();
    assert_eq!(input.categories, ["digital-citizenship", "data-collection"]);
}

async fn api(
    router: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let (status, _, json) = api_with_headers(router, method, path, token, &[], body).await;
    (status, json)
}

/// An API call with extra request headers: status, answer headers and JSON body.
async fn api_with_headers(
    router: &axum::Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: &serde_json::Value,
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_api_writes_with_a_token_and_the_same_rules(pool: PgPool) {
    let router = app(pool.clone()).await;
    member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    member_of(&pool, &router, "jan@bonn.example", "Stadt Bonn").await;
    let ulm_token = allmende_server::cli::admin::run(
        allmende_server::cli::admin::AdminCommand::CreateToken {
            org: "stadt-ulm".into(),
            name: "Fachverfahren".into(),
        },
        &pool,
    )
    .await
    .unwrap();
    let bonn_token = allmende_server::cli::admin::run(
        allmende_server::cli::admin::AdminCommand::CreateToken {
            org: "stadt-bonn".into(),
            name: "Bonn".into(),
        },
        &pool,
    )
    .await
    .unwrap();
    let solution = serde_json::json!({
        "name": "Mängelmelder",
        "short_description": "Schäden im Straßenraum melden",
        "repository_url": "https://gitlab.opencode.de/ulm/melder",
        "licence": "EUPL-1.2",
        "development_status": "beta",
        "software_type": "standalone/web",
        "maintenance_type": "internal",
        "tags": ["Straße", "Schäden"]
    });
    let (status, body) = api(&router, "POST", "/api/v1/solutions", None, &solution).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = api(
        &router,
        "POST",
        "/api/v1/solutions",
        Some(&ulm_token),
        &solution,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["slug"], "maengelmelder");
    let owner: String = sqlx::query_scalar(
        "select o.slug from solutions s join organisations o on o.id = s.organisation_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        owner, "stadt-ulm",
        "the token's organisation owns the entry"
    );
    // Unknown fields and broken rules: 422 with the fields named.
    let mut unknown = solution.clone();
    unknown["colour"] = serde_json::json!("blau");
    let (status, body) = api(
        &router,
        "POST",
        "/api/v1/solutions",
        Some(&ulm_token),
        &unknown,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["colour"].is_string(), "{body}");
    let mut broken = solution.clone();
    broken["short_description"] = serde_json::json!("kurz");
    broken["licence"] = serde_json::json!("Quatsch");
    broken["maintenance_type"] = serde_json::json!("contract");
    let (status, body) = api(
        &router,
        "POST",
        "/api/v1/solutions",
        Some(&ulm_token),
        &broken,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["short_description", "licence", "contractors"] {
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    // Updates: the owner's token may, another organisation's may not.
    let mut changed = solution.clone();
    changed["short_description"] = serde_json::json!("Schäden melden, mit Foto und Ort");
    let (status, _) = api(
        &router,
        "PUT",
        "/api/v1/solutions/maengelmelder",
        Some(&bonn_token),
        &changed,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = api(
        &router,
        "PUT",
        "/api/v1/solutions/maengelmelder",
        Some(&ulm_token),
        &changed,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = api(
        &router,
        "PUT",
        "/api/v1/solutions/gibt-es-nicht",
        Some(&ulm_token),
        &changed,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let messages: Vec<String> = sqlx::query_scalar("select message from revisions order by number")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        messages,
        [
            "Über die API veröffentlicht (Token „Fachverfahren“)",
            "Über die API geändert (Token „Fachverfahren“)"
        ]
    );
}

fn model_form<'a>(schema: &'a str, examples: &'a str, version: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("organisation", "stadt-ulm"),
        ("name", "Baumkataster"),
        (
            "short_description",
            "Bäume einer Stadt mit Art, Standort und Zustand",
        ),
        ("domain", "umwelt"),
        ("json_schema", schema),
        ("examples", examples),
        ("version", version),
        ("licence", "CC-BY-4.0"),
    ]
}

const TREE_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "art": {"type": "string"},
    "hoehe_m": {"type": "number", "minimum": 0}
  },
  "required": ["art"]
}"#;

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn data_models_are_checked_against_their_schema(pool: PgPool) {
    let router = app(pool.clone()).await;
    let cookie = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    // A broken schema and a failing example are both refused, with the field named.
    let broken = send(
        &router,
        "POST",
        "/datenmodelle/neu",
        &model_form(r#"{"type": "gibt-es-nicht"}"#, "", "1.0.0"),
        &cookie,
    )
    .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        broken.body.contains("Kein gültiges JSON-Schema"),
        "schema checked"
    );
    let syntax = send(
        &router,
        "POST",
        "/datenmodelle/neu",
        &model_form("{\"type\": ", "", "1.0"),
        &cookie,
    )
    .await;
    assert!(
        syntax
            .body
            .contains("Kein gültiges JSON: Fehler in Zeile 1")
    );
    assert!(syntax.body.contains("Semantic Versioning"));
    let remote = r#"{"properties": {"ort": {"$ref": "https://example.org/ort.json"}}}"#;
    let refused = send(
        &router,
        "POST",
        "/datenmodelle/neu",
        &model_form(remote, "", "1.0.0"),
        &cookie,
    )
    .await;
    assert!(
        refused.body.contains("nicht geladen"),
        "remote references are not fetched"
    );
    let failing = send(
        &router,
        "POST",
        "/datenmodelle/neu",
        &model_form(
            TREE_SCHEMA,
            r#"[{"art": "Linde"}, {"hoehe_m": -2}]"#,
            "1.0.0",
        ),
        &cookie,
    )
    .await;
    assert_eq!(failing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        failing.body.contains("Beispiel 2 passt nicht zum Schema"),
        "the failing example is named"
    );
    assert!(
        failing.body.contains("&quot;art&quot;: &quot;Linde&quot;")
            || failing.body.contains(r#""art": "Linde""#),
        "the examples are kept"
    );
    let (count,): (i64,) = sqlx::query_as("select count(*) from data_models")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
    // The fixed example passes; the schema keeps its authored text.
    let saved = send(
        &router,
        "POST",
        "/datenmodelle/neu",
        &model_form(TREE_SCHEMA, r#"[{"art": "Linde", "hoehe_m": 12}]"#, "1.0.0"),
        &cookie,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location, "/datenmodelle/baumkataster?gespeichert=1");
    let stored: String = sqlx::query_scalar("select json_schema::text from data_models")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored, TREE_SCHEMA);
    let page = send(&router, "GET", "/datenmodelle/baumkataster", &[], "").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("hoehe_m"));
    // Edit and history work as for solutions.
    let edited = send(
        &router,
        "POST",
        "/datenmodelle/baumkataster/bearbeiten",
        &model_form(TREE_SCHEMA, "", "1.1.0"),
        &cookie,
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let compare = send(
        &router,
        "GET",
        "/datenmodelle/baumkataster/vergleich?von=1&bis=2",
        &[],
        "",
    )
    .await;
    assert!(
        compare.body.contains("<code>version</code>")
            && compare.body.contains("<code>examples</code>")
    );
    let restored = send(
        &router,
        "POST",
        "/datenmodelle/baumkataster/wiederherstellen",
        &[("version", "1")],
        &cookie,
    )
    .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER);
    let version: String = sqlx::query_scalar("select version from data_models")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(version, "1.0.0");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_api_publishes_data_models_with_a_token(pool: PgPool) {
    let router = app(pool.clone()).await;
    member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    let token = allmende_server::cli::admin::run(
        allmende_server::cli::admin::AdminCommand::CreateToken {
            org: "stadt-ulm".into(),
            name: "Import".into(),
        },
        &pool,
    )
    .await
    .unwrap();
    let model = serde_json::json!({
        "name": "Baumkataster",
        "short_description": "Bäume einer Stadt mit Art, Standort und Zustand",
        "domain": "umwelt",
        "json_schema": TREE_SCHEMA,
        "examples": "[{\"hoehe_m\": 3}]",
        "version": "1.0.0",
        "licence": "CC-BY-4.0"
    });
    let (status, body) = api(&router, "POST", "/api/v1/data-models", Some(&token), &model).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["fields"]["examples[0]"]
            .as_str()
            .unwrap()
            .contains("Beispiel 1"),
        "{body}"
    );
    let mut fixed = model.clone();
    fixed["examples"] = serde_json::json!("[{\"art\": \"Ahorn\"}]");
    let (status, body) = api(&router, "POST", "/api/v1/data-models", Some(&token), &fixed).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = api(&router, "POST", "/api/v1/data-models", None, &fixed).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn solutions_name_the_data_models_they_produce_and_consume(pool: PgPool) {
    let router = app(pool.clone()).await;
    let cookie = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    send(
        &router,
        "POST",
        "/datenmodelle/neu",
        &model_form(TREE_SCHEMA, "", "1.0.0"),
        &cookie,
    )
    .await;
    let unknown = send(
        &router,
        "POST",
        "/loesungen/neu",
        &[
            form(
                "stadt-ulm",
                "Baumpflege",
                "Baumkontrollen planen und dokumentieren",
                "",
            ),
            vec![("produces", "gibt-es-nicht")],
        ]
        .concat(),
        &cookie,
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("kein Datenmodell mit dem Kurznamen"));
    assert!(
        unknown.body.contains(r#"value="gibt-es-nicht""#),
        "the typed value stays"
    );
    let saved = send(
        &router,
        "POST",
        "/loesungen/neu",
        &[
            form(
                "stadt-ulm",
                "Baumpflege",
                "Baumkontrollen planen und dokumentieren",
                "",
            ),
            vec![("produces", "baumkataster")],
        ]
        .concat(),
        &cookie,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let relation: String = sqlx::query_scalar("select relation from solution_data_models")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(relation, "produces");
    let model_page = send(&router, "GET", "/datenmodelle/baumkataster", &[], "").await;
    assert!(
        model_page.body.contains("Baumpflege"),
        "the data model lists the solution using it"
    );
    let edit = send(
        &router,
        "GET",
        "/loesungen/baumpflege/bearbeiten",
        &[],
        &cookie,
    )
    .await;
    assert!(
        edit.body.contains(r#"value="baumkataster""#),
        "the link is in the edit form"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn slugs_of_fixed_pages_are_never_given_to_entries(pool: PgPool) {
    crate::fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let entries = Entries::new(pool.clone());
    let actor = allmende_server::accounts::Actor::operator();
    let input = SolutionInput {
        organisation: "stadt-ulm".into(),
        name: "Neu".into(),
        short_description: "Eine Lösung, die genau so heißt wie die Seite zum Anlegen".into(),
        repository_url: "https://gitlab.opencode.de/ulm/neu".into(),
        licence: "EUPL-1.2".into(),
        development_status: "stable".into(),
        software_type: "standalone/web".into(),
        maintenance_type: "none".into(),
        ..SolutionInput::default()
    };
    let slug = entries.create_solution(&actor, &input).await.unwrap();
    assert_eq!(slug, "neu-2", "a generated slug steps aside");
    let explicit = SolutionInput {
        slug: "importieren".into(),
        repository_url: "https://gitlab.opencode.de/ulm/x".into(),
        ..input
    };
    let err = entries
        .create_solution(&actor, &explicit)
        .await
        .unwrap_err();
    assert!(
        matches!(err, allmende_server::services::entries::EntryError::Invalid(ref e) if e.contains_key("slug")),
        "{err:?}"
    );
}

/// `POST /api/v1/solutions` with an `Idempotency-Key`.
async fn post_with_key(
    router: &axum::Router,
    token: &str,
    key: &str,
    body: &serde_json::Value,
) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
    let key_header = [("Idempotency-Key", key)];
    api_with_headers(
        router,
        "POST",
        "/api/v1/solutions",
        Some(token),
        &key_header,
        body,
    )
    .await
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_retried_post_with_the_same_idempotency_key_creates_one_entry(pool: PgPool) {
    let router = app(pool.clone()).await;
    member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    let token = allmende_server::cli::admin::run(
        allmende_server::cli::admin::AdminCommand::CreateToken {
            org: "stadt-ulm".into(),
            name: "Fachverfahren".into(),
        },
        &pool,
    )
    .await
    .unwrap();
    let solution = serde_json::json!({
        "name": "Mängelmelder",
        "short_description": "Schäden im Straßenraum melden",
        "repository_url": "https://gitlab.opencode.de/ulm/melder",
        "licence": "EUPL-1.2",
        "development_status": "beta",
        "software_type": "standalone/web",
        "maintenance_type": "internal"
    });
    let (first, first_headers, first_body) =
        post_with_key(&router, &token, "melder-2026-12-02", &solution).await;
    assert_eq!(first, StatusCode::CREATED, "{first_body}");
    assert!(first_headers.get("idempotent-replayed").is_none());
    // The client lost the answer and sends the same request again: the first answer.
    let (again, headers, body) =
        post_with_key(&router, &token, "melder-2026-12-02", &solution).await;
    assert_eq!(again, StatusCode::CREATED);
    assert_eq!(body, first_body);
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(
        headers.get(header::LOCATION),
        first_headers.get(header::LOCATION)
    );
    let count: i64 = sqlx::query_scalar("select count(*) from solutions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "the retry created no second entry");
    // The same key with another body is refused; a new key writes again.
    let mut other = solution.clone();
    other["name"] = serde_json::json!("Mängelmelder Zwei");
    let (status, _, body) = post_with_key(&router, &token, "melder-2026-12-02", &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["error"].as_str().unwrap().contains("andere Anfrage"),
        "{body}"
    );
    let (status, _, _) = post_with_key(&router, &token, "melder-2", &other).await;
    assert_eq!(status, StatusCode::CREATED);
    // Another token's same key is another key.
    let bonn = {
        member_of(&pool, &router, "jan@bonn.example", "Stadt Bonn").await;
        allmende_server::cli::admin::run(
            allmende_server::cli::admin::AdminCommand::CreateToken {
                org: "stadt-bonn".into(),
                name: "Bonn".into(),
            },
            &pool,
        )
        .await
        .unwrap()
    };
    let mut bonn_solution = solution.clone();
    bonn_solution["name"] = serde_json::json!("Bonner Melder");
    let (status, headers, _) =
        post_with_key(&router, &bonn, "melder-2026-12-02", &bonn_solution).await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(headers.get("idempotent-replayed").is_none());
    // A malformed key is refused before anything runs.
    let (status, _, _) = post_with_key(&router, &token, "mit leerzeichen", &solution).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // The OpenAPI document names the header on every POST.
    let response = router
        .clone()
        .oneshot(
            Request::builder()
                .uri("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let parameters = doc["paths"]["/solutions"]["post"]["parameters"]
        .as_array()
        .unwrap();
    assert!(
        parameters
            .iter()
            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
        "{parameters:?}"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_double_submit_of_the_new_entry_form_publishes_once(pool: PgPool) {
    let router = app(pool.clone()).await;
    let cookie = member_of(&pool, &router, "petra@ulm.example", "Stadt Ulm").await;
    // The form carries a one-time token.
    let page = send(&router, "GET", "/loesungen/neu", &[], &cookie).await;
    let token = page
        .body
        .split(r#"name="submission" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the new entry form has a submission token")
        .to_owned();
    assert_eq!(token.len(), 36, "{token}");
    let mut fields = form(
        "stadt-ulm",
        "Mängelmelder",
        "Schäden im Straßenraum melden",
        "",
    );
    fields.push(("submission", &token));
    // Two submits of the same form, at once: one entry, both sent to it.
    let (first, second) = tokio::join!(
        send(&router, "POST", "/loesungen/neu", &fields, &cookie),
        send(&router, "POST", "/loesungen/neu", &fields, &cookie),
    );
    assert_eq!(first.location, "/loesungen/maengelmelder?gespeichert=1");
    assert_eq!(second.location, first.location);
    let again = send(&router, "POST", "/loesungen/neu", &fields, &cookie).await;
    assert_eq!(again.location, first.location);
    let (count,): (i64,) = sqlx::query_as("select count(*) from solutions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    // A failed submit frees nothing it did not save: the corrected form with a new token saves.
    let mut broken = form("stadt-ulm", "Zweiter Melder", "kurz", "");
    broken.push(("submission", "b1d4c1c4-0000-4000-8000-000000000001"));
    let answer = send(&router, "POST", "/loesungen/neu", &broken, &cookie).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains(r#"name="submission""#));
    let mut fixed = form(
        "stadt-ulm",
        "Zweiter Melder",
        "Schäden im Straßenraum melden",
        "",
    );
    fixed.push(("submission", "b1d4c1c4-0000-4000-8000-000000000001"));
    let answer = send(&router, "POST", "/loesungen/neu", &fixed, &cookie).await;
    assert_eq!(answer.location, "/loesungen/zweiter-melder?gespeichert=1");
}
