//! HTTP caching through the whole router: anonymous pages and API reads carry a weak `ETag`
//! and `public` caching and answer a repeated request 304; a change changes the `ETag`;
//! answers for a signed-in person, writes, errors and operations are never stored; pages
//! vary by language and session; the CSP allows exactly the inline scripts pages carry, by
//! their hashes; static files are served under content-hashed names, `immutable`.

use std::sync::LazyLock;

use allmende_server::http::assets::{IMMUTABLE, REVALIDATE, SHORT};
use allmende_server::http::middleware::cache::{NEVER, PERSONAL, PUBLIC};
use allmende_server::http::middleware::security;
use axum::http::{HeaderMap, StatusCode, header};
use scraper::{Html, Selector};
use sqlx::PgPool;

use crate::fixtures;
use crate::http::{app, sample, state};

/// The inline scripts the page shell writes for the test site (no built bundle).
pub(crate) fn shell_scripts() -> &'static [String] {
    static SCRIPTS: LazyLock<Vec<String>> = LazyLock::new(|| {
        let options = allmende_server::http::leptos_options(
            std::path::Path::new("/nonexistent"),
            "127.0.0.1:3000".parse().unwrap(),
        );
        security::shell_scripts(&options)
    });
    &SCRIPTS
}

/// The text of every inline `<script>` of a page, parsed as a browser would.
pub(crate) fn inline_scripts(html: &str) -> Vec<String> {
    Html::parse_document(html)
        .select(&Selector::parse("script").unwrap())
        .filter(|script| script.value().attr("src").is_none())
        .map(|script| script.text().collect())
        .collect()
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    fn etag(&self) -> String {
        self.header(header::ETAG).to_owned()
    }
}

