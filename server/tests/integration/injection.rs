//! Hostile text in every field a person or a client can fill, then every page that shows it:
//! nothing executable or structural may get through, whether the text was stored (names,
//! descriptions, tags, contacts, notes, examples) or only reflected (search, filters, a refused
//! form, the import preview, the payload check). The pages are parsed as a browser would
//! (html5ever via `scraper`) and checked for elements and attributes, not for substrings.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use scraper::{Html, Selector};
use sqlx::PgPool;
use tower::ServiceExt;

use crate::http::app;

/// Strings that end elements, open new ones, carry event handlers or script URLs.
const HOSTILE: &[&str] = &[
    "</title><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    "</textarea><form action=\"https://evil.example/\"><input name=\"x\"></form>",
    "\"><img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)><a href=\"javascript:alert(2)\">x</a></svg>",
    "'><iframe src=\"https://evil.example/\"></iframe>",
    "[klick](javascript:alert(3)) <a href=\"javascript:alert(4)\">a</a>",
    "<style>*{display:none}</style><base href=\"https://evil.example/\">",
];

const PASSWORD: &str = "gruene wiese am fluss";
const ORIGIN: &str = "https://allmende.test";

struct Answer {
    status: StatusCode,
    location: String,
    content_type: String,
    body: String,
}

