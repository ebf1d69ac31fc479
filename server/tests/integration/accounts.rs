//! Accounts and the security baseline, through the whole router (no socket): hashes,
//! sessions, authorisation across organisations, cross-site refusal, rate limits, body
//! limits, cookies and security headers.

use allmende_server::accounts::password::{ITERATIONS, MEMORY_KIB, PARALLELISM, parameters_of};
use allmende_server::accounts::{Accounts, Actor, Caller, Channel, authz};
use allmende_server::cli::admin::{self, AdminCommand};
use app::model::Role;
use app::validation::Registration;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;
use uuid::Uuid;

use crate::fixtures::{self, solution};
use crate::http::app;
use allmende_server::http::middleware::security;

/// The public origin the test router is configured with.
const ORIGIN: &str = "https://allmende.test";
const PASSWORD: &str = "gruene wiese am fluss";

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    /// The session cookie set by this answer (`name=value`), if any.
    fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                let pair = c.split(';').next()?;
                let (name, value) = pair.split_once('=')?;
                (name.ends_with("allmende_sitzung") && !value.is_empty()).then(|| pair.to_owned())
            })
    }

    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn send(
    router: &axum::Router,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
    extra: &[(&str, &str)],
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    if method != "GET" {
        request = request
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, ORIGIN);
    }
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let body = serde_urlencoded::to_string(form).unwrap();
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn get(router: &axum::Router, path: &str, cookie: Option<&str>) -> Answer {
    send(router, "GET", path, &[], cookie, &[]).await
}

