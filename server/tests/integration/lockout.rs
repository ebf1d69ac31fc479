//! Lock-out as a weapon and guessing side doors: password guesses are slowed per account
//! and address instead of locking the account, so the owner gets in while an attacker
//! waits; `X-Forwarded-For` counts only behind a trusted proxy; every password prompt has
//! the same limit; registration does not tell whether an address has an account.

use std::net::SocketAddr;

use allmende_server::accounts::{Accounts, Actor, Caller, Channel};
use allmende_server::http::{self, AppState};
use allmende_server::proxies::TrustedProxies;
use app::model::Role;
use app::site::{Operator, SiteConfig};
use app::validation::Registration;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::fixtures;

const ORIGIN: &str = "https://allmende.test";
const PASSWORD: &str = "gruene wiese am fluss";
const OWNER: &str = "198.51.100.7";
const ATTACKER: &str = "203.0.113.66";

/// The whole router, trusting `proxies` for `X-Forwarded-For`.
async fn router(pool: PgPool, proxies: &[&str]) -> axum::Router {
    let site = tempfile::tempdir().unwrap().keep();
    let search = fixtures::search_index(&pool).await;
    let proxies = TrustedProxies::new(proxies.iter().map(|p| p.parse().unwrap()).collect());
    let payload_checks = allmende_server::services::payload_check::PayloadChecks::new();
    http::router(AppState {
        leptos_options: http::leptos_options(&site, "127.0.0.1:3000".parse().unwrap()),
        accounts: Accounts::new(pool.clone()).with_trusted_proxies(proxies),
        entries: allmende_server::services::entries::Entries::new(pool.clone())
            .with_checks(payload_checks.clone()),
        payload_checks,
        public_catalogue: allmende_server::catalogue(pool.clone(), search.clone()),
        read_pools: allmende_server::db::replicas::ReadPools::primary_only(pool.clone()),
        catalogue: allmende_server::catalogue(pool, search.clone()),
        search: Some(search),
        metrics: Default::default(),
        site: SiteConfig {
            public_url: ORIGIN.into(),
            operator: Operator::default(),
            demo: false,
        },
    })
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
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

    fn retry_after(&self) -> u64 {
        self.headers
            .get(header::RETRY_AFTER)
            .expect("Retry-After")
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    }
}