async fn send(
    router: &axum::Router,
    method: &str,
    path: &str,
    body: Body,
    content_type: &str,
    cookie: &str,
) -> Answer {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let text = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (location, content_type) = (text(header::LOCATION), text(header::CONTENT_TYPE));
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        location,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn post_form(
    router: &axum::Router,
    path: &str,
    form: &[(&str, &str)],
    cookie: &str,
) -> Answer {
    let body = Body::from(serde_urlencoded::to_string(form).unwrap());
    send(
        router,
        "POST",
        path,
        body,
        "application/x-www-form-urlencoded",
        cookie,
    )
    .await
}

async fn get(router: &axum::Router, path: &str, cookie: &str) -> Answer {
    send(router, "GET", path, Body::empty(), "text/plain", cookie).await
}

fn encode(text: &str) -> String {
    serde_urlencoded::to_string([("q", text)]).unwrap()[2..].to_owned()
}

/// Cuts `text` to at most `max` characters (names have a limit).
fn at_most(text: String, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Asserts that an HTML page holds nothing that a hostile string could have made: one title,
/// no refresh or base, no frames, no foreign forms, no event handlers, no script URLs, and only
/// our own scripts (from /pkg, or inline exactly as the page shell writes them, which the CSP
/// allows by their hashes).
fn assert_inert(path: &str, html: &str) {
    let shell_scripts = crate::caching::shell_scripts();
    let document = Html::parse_document(html);
    let select = |css: &str| Selector::parse(css).unwrap();
    assert_eq!(
        document.select(&select("title")).count(),
        1,
        "{path}: exactly one <title>"
    );
    assert_eq!(
        document.select(&select("head title")).count(),
        1,
        "{path}: the title stays in <head>"
    );
    for css in [
        "meta[http-equiv]",
        "base",
        "iframe",
        "object",
        "embed",
        "frame",
        "style",
        "img[onerror]",
    ] {
        assert_eq!(
            document.select(&select(css)).count(),
            0,
            "{path}: no `{css}` may appear"
        );
    }
    for script in document.select(&select("script")) {
        let src = script.value().attr("src").unwrap_or("");
        let text: String = script.text().collect();
        assert!(
            src.is_empty() || src.starts_with("/pkg/"),
            "{path}: foreign script {src}"
        );
        assert!(
            !text.contains("alert("),
            "{path}: hostile script text {text}"
        );
        assert!(
            src.starts_with("/pkg/") || shell_scripts.contains(&text),
            "{path}: an inline script the page shell does not write: {text}"
        );
    }
    for element in document.select(&select("*")) {
        for (name, value) in element.value().attrs() {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{path}: event handler {name}={value} on <{}>",
                element.value().name()
            );
            if matches!(
                name,
                "href" | "src" | "action" | "formaction" | "xlink:href"
            ) {
                let value = value.trim().to_ascii_lowercase();
                assert!(
                    !value.starts_with("javascript:") && !value.starts_with("data:"),
                    "{path}: script URL {name}={value}"
                );
            }
            if name == "action" {
                assert!(
                    value.starts_with('/') || value.starts_with('#'),
                    "{path}: a form sends to {value}"
                );
            }
        }
    }
    // What a textarea shows is text: nothing inside it became an element.
    for textarea in document.select(&select("textarea")) {
        assert_eq!(
            textarea
                .children()
                .filter(|c| c.value().is_element())
                .count(),
            0,
            "{path}: elements inside a textarea"
        );
    }
}

/// Fetches a page and checks it; the body for further assertions.
async fn inert_page(router: &axum::Router, path: &str, cookie: &str) -> String {
    let answer = get(router, path, cookie).await;
    if answer.status.is_redirection() {
        // Pages for members send visitors to the login page: a local address, nothing shown.
        assert!(
            answer.location.starts_with('/') && !answer.location.starts_with("//"),
            "{path}: to {}",
            answer.location
        );
        return String::new();
    }
    assert!(
        answer.status.is_success() || answer.status == StatusCode::NOT_FOUND,
        "{path}: {}",
        answer.status
    );
    assert!(
        answer.content_type.starts_with("text/html"),
        "{path}: {}",
        answer.content_type
    );
    assert_inert(path, &answer.body);
    answer.body
}

/// The text of the page's `<title>` as a browser reads it.
fn title_of(html: &str) -> String {
    Html::parse_document(html)
        .select(&Selector::parse("title").unwrap())
        .next()
        .unwrap()
        .text()
        .collect()
}

async fn login(router: &axum::Router, email: &str) -> String {
    let answer = post_form(
        router,
        "/anmelden",
        &[("email", email), ("password", PASSWORD)],
        "",
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "login");
    let request = Request::post("/anmelden")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, ORIGIN)
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

fn solution_form<'a>(
    org: &'a str,
    name: &'a str,
    short: &'a str,
    long: &'a str,
    hostile: &'a str,
) -> Vec<(&'a str, &'a str)> {
    // A tag holds at most 40 characters (and commas separate tags).
    let tag_end = hostile
        .char_indices()
        .nth(40)
        .map_or(hostile.len(), |(i, _)| i);
    vec![
        ("organisation", org),
        ("name", name),
        ("short_description", short),
        ("short_description_en", short),
        ("long_description", long),
        ("long_description_en", long),
        ("repository_url", "https://gitlab.opencode.de/test/melder"),
        ("licence", "EUPL-1.2"),
        ("development_status", "beta"),
        ("software_type", "standalone/web"),
        ("maintenance_type", "contract"),
        ("contractors[0].name", hostile),
        ("contractors[0].until", "2030-12-31"),
        ("contractors[0].email", "dienstleister@example.org"),
        ("contacts[0].name", hostile),
        ("contacts[0].email", "kontakt@example.org"),
        ("categories", "digital-citizenship"),
        ("tags", &hostile[..tag_end]),
        ("features", hostile),
        ("version", "1.0.0"),
        ("change_message", hostile),
    ]
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn hostile_text_in_every_field_shows_as_text_on_every_page(pool: PgPool) {
    let router = app(pool.clone()).await;
    let hostile_all = HOSTILE.join(" ");

    // A person whose display name is hostile, with an organisation whose name is hostile.
    let display_name = at_most(format!("Petra {}", HOSTILE[0]), 100);
    let answer = post_form(
        &router,
        "/registrieren",
        &[
            ("name", &display_name),
            ("email", "petra@example.org"),
            ("password", PASSWORD),
            ("password_repeat", PASSWORD),
        ],
        "",
    )
    .await;
    assert!(
        answer.status.is_redirection() || answer.status.is_success(),
        "registration: {}",
        answer.status
    );
    let cookie = login(&router, "petra@example.org").await;
    let org_name = at_most(format!("Stadt {}", HOSTILE[0]), 100);
    let answer = post_form(
        &router,
        "/organisationen/neu",
        &[
            ("name", &org_name),
            ("kind", "stadt"),
            ("bundesland", "BW"),
            ("ags", ""),
            ("website", ""),
        ],
        &cookie,
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::SEE_OTHER,
        "organisation: {}",
        answer.body
    );
    let org_slug = answer
        .location
        .trim_start_matches("/organisationen/")
        .split(['/', '?'])
        .next()
        .unwrap()
        .to_owned();
    let org_path = format!("/organisationen/{org_slug}");

    // One solution and one data model per hostile string, every text field filled with it.
    let mut solutions = Vec::new();
    let mut models = Vec::new();
    for (i, hostile) in HOSTILE.iter().enumerate() {
        let name = at_most(format!("Lösung {i} {hostile}"), 100);
        let short = at_most(format!("Kurzbeschreibung {hostile}"), 150);
        let long = format!(
            "# {hostile}\n\n{hostile}\n\n> {hostile}\n\n* {hostile}\n\n`{hostile}`\n\n```\n{hostile}\n```\n"
        );
        let answer = post_form(
            &router,
            "/loesungen/neu",
            &solution_form(&org_slug, &name, &short, &long, hostile),
            &cookie,
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "solution {i}: {}",
            answer.body
        );
        let slug = answer
            .location
            .trim_start_matches("/loesungen/")
            .split(['/', '?'])
            .next()
            .unwrap()
            .to_owned();
        // A second revision, so that history and comparison have two versions to show.
        let edited = format!("{long}\n\nGeändert: {hostile}");
        let answer = post_form(
            &router,
            &format!("/loesungen/{slug}/bearbeiten"),
            &solution_form(&org_slug, &name, &short, &edited, hostile),
            &cookie,
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "edit {i}: {}",
            answer.body
        );
        solutions.push(slug);

        let schema = serde_json::json!({"type": "object", "title": hostile, "description": hostile,
            "properties": {"name": {"type": "string", "description": hostile}}})
        .to_string();
        let examples = serde_json::json!([{ "name": hostile }]).to_string();
        let model_form = [
            ("organisation", org_slug.as_str()),
            ("name", &at_most(format!("Modell {i} {hostile}"), 100)),
            ("short_description", &short),
            ("description", &long),
            ("domain", "verwaltung"),
            ("json_schema", &schema),
            ("examples", &examples),
            ("version", "1.0.0"),
            ("licence", "CC-BY-4.0"),
            ("change_message", hostile),
        ];
        let answer = post_form(&router, "/datenmodelle/neu", &model_form, &cookie).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "data model {i}: {}",
            answer.body
        );
        models.push(
            answer
                .location
                .trim_start_matches("/datenmodelle/")
                .split(['/', '?'])
                .next()
                .unwrap()
                .to_owned(),
        );
    }

    // "Wir nutzen das" with a hostile contact and note, and a fork, on the first entries.
    let adopt = [
        ("form", "adopt"),
        ("organisation", org_slug.as_str()),
        ("status", "production"),
        ("since", "2025-01-01"),
        ("contact_name", HOSTILE[1]),
        ("contact_email", "nutzer@example.org"),
        ("note", hostile_all.as_str()),
    ];
    let answer = post_form(
        &router,
        &format!("/loesungen/{}/nachnutzen", solutions[0]),
        &adopt,
        &cookie,
    )
    .await;
    assert!(
        answer.status.is_redirection(),
        "adoption: {} {}",
        answer.status,
        answer.body
    );

    // Stored: every page that shows these entries.
    let mut pages = vec![
        "/".to_owned(),
        "/loesungen".to_owned(),
        "/datenmodelle".to_owned(),
        "/organisationen".to_owned(),
        org_path.clone(),
        format!("/organisationen/{org_slug}/mitglieder"),
        format!("/organisationen/{org_slug}/tokens"),
        format!("/organisationen/{org_slug}/protokoll"),
        "/konto".to_owned(),
        "/nachnutzung".to_owned(),
    ];
    for slug in &solutions {
        for tail in [
            "",
            "/bearbeiten",
            "/versionen",
            "/vergleich?von=1&bis=2",
            "/nachnutzen",
        ] {
            pages.push(format!("/loesungen/{slug}{tail}"));
        }
    }
    for slug in &models {
        for tail in [
            "",
            "/bearbeiten",
            "/versionen",
            "/aenderungen",
            "/pruefen",
            "/nachnutzen",
        ] {
            pages.push(format!("/datenmodelle/{slug}{tail}"));
        }
    }
    // Reflected: search, filters and refused parameters.
    for hostile in HOSTILE {
        for path in ["/suche", "/loesungen", "/datenmodelle", "/organisationen"] {
            pages.push(format!("{path}?q={}", encode(hostile)));
        }
        pages.push(format!(
            "/loesungen?state={}&sort={}",
            encode(hostile),
            encode(hostile)
        ));
        pages.push(format!("/anmelden?weiter={}", encode(hostile)));
    }
    for path in &pages {
        for who in ["", cookie.as_str()] {
            inert_page(&router, path, who).await;
        }
    }

    // The hostile text is really shown (as text), so the checks above looked at it.
    let detail = inert_page(&router, &format!("/loesungen/{}", solutions[0]), "").await;
    assert!(
        title_of(&detail).contains("</title><meta http-equiv"),
        "the title shows the name as typed: {}",
        title_of(&detail)
    );
    let search = inert_page(&router, &format!("/suche?q={}", encode(HOSTILE[0])), "").await;
    assert!(
        title_of(&search).contains(HOSTILE[0]),
        "the search title shows the query as typed"
    );
    let edit = inert_page(
        &router,
        &format!("/loesungen/{}/bearbeiten", solutions[1]),
        &cookie,
    )
    .await;
    let document = Html::parse_document(&edit);
    let long = document
        .select(&Selector::parse("textarea[name=long_description]").unwrap())
        .next()
        .expect("long description field");
    assert!(
        long.text().collect::<String>().contains(HOSTILE[1]),
        "the textarea holds the text as typed"
    );

    // Reflected through refused forms: the typed values come back, inert.
    let mut refused = solution_form(&org_slug, HOSTILE[3], HOSTILE[1], HOSTILE[1], HOSTILE[1]);
    refused.retain(|(k, _)| *k != "repository_url");
    refused.push(("repository_url", "javascript:alert(1)"));
    let answer = post_form(&router, "/loesungen/neu", &refused, &cookie).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a script URL is refused"
    );
    assert_inert("/loesungen/neu (refused)", &answer.body);
    let answer = post_form(
        &router,
        "/registrieren",
        &[
            ("name", HOSTILE[1]),
            ("email", HOSTILE[2]),
            ("password", "x"),
        ],
        "",
    )
    .await;
    assert_inert("/registrieren (refused)", &answer.body);
    let answer = post_form(
        &router,
        &format!("/datenmodelle/{}/pruefen", models[0]),
        &[("payload", &hostile_all)],
        "",
    )
    .await;
    assert_inert("/datenmodelle/…/pruefen (not JSON)", &answer.body);
    let payload = serde_json::json!({"name": 5, "x": hostile_all}).to_string();
    let answer = post_form(
        &router,
        &format!("/datenmodelle/{}/pruefen", models[0]),
        &[("payload", &payload)],
        "",
    )
    .await;
    assert_inert("/datenmodelle/…/pruefen (invalid payload)", &answer.body);

    // The import preview shows a hostile publiccode.yml.
    let yaml = format!(
        "publiccodeYmlVersion: \"0.4\"\nname: {name:?}\nurl: \"https://gitlab.opencode.de/test/x\"\nsoftwareVersion: {name:?}\n\
         platforms: [web]\ncategories: [{name:?}]\ndevelopmentStatus: stable\nsoftwareType: standalone/web\n\
         description:\n  de:\n    shortDescription: {name:?}\n    longDescription: {long:?}\n    features: [{name:?}]\n\
         legal:\n  license: EUPL-1.2\nmaintenance:\n  type: internal\n  contacts:\n    - name: {name:?}\nlocalisation:\n  localisationReady: true\n  availableLanguages: [de]\n",
        name = HOSTILE[1],
        long = hostile_all
    );
    let boundary = "grenze1234";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"organisation\"\r\n\r\n{org_slug}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\npreview\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"yaml\"\r\n\r\n{yaml}\r\n--{boundary}--\r\n"
    );
    let answer = send(
        &router,
        "POST",
        "/loesungen/importieren",
        Body::from(multipart),
        &format!("multipart/form-data; boundary={boundary}"),
        &cookie,
    )
    .await;
    assert!(
        answer.status.is_success() || answer.status == StatusCode::UNPROCESSABLE_ENTITY,
        "import preview: {}",
        answer.status
    );
    assert_inert("/loesungen/importieren (preview)", &answer.body);
    assert!(
        answer.body.contains("&lt;/textarea&gt;"),
        "the preview shows the file's text, escaped"
    );

    // The JSON API answers JSON whatever the text holds.
    for path in [
        format!("/api/v1/solutions/{}", solutions[0]),
        format!("/api/v1/data-models/{}", models[0]),
        "/api/v1/solutions".into(),
    ] {
        let answer = get(&router, &path, "").await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert!(
            answer.content_type.starts_with("application/json"),
            "{path}: {}",
            answer.content_type
        );
        serde_json::from_str::<serde_json::Value>(&answer.body).expect("valid JSON");
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_nul_character_in_an_address_or_a_form_is_refused_with_400(pool: PgPool) {
    let router = app(pool).await;
    for path in [
        "/loesungen/abc%00def",
        "/loesungen?q=a%00b",
        "/loesungen?state=BW%00",
        "/api/v1/solutions/x%00y",
        "/api/v1/solutions?q=%00",
    ] {
        let answer = get(&router, path, "").await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            answer.body.contains("Nullzeichen"),
            "{path}: {}",
            answer.body
        );
    }
    let answer = post_form(
        &router,
        "/anmelden",
        &[("email", "a\0b@example.org"), ("password", "x")],
        "",
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(answer.body.contains("Nullzeichen"), "{}", answer.body);
}