async fn post(
    router: &axum::Router,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> Answer {
    send(router, "POST", path, form, cookie, &[]).await
}

/// Registers through the form, logs in (registration does not, so that it answers alike
/// for new and existing addresses) and returns the session cookie.
pub(crate) async fn register(router: &axum::Router, name: &str, email: &str) -> String {
    let answer = post(
        router,
        "/registrieren",
        &[
            ("name", name),
            ("email", email),
            ("password", PASSWORD),
            ("password_repeat", PASSWORD),
        ],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location(), "/anmelden?registriert=1");
    let logged_in = login(router, email, PASSWORD).await;
    assert_eq!(
        logged_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        logged_in.body
    );
    logged_in.session_cookie().expect("login sets the session")
}

async fn login(router: &axum::Router, email: &str, password: &str) -> Answer {
    post(
        router,
        "/anmelden",
        &[("email", email), ("password", password)],
        None,
    )
    .await
}

async fn create_org(router: &axum::Router, cookie: &str, name: &str) -> String {
    let answer = post(
        router,
        "/organisationen/neu",
        &[("name", name), ("kind", "stadt"), ("bundesland", "BW")],
        Some(cookie),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.location().to_owned();
    location
        .trim_start_matches("/organisationen/")
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

async fn user_id(pool: &PgPool, email: &str) -> Uuid {
    sqlx::query_scalar("select id from users where email = $1")
        .bind(email)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn passwords_are_stored_as_argon2id_with_at_least_the_owasp_parameters(pool: PgPool) {
    let router = app(pool.clone()).await;
    register(&router, "Anna Berg", "anna@ulm.example").await;
    let hash: String = sqlx::query_scalar("select password_hash from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    let (algorithm, m, t, p) = parameters_of(&hash).expect("a PHC string");
    assert_eq!(algorithm, "argon2id");
    assert!(m >= 19_456 && t >= 2 && p >= 1, "m={m} t={t} p={p}");
    assert_eq!((m, t, p), (MEMORY_KIB, ITERATIONS, PARALLELISM));
    assert!(!hash.contains(PASSWORD));
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn registration_errors_keep_every_typed_value_except_passwords(pool: PgPool) {
    let router = app(pool).await;
    let answer = post(
        &router,
        "/registrieren",
        &[
            ("name", "Anna Berg"),
            ("email", "anna-at-ulm"),
            ("password", "kurz"),
            ("password_repeat", "kurz"),
        ],
        None,
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains(r#"value="Anna Berg""#), "name kept");
    assert!(
        answer.body.contains(r#"value="anna-at-ulm""#),
        "e-mail kept"
    );
    assert!(
        !answer.body.contains(r#"value="kurz""#),
        "passwords are never sent back"
    );
    assert!(
        answer
            .body
            .contains("Bitte eine E-Mail-Adresse in der Form name@beispiel.de eingeben.")
    );
    assert!(answer.body.contains("Bitte mindestens 8 Zeichen eingeben."));
    assert!(answer.body.contains(r#"aria-invalid="true""#));
    assert!(answer.session_cookie().is_none());
    let common = post(
        &router,
        "/registrieren",
        &[
            ("name", "Anna"),
            ("email", "anna@ulm.example"),
            ("password", "Passwort123"),
            ("password_repeat", "Passwort123"),
        ],
        None,
    )
    .await;
    assert!(
        common.body.contains("Dieses Passwort ist zu verbreitet"),
        "common passwords are refused"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn login_rotates_the_session_id_and_logout_invalidates_the_old_cookie(pool: PgPool) {
    let router = app(pool.clone()).await;
    let first = register(&router, "Anna Berg", "anna@ulm.example").await;
    // Logging in again from a browser that already has a session gives a new id and ends the old one.
    let answer = send(
        &router,
        "POST",
        "/anmelden",
        &[("email", "anna@ulm.example"), ("password", PASSWORD)],
        Some(&first),
        &[],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let second = answer.session_cookie().expect("a new session");
    assert_ne!(first, second, "the session id changes at login");
    assert_eq!(
        get(&router, "/konto", Some(&first)).await.status,
        StatusCode::SEE_OTHER,
        "the old id no longer works"
    );
    let account = get(&router, "/konto", Some(&second)).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("anna@ulm.example"));
    let logout = post(&router, "/abmelden", &[], Some(&second)).await;
    assert_eq!(logout.status, StatusCode::SEE_OTHER);
    assert!(
        logout
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().contains("Max-Age=0"))
    );
    let after = get(&router, "/konto", Some(&second)).await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the cookie is dead on the server, not only in the browser"
    );
    assert!(after.location().starts_with("/anmelden?weiter=/konto"));
    let (sessions,): (i64,) = sqlx::query_as("select count(*) from sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_password_change_ends_every_other_session(pool: PgPool) {
    let router = app(pool.clone()).await;
    let laptop = register(&router, "Anna Berg", "anna@ulm.example").await;
    let phone = login(&router, "anna@ulm.example", PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let new = "ein ganz neuer satz fuer das konto";
    let wrong = post(
        &router,
        "/konto",
        &[
            ("form", "password"),
            ("current_password", "falsch falsch"),
            ("new_password", new),
            ("new_password_repeat", new),
        ],
        Some(&laptop),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .body
            .contains("Das aktuelle Passwort ist nicht richtig.")
    );
    let changed = post(
        &router,
        "/konto",
        &[
            ("form", "password"),
            ("current_password", PASSWORD),
            ("new_password", new),
            ("new_password_repeat", new),
        ],
        Some(&laptop),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let renewed = changed
        .session_cookie()
        .expect("this browser gets a new session");
    assert_eq!(
        get(&router, "/konto", Some(&phone)).await.status,
        StatusCode::SEE_OTHER,
        "the other session ended"
    );
    assert_eq!(
        get(&router, "/konto", Some(&laptop)).await.status,
        StatusCode::SEE_OTHER,
        "the old id of this browser too"
    );
    assert_eq!(
        get(&router, "/konto", Some(&renewed)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        login(&router, "anna@ulm.example", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        login(&router, "anna@ulm.example", new).await.status,
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn unknown_address_and_wrong_password_get_the_same_answer(pool: PgPool) {
    let router = app(pool).await;
    register(&router, "Anna Berg", "anna@ulm.example").await;
    let wrong_password = login(&router, "anna@ulm.example", "nicht das passwort").await;
    let unknown = login(&router, "niemand@ulm.example", "nicht das passwort").await;
    assert_eq!(wrong_password.status, unknown.status);
    assert_eq!(wrong_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = "E-Mail-Adresse oder Passwort ist nicht richtig.";
    assert!(wrong_password.body.contains(message) && unknown.body.contains(message));
    // The pages differ only in the typed address.
    assert_eq!(
        wrong_password.body.replace("anna@ulm.example", "X"),
        unknown.body.replace("niemand@ulm.example", "X")
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_failed_login_after_the_limit_gets_429_with_retry_after(pool: PgPool) {
    let router = app(pool.clone()).await;
    register(&router, "Anna Berg", "anna@ulm.example").await;
    for attempt in 1..=5 {
        let answer = login(&router, "anna@ulm.example", "falsches passwort").await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {attempt}"
        );
    }
    let limited = login(&router, "anna@ulm.example", "falsches passwort").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = limited
        .headers
        .get(header::RETRY_AFTER)
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "{retry}");
    assert!(limited.body.contains("Zu viele Versuche"));
    // Even the right password waits from this address (others are not slowed: lockout.rs).
    assert_eq!(
        login(&router, "anna@ulm.example", PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let failures: i64 =
        sqlx::query_scalar("select count(*) from audit_log where event = 'login.failed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(failures, 5, "every failure is in the audit log");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn cross_site_writes_are_refused(pool: PgPool) {
    let router = app(pool.clone()).await;
    let form = [
        ("name", "Mallory"),
        ("email", "m@evil.example"),
        ("password", PASSWORD),
        ("password_repeat", PASSWORD),
    ];
    let foreign = send(
        &router,
        "POST",
        "/registrieren",
        &form,
        None,
        &[("origin", "https://evil.example")],
    )
    .await;
    // `send` adds our own Origin first: a second, foreign Origin header must not slip through.
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let request = Request::post("/registrieren")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
        .unwrap();
    let refused = router.clone().oneshot(request).await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let request = Request::post("/registrieren")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "http://127.0.0.1:4000")
        .header(header::HOST, "127.0.0.1:3000")
        .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
        .unwrap();
    assert_eq!(
        router.clone().oneshot(request).await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "another port is another origin"
    );
    let request = Request::post("/anmelden")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-site")
        .body(Body::from("email=a%40b.de&password=x"))
        .unwrap();
    assert_eq!(
        router.clone().oneshot(request).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0, "nothing was created");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_body_over_the_limit_gets_413(pool: PgPool) {
    let router = app(pool).await;
    let big = "x".repeat(allmende_server::http::BODY_LIMIT + 1);
    let request = Request::post("/anmelden")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .unwrap();
    assert_eq!(
        router.clone().oneshot(request).await.unwrap().status(),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let form = format!("email={}", "x".repeat(70 * 1024));
    let request = Request::post("/anmelden")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    assert_eq!(
        router.clone().oneshot(request).await.unwrap().status(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "forms have a smaller limit"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn anonymous_pages_set_no_cookie_and_every_page_has_the_security_headers(pool: PgPool) {
    let ulm = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    solution(ulm, "sperrmuell-online", "Sperrmüll online")
        .insert(&pool)
        .await;
    let router = app(pool).await;
    let pages = [
        "/",
        "/loesungen",
        "/loesungen/sperrmuell-online",
        "/datenmodelle",
        "/organisationen",
        "/organisationen/stadt-ulm",
        "/suche?q=sperrmuell",
        "/anmelden",
        "/registrieren",
        "/impressum",
        "/gibt-es-nicht",
        "/einladung/unbekannt",
    ];
    for path in pages {
        let answer = get(&router, path, None).await;
        assert!(
            answer.headers.get(header::SET_COOKIE).is_none(),
            "{path} sets a cookie"
        );
        let csp = answer
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap_or_else(|| panic!("{path} has no CSP ({}): {}", answer.status, answer.body))
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'")
                && csp.contains("script-src 'self' 'sha256-")
                && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        for script in crate::caching::inline_scripts(&answer.body) {
            assert!(
                csp.contains(&security::script_hash(&script)),
                "{path}: the policy allows the inline script {script}"
            );
        }
        assert_eq!(
            answer.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
            "nosniff",
            "{path}"
        );
        assert!(
            answer.headers.get(header::REFERRER_POLICY).is_some(),
            "{path}"
        );
        assert_eq!(
            answer.headers.get(header::X_FRAME_OPTIONS).unwrap(),
            "DENY",
            "{path}"
        );
    }
    let first = get(&router, "/", None).await;
    let second = get(&router, "/", None).await;
    assert_eq!(
        first.headers.get(header::CONTENT_SECURITY_POLICY),
        second.headers.get(header::CONTENT_SECURITY_POLICY),
        "one policy for the build, no nonce per response"
    );
    assert_eq!(
        first.body, second.body,
        "an anonymous page is the same for everyone"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn an_organisation_is_created_and_members_join_by_invitation(pool: PgPool) {
    let router = app(pool.clone()).await;
    let anna = register(&router, "Anna Berg", "anna@ulm.example").await;
    let slug = create_org(&router, &anna, "Stadt Ulm").await;
    assert_eq!(slug, "stadt-ulm");
    let page = get(&router, "/organisationen/stadt-ulm/mitglieder", Some(&anna)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Anna Berg") && page.body.contains("Administration"));
    let invited = post(
        &router,
        "/organisationen/stadt-ulm/mitglieder",
        &[
            ("form", "invite"),
            ("email", "ben@ulm.example"),
            ("role", "member"),
        ],
        Some(&anna),
    )
    .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    let link = invited
        .body
        .split("https://allmende.test/einladung/")
        .nth(1)
        .expect("the link is shown")
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let invitation_path = format!("/einladung/{link}");
    // Someone else cannot use it.
    let carl = register(&router, "Carl", "carl@ulm.example").await;
    let refused = post(&router, &invitation_path, &[], Some(&carl)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("andere E-Mail-Adresse"));
    let ben = register(&router, "Ben Kraus", "ben@ulm.example").await;
    let accepted = post(&router, &invitation_path, &[], Some(&ben)).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert!(
        get(&router, "/konto", Some(&ben))
            .await
            .body
            .contains("Stadt Ulm")
    );
    assert_eq!(
        post(&router, &invitation_path, &[], Some(&ben))
            .await
            .status,
        StatusCode::CONFLICT,
        "used once"
    );
    // The last admin cannot leave; after appointing Ben, Anna can.
    let leave = post(
        &router,
        "/organisationen/stadt-ulm/mitglieder",
        &[("form", "leave")],
        Some(&anna),
    )
    .await;
    assert_eq!(leave.status, StatusCode::CONFLICT);
    let ben_id = user_id(&pool, "ben@ulm.example").await.to_string();
    let promote = post(
        &router,
        "/organisationen/stadt-ulm/mitglieder",
        &[("form", "role"), ("user_id", &ben_id), ("role", "admin")],
        Some(&anna),
    )
    .await;
    assert_eq!(promote.status, StatusCode::OK);
    let leave = post(
        &router,
        "/organisationen/stadt-ulm/mitglieder",
        &[("form", "leave")],
        Some(&anna),
    )
    .await;
    assert_eq!(leave.status, StatusCode::SEE_OTHER);
    let events: Vec<String> = sqlx::query_scalar(
        "select event from audit_log where organisation_id is not null order by id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        [
            "organisation.created",
            "member.invited",
            "member.joined",
            "member.role_changed",
            "member.left"
        ]
    );
}

/// Someone acting through the web, with their cookie.
struct Person {
    cookie: String,
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn no_change_crosses_organisations_whatever_the_role(pool: PgPool) {
    let router = app(pool.clone()).await;
    let ulm_admin = Person {
        cookie: register(&router, "Ulm Admin", "admin@ulm.example").await,
    };
    create_org(&router, &ulm_admin.cookie, "Stadt Ulm").await;
    let bonn_admin = Person {
        cookie: register(&router, "Bonn Admin", "admin@bonn.example").await,
    };
    create_org(&router, &bonn_admin.cookie, "Stadt Bonn").await;
    register(&router, "Ulm Mitglied", "member@ulm.example").await;
    let accounts = Accounts::new(pool.clone());
    accounts
        .add_member(
            &Actor::operator(),
            "stadt-ulm",
            "member@ulm.example",
            Role::Member,
            Channel::Cli,
            &Caller::default(),
        )
        .await
        .unwrap();
    let ulm_member = Person {
        cookie: login(&router, "member@ulm.example", PASSWORD)
            .await
            .session_cookie()
            .unwrap(),
    };
    let bonn_token: Uuid = {
        let actor = accounts
            .actor(user_id(&pool, "admin@bonn.example").await)
            .await
            .unwrap();
        accounts
            .create_token(
                &actor,
                "stadt-bonn",
                "Bonn Import",
                Channel::Web,
                &Caller::default(),
            )
            .await
            .unwrap()
            .0
            .id
    };
    let ulm_token: Uuid = {
        let actor = accounts
            .actor(user_id(&pool, "admin@ulm.example").await)
            .await
            .unwrap();
        accounts
            .create_token(
                &actor,
                "stadt-ulm",
                "Ulm Import",
                Channel::Web,
                &Caller::default(),
            )
            .await
            .unwrap()
            .0
            .id
    };
    let bonn_admin_id = user_id(&pool, "admin@bonn.example").await.to_string();
    let ulm_admin_id = user_id(&pool, "admin@ulm.example").await.to_string();
    let (bonn_token, ulm_token) = (bonn_token.to_string(), ulm_token.to_string());

    // (action, path template, form) – {org} is replaced; the member/token ids point into that org.
    struct Case<'a> {
        name: &'a str,
        method: &'a str,
        page: &'a str,
        form: Vec<(&'a str, &'a str)>,
    }
    let ulm_member_id = user_id(&pool, "member@ulm.example").await.to_string();
    // `target` is the person whose role or membership the case tries to change.
    let cases_for = |org: &str, target: &'static str| -> Vec<Case<'_>> {
        let other_admin = match target {
            "bonn admin" => bonn_admin_id.as_str(),
            "ulm admin" => ulm_admin_id.as_str(),
            _ => ulm_member_id.as_str(),
        };
        let token = if org == "stadt-bonn" {
            bonn_token.as_str()
        } else {
            ulm_token.as_str()
        };
        vec![
            Case {
                name: "view members",
                method: "GET",
                page: "mitglieder",
                form: vec![],
            },
            Case {
                name: "invite",
                method: "POST",
                page: "mitglieder",
                form: vec![
                    ("form", "invite"),
                    ("email", "x@evil.example"),
                    ("role", "admin"),
                ],
            },
            Case {
                name: "change role",
                method: "POST",
                page: "mitglieder",
                form: vec![
                    ("form", "role"),
                    ("user_id", other_admin),
                    ("role", "member"),
                ],
            },
            Case {
                name: "remove member",
                method: "POST",
                page: "mitglieder",
                form: vec![("form", "remove"), ("user_id", other_admin)],
            },
            Case {
                name: "view tokens",
                method: "GET",
                page: "tokens",
                form: vec![],
            },
            Case {
                name: "create token",
                method: "POST",
                page: "tokens",
                form: vec![("form", "create"), ("name", "fremd")],
            },
            Case {
                name: "revoke token",
                method: "POST",
                page: "tokens",
                form: vec![("form", "revoke"), ("id", token)],
            },
            Case {
                name: "view audit",
                method: "GET",
                page: "protokoll",
                form: vec![],
            },
        ]
    };
    // Ulm's admin and member against Bonn: everything refused, nothing changes.
    for (who, person) in [("ulm admin", &ulm_admin), ("ulm member", &ulm_member)] {
        for case in cases_for("stadt-bonn", "bonn admin") {
            let path = format!("/organisationen/stadt-bonn/{}", case.page);
            let answer = send(
                &router,
                case.method,
                &path,
                &case.form,
                Some(&person.cookie),
                &[],
            )
            .await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{who}: {}", case.name);
        }
    }
    // Ulm's member in Ulm: may look at members and create tokens, nothing else.
    let member_allowed = ["view members", "view tokens", "create token"];
    for case in cases_for("stadt-ulm", "ulm admin") {
        let path = format!("/organisationen/stadt-ulm/{}", case.page);
        let answer = send(
            &router,
            case.method,
            &path,
            &case.form,
            Some(&ulm_member.cookie),
            &[],
        )
        .await;
        let expected = if member_allowed.contains(&case.name) {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(answer.status, expected, "ulm member in ulm: {}", case.name);
    }
    // Editing entries: the one policy every entry change asks.
    let bonn: Uuid = sqlx::query_scalar("select id from organisations where slug = 'stadt-bonn'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let ulm: Uuid = sqlx::query_scalar("select id from organisations where slug = 'stadt-ulm'")
        .fetch_one(&pool)
        .await
        .unwrap();
    for email in ["admin@ulm.example", "member@ulm.example"] {
        let actor = accounts.actor(user_id(&pool, email).await).await.unwrap();
        assert!(
            authz::allowed(&actor, authz::Action::EditEntries, ulm),
            "{email} edits Ulm"
        );
        assert!(
            !authz::allowed(&actor, authz::Action::EditEntries, bonn),
            "{email} does not edit Bonn"
        );
    }
    // Ulm's admin in Ulm: everything (the member is demoted, removed, the token revoked last).
    for case in cases_for("stadt-ulm", "ulm member") {
        let path = format!("/organisationen/stadt-ulm/{}", case.page);
        let answer = send(
            &router,
            case.method,
            &path,
            &case.form,
            Some(&ulm_admin.cookie),
            &[],
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "ulm admin in ulm: {}: {}",
            case.name,
            answer.body.len()
        );
    }
    let ulm_members: i64 = sqlx::query_scalar(
        "select count(*) from memberships m join organisations o on o.id = m.organisation_id where o.slug = 'stadt-ulm'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(ulm_members, 1, "the admin's own changes took effect");
    // Anonymous: sent to the login page for everything.
    for case in cases_for("stadt-bonn", "bonn admin") {
        let path = format!("/organisationen/stadt-bonn/{}", case.page);
        let answer = send(&router, case.method, &path, &case.form, None, &[]).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "anonymous: {}",
            case.name
        );
    }
    // Bonn is untouched.
    let bonn_members: Vec<(String,)> = sqlx::query_as(
        "select m.role from memberships m join organisations o on o.id = m.organisation_id where o.slug = 'stadt-bonn'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(bonn_members, [("admin".to_owned(),)]);
    let bonn_tokens: Vec<(String, bool)> = sqlx::query_as(
        "select t.name, t.revoked_at is null from api_tokens t join organisations o on o.id = t.organisation_id where o.slug = 'stadt-bonn'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(bonn_tokens, [("Bonn Import".to_owned(), true)]);
    let invitations: Vec<String> = sqlx::query_scalar(
        "select o.slug from invitations i join organisations o on o.id = i.organisation_id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        invitations,
        ["stadt-ulm"],
        "only the admin's own invitation exists"
    );
    let _ = bonn_admin;
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn tokens_are_shown_once_stored_hashed_usable_and_revocable(pool: PgPool) {
    let router = app(pool.clone()).await;
    let anna = register(&router, "Anna Berg", "anna@ulm.example").await;
    create_org(&router, &anna, "Stadt Ulm").await;
    let created = post(
        &router,
        "/organisationen/stadt-ulm/tokens",
        &[("form", "create"), ("name", "Fachverfahren")],
        Some(&anna),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK);
    let token = created
        .body
        .split(r#"id="neues-token-wert""#)
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split('<').next())
        .expect("the token is shown")
        .to_owned();
    assert!(token.starts_with("alm_") && token.len() == 47, "{token}");
    let stored: Vec<u8> = sqlx::query_scalar("select token_hash from api_tokens")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 32);
    assert!(
        !get(&router, "/organisationen/stadt-ulm/tokens", Some(&anna))
            .await
            .body
            .contains(&token),
        "shown only once"
    );
    let bearer = format!("Bearer {token}");
    let ok = send(
        &router,
        "GET",
        "/api/v1/token",
        &[],
        None,
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        ok.body.contains(r#""organisation":"stadt-ulm""#),
        "{}",
        ok.body
    );
    assert!(
        get(&router, "/organisationen/stadt-ulm/tokens", Some(&anna))
            .await
            .body
            .contains("Fachverfahren")
    );
    let last_used: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select last_used_at from api_tokens")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(last_used.is_some(), "last use is recorded");
    let id: Uuid = sqlx::query_scalar("select id from api_tokens")
        .fetch_one(&pool)
        .await
        .unwrap();
    let revoked = post(
        &router,
        "/organisationen/stadt-ulm/tokens",
        &[("form", "revoke"), ("id", &id.to_string())],
        Some(&anna),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let refused = send(
        &router,
        "GET",
        "/api/v1/token",
        &[],
        None,
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        send(&router, "GET", "/api/v1/token", &[], None, &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // Guessing tokens is limited per address.
    let mut last = StatusCode::OK;
    for _ in 0..25 {
        last = send(
            &router,
            "GET",
            "/api/v1/token",
            &[],
            None,
            &[("authorization", "Bearer alm_geraten")],
        )
        .await
        .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let events: Vec<String> = sqlx::query_scalar("select event from audit_log where event like 'token.%' and event <> 'token.rejected' order by id")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(events, ["token.created", "token.revoked"]);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn site_admins_hide_entries_from_the_public_and_search(pool: PgPool) {
    let ulm = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    solution(ulm, "sperrmuell-online", "Sperrmüll online")
        .insert(&pool)
        .await;
    let router = app(pool.clone()).await;
    let index = fixtures::search_index(&pool).await;
    let query = app::query::SearchQuery::text("Sperrmüll");
    assert_eq!(index.search(&query).unwrap().total, 1);
    let operator = admin::run(
        AdminCommand::CreateUser {
            email: "betrieb@ulm.example".into(),
            password: Some(PASSWORD.into()),
            name: "Betrieb".into(),
            site_admin: true,
        },
        &pool,
    )
    .await
    .unwrap();
    assert!(operator.contains("Site-Admin"));
    let admin_cookie = login(&router, "betrieb@ulm.example", PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let page = get(&router, "/loesungen/sperrmuell-online", Some(&admin_cookie)).await;
    assert!(
        page.body.contains("/verwaltung/sichtbarkeit"),
        "site admins see the moderation button"
    );
    assert!(
        !get(&router, "/loesungen/sperrmuell-online", None)
            .await
            .body
            .contains("/verwaltung/sichtbarkeit")
    );
    // Ordinary users cannot hide.
    let anna = register(&router, "Anna", "anna@ulm.example").await;
    let form = [
        ("kind", "solution"),
        ("slug", "sperrmuell-online"),
        ("hidden", "true"),
        ("weiter", "/loesungen"),
    ];
    assert_eq!(
        post(&router, "/verwaltung/sichtbarkeit", &form, Some(&anna))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post(
            &router,
            "/verwaltung/sichtbarkeit",
            &form,
            Some(&admin_cookie)
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        get(&router, "/loesungen/sperrmuell-online", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    index
        .catch_up_fully(&pool, std::time::Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(
        index.search(&query).unwrap().total,
        0,
        "hidden entries leave the search index"
    );
    let audit = get(&router, "/verwaltung/protokoll", Some(&admin_cookie)).await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("moderation.hidden") && audit.body.contains("Sperrmüll online"));
    assert_eq!(
        get(&router, "/verwaltung/protokoll", Some(&anna))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_admin_command_line_follows_the_web_rules_and_audits(pool: PgPool) {
    let weak = admin::run(
        AdminCommand::CreateUser {
            email: "it@ulm.example".into(),
            password: Some("passwort".into()),
            name: "IT".into(),
            site_admin: false,
        },
        &pool,
    )
    .await;
    assert!(
        weak.unwrap_err().to_string().contains("zu verbreitet"),
        "the same password rules"
    );
    admin::run(
        AdminCommand::CreateUser {
            email: "it@ulm.example".into(),
            password: Some(PASSWORD.into()),
            name: "IT".into(),
            site_admin: false,
        },
        &pool,
    )
    .await
    .unwrap();
    let bad_org = admin::run(
        AdminCommand::CreateOrg {
            name: "Stadt Ulm".into(),
            kind: "stadt".into(),
            bundesland: "BY".into(),
            ags: "08421000".into(),
            website: String::new(),
            admin: "it@ulm.example".into(),
        },
        &pool,
    )
    .await;
    assert!(
        bad_org.unwrap_err().to_string().contains("Bundesland"),
        "AGS must match the Land"
    );
    let created = admin::run(
        AdminCommand::CreateOrg {
            name: "Stadt Ulm".into(),
            kind: "stadt".into(),
            bundesland: "BW".into(),
            ags: "08421000".into(),
            website: "https://www.ulm.de".into(),
            admin: "it@ulm.example".into(),
        },
        &pool,
    )
    .await
    .unwrap();
    assert!(created.ends_with("stadt-ulm"));
    let accounts = Accounts::new(pool.clone());
    let registration = Registration::parse("Ben", "ben@ulm.example", PASSWORD, PASSWORD).unwrap();
    accounts
        .register(&registration, false, Channel::Web, &Caller::default())
        .await
        .unwrap();
    admin::run(
        AdminCommand::AddMember {
            org: "stadt-ulm".into(),
            email: "ben@ulm.example".into(),
            role: "member".into(),
        },
        &pool,
    )
    .await
    .unwrap();
    let token = admin::run(
        AdminCommand::CreateToken {
            org: "stadt-ulm".into(),
            name: "Import".into(),
        },
        &pool,
    )
    .await
    .unwrap();
    assert!(token.starts_with("alm_") && token.len() > 40);
    let identity = accounts
        .authenticate_token(&token, &Caller::default())
        .await
        .unwrap();
    assert_eq!(identity.organisation_slug, "stadt-ulm");
    let events: Vec<(String, String)> =
        sqlx::query_as("select event, channel from audit_log order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    let cli: Vec<&str> = events
        .iter()
        .filter(|(_, c)| c == "cli")
        .map(|(e, _)| e.as_str())
        .collect();
    assert_eq!(
        cli,
        [
            "account.registered",
            "organisation.created",
            "member.added",
            "token.created"
        ]
    );
    let (users,): (i64,) = sqlx::query_as("select count(*) from users where is_site_admin")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0, "no site admin unless asked for");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_fresh_installation_has_no_accounts(pool: PgPool) {
    allmende_server::demo::load(&pool).await.unwrap();
    let (users,): (i64,) = sqlx::query_as("select count(*) from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        users, 0,
        "neither migrations nor the demo catalogue create accounts"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn deleting_the_account_needs_the_password_and_keeps_organisations_administered(
    pool: PgPool,
) {
    let router = app(pool.clone()).await;
    let anna = register(&router, "Anna", "anna@ulm.example").await;
    create_org(&router, &anna, "Stadt Ulm").await;
    let ben = register(&router, "Ben", "ben@ulm.example").await;
    let accounts = Accounts::new(pool.clone());
    accounts
        .add_member(
            &Actor::operator(),
            "stadt-ulm",
            "ben@ulm.example",
            Role::Member,
            Channel::Cli,
            &Caller::default(),
        )
        .await
        .unwrap();
    let no_confirm = post(
        &router,
        "/konto",
        &[("form", "delete"), ("password", PASSWORD), ("confirm", "")],
        Some(&anna),
    )
    .await;
    assert_eq!(no_confirm.status, StatusCode::UNPROCESSABLE_ENTITY);
    let last_admin = post(
        &router,
        "/konto",
        &[
            ("form", "delete"),
            ("password", PASSWORD),
            ("confirm", "LÖSCHEN"),
        ],
        Some(&anna),
    )
    .await;
    assert_eq!(
        last_admin.status,
        StatusCode::CONFLICT,
        "Ulm would be left without admin"
    );
    let deleted = post(
        &router,
        "/konto",
        &[
            ("form", "delete"),
            ("password", PASSWORD),
            ("confirm", "löschen"),
        ],
        Some(&ben),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(
        login(&router, "ben@ulm.example", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let remaining: Vec<String> = sqlx::query_scalar("select email from users")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(remaining, ["anna@ulm.example"]);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn sessions_end_after_30_idle_minutes_and_12_hours_in_all(pool: PgPool) {
    let router = app(pool.clone()).await;
    let idle = register(&router, "Anna", "anna@ulm.example").await;
    let busy = login(&router, "anna@ulm.example", PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let fresh = login(&router, "anna@ulm.example", PASSWORD)
        .await
        .session_cookie()
        .unwrap();
    let digest = |cookie: &str| {
        allmende_server::accounts::secrets::digest(cookie.split_once('=').unwrap().1)
    };
    // 31 minutes without a request.
    sqlx::query(
        "update sessions set last_seen_at = now() - interval '31 minutes' where id_hash = $1",
    )
    .bind(digest(&idle))
    .execute(&pool)
    .await
    .unwrap();
    // Used a minute ago, but logged in 12 hours and a minute ago.
    sqlx::query("update sessions set last_seen_at = now() - interval '1 minute', created_at = now() - interval '12 hours 1 minute' where id_hash = $1")
        .bind(digest(&busy))
        .execute(&pool)
        .await
        .unwrap();
    // 29 minutes idle is still fine, and using it resets the clock.
    sqlx::query(
        "update sessions set last_seen_at = now() - interval '29 minutes' where id_hash = $1",
    )
    .bind(digest(&fresh))
    .execute(&pool)
    .await
    .unwrap();
    for (name, cookie) in [("idle", &idle), ("12 hours", &busy)] {
        let answer = get(&router, "/konto", Some(cookie)).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{name}");
        assert!(
            answer
                .headers
                .get_all(header::SET_COOKIE)
                .iter()
                .any(|c| c.to_str().unwrap().contains("Max-Age=0")),
            "{name}: the dead cookie is removed from the browser"
        );
    }
    assert_eq!(
        get(&router, "/konto", Some(&fresh)).await.status,
        StatusCode::OK
    );
    let seen: bool = sqlx::query_scalar(
        "select last_seen_at > now() - interval '1 minute' from sessions where id_hash = $1",
    )
    .bind(digest(&fresh))
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(seen, "activity moves the idle deadline");
    let swept = allmende_server::accounts::sessions::sweep(&pool)
        .await
        .unwrap();
    assert_eq!(swept, 2, "expired sessions are removed");
}