async fn send(router: &axum::Router, method: &str, path: &str, headers: &[(&str, &str)]) -> Answer {
    let (status, headers, body) = crate::http::send(router, method, path, headers).await;
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(router: &axum::Router, path: &str, headers: &[(&str, &str)]) -> Answer {
    send(router, "GET", path, headers).await
}

/// Every page kind an anonymous visitor reads (the search box island is on all of them).
const ANONYMOUS_PAGES: &[&str] = &[
    "/",
    "/loesungen",
    "/loesungen?state=BW",
    "/loesungen/sperrmuell-online",
    "/suche?q=sperrmuell",
    "/organisationen",
    "/organisationen/stadt-ulm",
    "/datenmodelle",
    "/nachnutzung",
    "/anmelden",
    "/impressum",
];

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_repeated_anonymous_page_is_answered_304_with_its_etag(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool).await;
    for path in ANONYMOUS_PAGES {
        let first = get(&router, path, &[]).await;
        assert_eq!(first.status, StatusCode::OK, "{path}: {}", first.body);
        assert_eq!(first.header(header::CACHE_CONTROL), PUBLIC, "{path}");
        let etag = first.etag();
        assert!(
            etag.starts_with("W/\"") && etag.len() > 10,
            "{path}: {etag}"
        );
        let vary = first.header(header::VARY);
        assert!(
            vary.contains("Accept-Language") && vary.contains("Cookie"),
            "{path}: {vary}"
        );

        let again = get(&router, path, &[]).await;
        assert_eq!(
            again.etag(),
            etag,
            "{path}: the same page has the same ETag"
        );
        let current = get(&router, path, &[("if-none-match", &etag)]).await;
        assert_eq!(current.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(current.body.is_empty(), "{path}: a 304 has no body");
        assert_eq!(current.etag(), etag, "{path}");
        assert_eq!(current.header(header::CACHE_CONTROL), PUBLIC, "{path}");
        assert!(current.header(header::VARY).contains("Cookie"), "{path}");

        let stale = get(&router, path, &[("if-none-match", "W/\"veraltet\"")]).await;
        assert_eq!(stale.status, StatusCode::OK, "{path}");
    }
    let english = get(&router, "/", &[("accept-language", "en")]).await;
    assert_ne!(
        english.etag(),
        get(&router, "/", &[]).await.etag(),
        "another language is another page"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn an_api_read_is_answered_304_and_a_changed_entry_changes_the_etag(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool.clone()).await;
    let api = "/api/v1/solutions/sperrmuell-online";
    let page = "/loesungen/sperrmuell-online";
    let read = get(&router, api, &[]).await;
    assert_eq!(read.status, StatusCode::OK);
    assert_eq!(read.header(header::CACHE_CONTROL), PUBLIC);
    let api_etag = read.etag();
    assert!(api_etag.starts_with("W/\""), "{api_etag}");
    let current = get(&router, api, &[("if-none-match", &api_etag)]).await;
    assert_eq!(current.status, StatusCode::NOT_MODIFIED);
    assert!(current.body.is_empty());
    let list = get(&router, "/api/v1/solutions", &[]).await;
    assert_eq!(
        get(
            &router,
            "/api/v1/solutions",
            &[("if-none-match", &list.etag())]
        )
        .await
        .status,
        StatusCode::NOT_MODIFIED
    );
    let page_etag = get(&router, page, &[]).await.etag();

    sqlx::query(
        "update solutions set short_description = 'Eine geänderte Beschreibung.' where slug = 'sperrmuell-online'",
    )
    .execute(&pool)
    .await
    .unwrap();

    let changed = get(&router, api, &[("if-none-match", &api_etag)]).await;
    assert_eq!(changed.status, StatusCode::OK, "the old copy is stale");
    assert!(changed.body.contains("Eine geänderte Beschreibung."));
    assert_ne!(changed.etag(), api_etag);
    let changed_page = get(&router, page, &[("if-none-match", &page_etag)]).await;
    assert_eq!(changed_page.status, StatusCode::OK);
    assert_ne!(changed_page.etag(), page_etag);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn head_answers_with_the_etag_of_get(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool).await;
    let got = get(&router, "/loesungen", &[]).await;
    let head = send(&router, "HEAD", "/loesungen", &[]).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(head.etag(), got.etag());
    let current = send(
        &router,
        "HEAD",
        "/loesungen",
        &[("if-none-match", &got.etag())],
    )
    .await;
    assert_eq!(current.status, StatusCode::NOT_MODIFIED);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_signed_in_page_is_private_and_carries_no_validator(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool).await;
    let anonymous = get(&router, "/loesungen", &[]).await;
    let cookie = crate::accounts::register(&router, "Anna Berg", "anna@ulm.example").await;
    for path in ["/", "/loesungen", "/loesungen/sperrmuell-online", "/konto"] {
        let answer = get(&router, path, &[("cookie", &cookie)]).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.header(header::CACHE_CONTROL), PERSONAL, "{path}");
        assert!(answer.headers.get(header::ETAG).is_none(), "{path}");
        assert!(
            answer.headers.get(header::LAST_MODIFIED).is_none(),
            "{path}"
        );
        assert!(
            !answer.header(header::CACHE_CONTROL).contains("public"),
            "{path}"
        );
        assert!(answer.header(header::VARY).contains("Cookie"), "{path}");
    }
    let with_old_copy = get(
        &router,
        "/loesungen",
        &[("cookie", &cookie), ("if-none-match", &anonymous.etag())],
    )
    .await;
    assert_eq!(
        with_old_copy.status,
        StatusCode::OK,
        "no 304 for a signed-in page, even if it matched"
    );
    let with_token = get(
        &router,
        "/api/v1/solutions",
        &[("authorization", "Bearer kein-gueltiges-token")],
    )
    .await;
    assert_eq!(with_token.header(header::CACHE_CONTROL), PERSONAL);
    assert!(with_token.headers.get(header::ETAG).is_none());
    let stale_session = get(
        &router,
        "/",
        &[("cookie", "__Host-allmende_sitzung=abgelaufen")],
    )
    .await;
    assert!(stale_session.headers.get(header::SET_COOKIE).is_some());
    assert_eq!(stale_session.header(header::CACHE_CONTROL), PERSONAL);
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn writes_redirects_errors_and_operations_are_never_stored(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool).await;
    for (method, path, status) in [
        ("GET", "/gibt-es-nicht", StatusCode::NOT_FOUND),
        ("GET", "/loesungen/gibt-es-nicht", StatusCode::NOT_FOUND),
        (
            "GET",
            "/api/v1/solutions/gibt-es-nicht",
            StatusCode::NOT_FOUND,
        ),
        (
            "GET",
            "/api/v1/solutions?per_page=500",
            StatusCode::BAD_REQUEST,
        ),
        ("GET", "/konto", StatusCode::SEE_OTHER),
        ("GET", "/pkg/fehlt.js", StatusCode::NOT_FOUND),
        ("GET", "/healthz", StatusCode::OK),
        ("GET", "/metrics", StatusCode::FORBIDDEN),
        ("POST", "/abmelden", StatusCode::SEE_OTHER),
    ] {
        let answer = send(&router, method, path, &[]).await;
        assert_eq!(answer.status, status, "{method} {path}: {}", answer.body);
        let policy = answer.header(header::CACHE_CONTROL);
        assert!(
            policy == NEVER || policy == PERSONAL,
            "{method} {path}: {policy}"
        );
        assert!(
            answer.headers.get(header::ETAG).is_none(),
            "{method} {path}"
        );
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn compression_keeps_the_vary_of_pages(pool: PgPool) {
    sample(&pool).await;
    let router = app(pool).await;
    let answer = get(&router, "/loesungen", &[("accept-encoding", "gzip")]).await;
    assert_eq!(answer.header(header::CONTENT_ENCODING), "gzip");
    let vary: Vec<String> = answer
        .headers
        .get_all(header::VARY)
        .iter()
        .map(|v| v.to_str().unwrap().to_ascii_lowercase())
        .collect();
    let vary = vary.join(", ");
    assert!(
        vary.contains("accept-encoding")
            && vary.contains("accept-language")
            && vary.contains("cookie"),
        "{vary}"
    );
    let plain = get(&router, "/loesungen", &[]).await;
    assert_eq!(answer.etag(), plain.etag(), "one page, one weak ETag");
}

/// The measurement behind the CSP: every page kind carries the same three inline scripts,
/// the shell's, and the policy allows exactly their hashes.
#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_policy_allows_every_inline_script_of_every_page_by_its_hash(pool: PgPool) {
    sample(&pool).await;
    let ulm = sqlx::query_scalar::<_, uuid::Uuid>(
        "select id from organisations where slug = 'stadt-ulm'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    fixtures::data_model(&pool, ulm, "abfallkalender", "Abfallkalender", "umwelt").await;
    let router = app(pool).await;
    let cookie = crate::accounts::register(&router, "Anna Berg", "anna@ulm.example").await;
    let mut pages: Vec<(&str, Option<&str>)> =
        ANONYMOUS_PAGES.iter().map(|path| (*path, None)).collect();
    pages.extend([
        ("/datenmodelle/abfallkalender", None),
        ("/datenmodelle/abfallkalender/pruefen", None),
        ("/gibt-es-nicht", None),
        ("/konto", Some(cookie.as_str())),
        ("/organisationen/neu", Some(cookie.as_str())),
    ]);
    let expected: Vec<String> = shell_scripts().to_vec();
    for (path, cookie) in pages {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        let answer = get(&router, path, &headers).await;
        let csp = answer.header(header::CONTENT_SECURITY_POLICY);
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("nonce"),
            "{path}: {csp}"
        );
        assert!(
            !answer.body.contains("nonce="),
            "{path}: no nonce attributes"
        );
        let scripts = inline_scripts(&answer.body);
        assert_eq!(
            scripts, expected,
            "{path}: the shell's scripts, nothing else"
        );
        for script in &scripts {
            assert!(
                csp.contains(&security::script_hash(script)),
                "{path}: {script} is allowed"
            );
        }
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn static_files_are_served_under_hashed_names_for_a_year(pool: PgPool) {
    let site = tempfile::tempdir().unwrap().keep();
    let write = |path: &str, content: &[u8]| {
        let path = site.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    };
    write("pkg/allmende.js", b"export default function init() {}");
    write("pkg/allmende.wasm", b"\0asm\x01\0\0\0");
    write("pkg/allmende.css", b"body{margin:0}");
    write("kern/kern.min.css", b".kern{color:red}");
    write("kern/fonts/FiraSans-Regular.woff2", b"wOF2 font");
    write(
        "kern/fonts.css",
        b"@font-face{font-family:'Fira Sans';src:url(\"fonts/FiraSans-Regular.woff2\") format('woff2')}",
    );
    write("favicon.ico", b"icon");
    let mut state = state(pool).await;
    state.leptos_options.site_root = site.to_string_lossy().into_owned().into();
    let router = allmende_server::http::router(state);

    let page = get(&router, "/", &[]).await;
    let document = Html::parse_document(&page.body);
    let links: Vec<String> = document
        .select(
            &Selector::parse("link[rel=stylesheet], link[rel=modulepreload], link[rel=preload]")
                .unwrap(),
        )
        .filter_map(|link| link.value().attr("href").map(str::to_owned))
        .collect();
    assert_eq!(links.len(), 5, "{links:?}");
    for link in &links {
        assert!(
            link.split('/').next_back().unwrap().matches('.').count() >= 2,
            "{link} carries a hash"
        );
        let asset = get(&router, link, &[]).await;
        assert_eq!(asset.status, StatusCode::OK, "{link}");
        assert_eq!(asset.header(header::CACHE_CONTROL), IMMUTABLE, "{link}");
    }
    let fonts_css = links
        .iter()
        .find(|l| l.starts_with("/kern/fonts."))
        .unwrap();
    let css = get(&router, fonts_css, &[]).await;
    assert_eq!(css.header(header::CONTENT_TYPE), "text/css; charset=utf-8");
    let font = css
        .body
        .split("url(\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    assert!(font.starts_with("/kern/fonts/FiraSans-Regular.") && font.ends_with(".woff2"));
    assert_ne!(font, "/kern/fonts/FiraSans-Regular.woff2");
    let font = get(&router, &font, &[]).await;
    assert_eq!(font.body, "wOF2 font");
    assert_eq!(font.header(header::CACHE_CONTROL), IMMUTABLE);

    // The loader names the hashed bundle, and the policy allows it by its hash.
    let csp = page.header(header::CONTENT_SECURITY_POLICY);
    let scripts = inline_scripts(&page.body);
    assert_eq!(scripts.len(), 3);
    assert!(scripts[0].contains("\"allmende."), "{}", scripts[0]);
    for script in &scripts {
        assert!(csp.contains(&security::script_hash(script)), "{script}");
    }

    let plain = get(&router, "/pkg/allmende.css", &[]).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header(header::CACHE_CONTROL), REVALIDATE);
    let favicon = get(&router, "/favicon.ico", &[]).await;
    assert_eq!(favicon.header(header::CACHE_CONTROL), SHORT);
    let stale = get(&router, "/pkg/allmende.0000000000000000.css", &[]).await;
    assert_eq!(
        stale.status,
        StatusCode::NOT_FOUND,
        "an unknown hash is not guessed"
    );
    assert_eq!(stale.header(header::CACHE_CONTROL), NEVER);
}