/// A request from the TCP peer `from` (a POST of `form`, or a GET without), with extra headers.
async fn send(
    router: &axum::Router,
    from: &str,
    path: &str,
    form: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> Answer {
    let mut request = Request::builder()
        .method(if form.is_empty() { "GET" } else { "POST" })
        .uri(path);
    if !form.is_empty() {
        request = request
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, ORIGIN);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let mut request = request
        .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
        .unwrap();
    let peer: SocketAddr = format!("{from}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn login(
    router: &axum::Router,
    from: &str,
    email: &str,
    password: &str,
    extra: &[(&str, &str)],
) -> Answer {
    send(
        router,
        from,
        "/anmelden",
        &[("email", email), ("password", password)],
        extra,
    )
    .await
}

async fn account_form(
    router: &axum::Router,
    from: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> Answer {
    send(router, from, "/konto", form, &[("cookie", cookie)]).await
}

/// An account made directly (not through the form), as the admin CLI does.
async fn account(pool: &PgPool, email: &str) {
    let registration = Registration::parse("Anna Berg", email, PASSWORD, PASSWORD).unwrap();
    Accounts::new(pool.clone())
        .register(&registration, false, Channel::Cli, &Caller::default())
        .await
        .unwrap();
}

fn assert_slowed(answer: &Answer) {
    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        answer.body
    );
    let wait = answer.retry_after();
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    assert!(
        answer.body.contains("Zu viele Versuche. Bitte warten Sie"),
        "a German message with the wait"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_owner_logs_in_after_fifty_failed_attempts_from_another_address(pool: PgPool) {
    account(&pool, "anna@ulm.example").await;
    let router = router(pool.clone(), &[]).await;
    let mut answers = Vec::new();
    for _ in 0..50 {
        answers.push(
            login(
                &router,
                ATTACKER,
                "anna@ulm.example",
                "falsches passwort",
                &[],
            )
            .await,
        );
    }
    let statuses: Vec<StatusCode> = answers.iter().map(|a| a.status).collect();
    assert!(
        statuses[..5]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY),
        "{statuses:?}"
    );
    assert!(
        statuses[5..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "slowed after five: {statuses:?}"
    );
    assert_slowed(&answers[5]);
    assert!(
        answers[5].retry_after() <= 5,
        "the first wait is short: {}",
        answers[5].retry_after()
    );
    assert!(
        answers[5].body.contains("Sekunden"),
        "a short wait is told in seconds"
    );
    // The attacker's address is slowed even with the right password …
    assert_eq!(
        login(&router, ATTACKER, "anna@ulm.example", PASSWORD, &[])
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … the owner's is not.
    let owner = login(&router, OWNER, "anna@ulm.example", PASSWORD, &[]).await;
    assert_eq!(owner.status, StatusCode::SEE_OTHER, "{}", owner.body);
    assert!(owner.session_cookie().is_some());
    let failures: i64 =
        sqlx::query_scalar("select count(*) from audit_log where event = 'login.failed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(failures, 5, "only evaluated guesses are failures");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn many_addresses_guessing_one_account_get_one_guess_each_and_then_wait(pool: PgPool) {
    account(&pool, "anna@ulm.example").await;
    let router = router(pool, &[]).await;
    for i in 0..15 {
        let answer = login(
            &router,
            &format!("203.0.113.{i}"),
            "anna@ulm.example",
            "falsches passwort",
            &[],
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "address {i}"
        );
    }
    // After ten failures of the account, an address that failed once waits before its second guess.
    assert_slowed(
        &login(
            &router,
            "203.0.113.0",
            "anna@ulm.example",
            "noch ein versuch",
            &[],
        )
        .await,
    );
    assert_eq!(
        login(&router, OWNER, "anna@ulm.example", PASSWORD, &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn failures_from_one_address_against_many_accounts_are_bounded(pool: PgPool) {
    account(&pool, "kollegin@ulm.example").await;
    let router = router(pool, &[]).await;
    let office = "192.0.2.10";
    assert_eq!(
        login(&router, office, "kollegin@ulm.example", PASSWORD, &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    for i in 0..30 {
        let answer = login(
            &router,
            office,
            &format!("person{i}@ulm.example"),
            "sommer2024",
            &[],
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "account {i}"
        );
    }
    assert_slowed(&login(&router, office, "person30@ulm.example", "sommer2024", &[]).await);
    assert_slowed(&login(&router, office, "person0@ulm.example", "sommer2024", &[]).await);
    // A colleague behind the same address who logged in from it before is not affected.
    assert_eq!(
        login(&router, office, "kollegin@ulm.example", PASSWORD, &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Nor is anyone elsewhere.
    let elsewhere = login(&router, OWNER, "person30@ulm.example", "sommer2024", &[]).await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn x_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(pool: PgPool) {
    account(&pool, "anna@ulm.example").await;
    // No trusted proxy: a fresh X-Forwarded-For on every guess does not escape the limit.
    let direct = router(pool.clone(), &[]).await;
    for i in 0..5 {
        let forged = format!("198.18.0.{i}");
        let answer = login(
            &direct,
            ATTACKER,
            "anna@ulm.example",
            "falsch",
            &[("x-forwarded-for", &forged)],
        )
        .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_slowed(
        &login(
            &direct,
            ATTACKER,
            "anna@ulm.example",
            "falsch",
            &[("x-forwarded-for", "198.18.0.99")],
        )
        .await,
    );
    let ips: Vec<Option<String>> =
        sqlx::query_scalar("select ip from audit_log where event = 'login.failed'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(
        ips.iter().all(|ip| ip.as_deref() == Some(ATTACKER)),
        "the audit log has the peer: {ips:?}"
    );

    // Behind a trusted proxy, the clients are told apart by the header.
    let proxied = router(pool.clone(), &["10.0.0.0/8"]).await;
    let proxy = "10.0.0.5";
    for _ in 0..5 {
        let xff = format!("6.6.6.6, {ATTACKER}");
        assert_eq!(
            login(
                &proxied,
                proxy,
                "anna@ulm.example",
                "falsch",
                &[("x-forwarded-for", &xff)]
            )
            .await
            .status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let xff = format!("{OWNER}, {ATTACKER}");
    assert_slowed(
        &login(
            &proxied,
            proxy,
            "anna@ulm.example",
            "falsch",
            &[("x-forwarded-for", &xff)],
        )
        .await,
    );
    let owner = login(
        &proxied,
        proxy,
        "anna@ulm.example",
        PASSWORD,
        &[("x-forwarded-for", OWNER)],
    )
    .await;
    assert_eq!(
        owner.status,
        StatusCode::SEE_OTHER,
        "the owner behind the same proxy gets in: {}",
        owner.body
    );
    let last: Option<String> = sqlx::query_scalar(
        "select ip from audit_log where event = 'login.succeeded' order by id desc limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(last.as_deref(), Some(OWNER));
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn deleting_the_account_with_wrong_passwords_is_slowed_like_a_login(pool: PgPool) {
    account(&pool, "anna@ulm.example").await;
    let router = router(pool.clone(), &[]).await;
    // A stolen session used from the attacker's address.
    let cookie = login(&router, ATTACKER, "anna@ulm.example", PASSWORD, &[])
        .await
        .session_cookie()
        .unwrap();
    for attempt in 0..5 {
        let guess = format!("geraten {attempt}");
        let answer = account_form(
            &router,
            ATTACKER,
            &cookie,
            &[
                ("form", "delete"),
                ("password", &guess),
                ("confirm", "LÖSCHEN"),
            ],
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.body
        );
    }
    assert_slowed(
        &account_form(
            &router,
            ATTACKER,
            &cookie,
            &[
                ("form", "delete"),
                ("password", "geraten"),
                ("confirm", "LÖSCHEN"),
            ],
        )
        .await,
    );
    assert_slowed(&login(&router, ATTACKER, "anna@ulm.example", PASSWORD, &[]).await);
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 1);
    assert_eq!(
        login(&router, OWNER, "anna@ulm.example", PASSWORD, &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn changing_the_password_with_wrong_current_passwords_is_slowed_too(pool: PgPool) {
    account(&pool, "anna@ulm.example").await;
    let router = router(pool, &[]).await;
    let cookie = login(&router, ATTACKER, "anna@ulm.example", PASSWORD, &[])
        .await
        .session_cookie()
        .unwrap();
    let new = "ein ganz neuer satz fuer das konto";
    let change = |current: String| {
        let (router, cookie) = (router.clone(), cookie.clone());
        async move {
            let form = [
                ("form", "password"),
                ("current_password", current.as_str()),
                ("new_password", new),
                ("new_password_repeat", new),
            ];
            account_form(&router, ATTACKER, &cookie, &form).await
        }
    };
    for attempt in 0..5 {
        let answer = change(format!("geraten {attempt}")).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            answer
                .body
                .contains("Das aktuelle Passwort ist nicht richtig.")
        );
    }
    assert_slowed(&change("geraten".into()).await);
    assert_slowed(&change(PASSWORD.into()).await);
    assert_eq!(
        send(&router, ATTACKER, "/konto", &[], &[("cookie", &cookie)])
            .await
            .status,
        StatusCode::OK,
        "the session still works"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn registering_an_existing_address_answers_like_a_new_one_and_creates_nothing(pool: PgPool) {
    let router = router(pool.clone(), &[]).await;
    let form = |name: &'static str, email: &'static str| {
        [
            ("name", name),
            ("email", email),
            ("password", PASSWORD),
            ("password_repeat", PASSWORD),
        ]
    };
    let new = send(
        &router,
        OWNER,
        "/registrieren",
        &form("Anna Berg", "anna@ulm.example"),
        &[],
    )
    .await;
    let again = send(
        &router,
        ATTACKER,
        "/registrieren",
        &form("Mallory", "Anna@Ulm.example"),
        &[],
    )
    .await;
    let other_new = send(
        &router,
        ATTACKER,
        "/registrieren",
        &form("Ben", "ben@ulm.example"),
        &[],
    )
    .await;
    for answer in [&new, &again, &other_new] {
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
        assert_eq!(
            answer.headers.get(header::LOCATION).unwrap(),
            "/anmelden?registriert=1"
        );
        assert!(
            answer.session_cookie().is_none(),
            "no session either way, or it would tell"
        );
        assert_eq!(answer.body, new.body);
    }
    let mut names: Vec<String> = new.headers.keys().map(|k| k.to_string()).collect();
    let mut names_again: Vec<String> = again.headers.keys().map(|k| k.to_string()).collect();
    names.sort();
    names_again.sort();
    assert_eq!(names, names_again, "the same headers");
    let page = send(&router, ATTACKER, "/anmelden?registriert=1", &[], &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Danke! Wir schicken Ihnen eine E-Mail an die angegebene Adresse."),
        "{}",
        page.body
    );

    let users: Vec<(String, String)> =
        sqlx::query_as("select email, display_name from users order by email")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        users,
        [
            ("anna@ulm.example".into(), "Anna Berg".into()),
            ("ben@ulm.example".into(), "Ben".into())
        ]
    );
    assert_eq!(
        login(&router, OWNER, "anna@ulm.example", PASSWORD, &[])
            .await
            .status,
        StatusCode::SEE_OTHER,
        "the new account works"
    );
    // The owner of the existing account is told by mail (recorded for the operator to send).
    let mails: Vec<(String, String)> =
        sqlx::query_as("select kind, recipient from outgoing_mail order by id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        mails,
        [
            ("account.welcome".into(), "anna@ulm.example".into()),
            (
                "account.registration_attempt".into(),
                "anna@ulm.example".into()
            ),
            ("account.welcome".into(), "ben@ulm.example".into()),
        ]
    );
    // Repeating it does not flood the owner's inbox.
    send(
        &router,
        OWNER,
        "/registrieren",
        &form("Mallory", "anna@ulm.example"),
        &[],
    )
    .await;
    let notices: i64 = sqlx::query_scalar(
        "select count(*) from outgoing_mail where kind = 'account.registration_attempt'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(notices, 1);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_valid_token_works_from_an_address_that_sent_many_wrong_ones(pool: PgPool) {
    fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    account(&pool, "anna@ulm.example").await;
    let accounts = Accounts::new(pool.clone());
    accounts
        .add_member(
            &Actor::operator(),
            "stadt-ulm",
            "anna@ulm.example",
            Role::Admin,
            Channel::Cli,
            &Caller::default(),
        )
        .await
        .unwrap();
    let anna: uuid::Uuid = sqlx::query_scalar("select id from users")
        .fetch_one(&pool)
        .await
        .unwrap();
    let actor = accounts.actor(anna).await.unwrap();
    let (_, token) = accounts
        .create_token(
            &actor,
            "stadt-ulm",
            "Fachverfahren",
            Channel::Cli,
            &Caller::default(),
        )
        .await
        .unwrap();
    let router = router(pool, &[]).await;
    let office = "192.0.2.10";
    let mut last = StatusCode::OK;
    for _ in 0..25 {
        last = send(
            &router,
            office,
            "/api/v1/token",
            &[],
            &[("authorization", "Bearer alm_geraten")],
        )
        .await
        .status;
    }
    assert_eq!(
        last,
        StatusCode::TOO_MANY_REQUESTS,
        "wrong tokens are limited"
    );
    let bearer = format!("Bearer {token}");
    let valid = send(
        &router,
        office,
        "/api/v1/token",
        &[],
        &[("authorization", &bearer)],
    )
    .await;
    assert_eq!(
        valid.status,
        StatusCode::OK,
        "a colleague's valid token still works: {}",
        valid.body
    );
}
