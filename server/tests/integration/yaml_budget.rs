//! Alias bombs against the public validation API: each shape is a few KiB to a few hundred KiB
//! of YAML whose aliases would expand to tens of MiB or more. The answer must come back (a
//! report with `valid: false` and an error naming the limit), not the process run out of memory.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sqlx::PgPool;
use tower::ServiceExt;

use crate::http::app;

/// Longest the test waits for one answer; the parser's own time budget is 2 s.
const PATIENCE: Duration = Duration::from_secs(5);

/// POSTs `yaml` to the validation API and waits at most [`PATIENCE`]. The request runs on a
/// blocking thread of its own, so the timeout also fires when the handler never yields.
async fn validate_in_time(router: &axum::Router, yaml: String) -> (StatusCode, serde_json::Value) {
    let (router, runtime) = (router.clone(), tokio::runtime::Handle::current());
    let request = Request::post("/api/v1/publiccode/validate")
        .header(header::CONTENT_TYPE, "application/yaml")
        .body(Body::from(yaml))
        .unwrap();
    let call = tokio::task::spawn_blocking(move || {
        runtime.block_on(async move {
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (
                status,
                serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
            )
        })
    });
    tokio::time::timeout(PATIENCE, call)
        .await
        .expect("the validation API answers within a few seconds")
        .unwrap()
}

/// `name: &name value` lines: level 0 as given, each further level `width` uses of the one
/// before, as a flow list or (with `map`) a flow mapping whose first key is the merge key `<<`.
fn chain(level0: &str, width: usize, levels: usize, map: bool) -> String {
    let mut doc = format!("publiccodeYmlVersion: \"0\"\nl0: &l0 {level0}\n");
    for i in 1..=levels {
        let p = i - 1;
        let uses: Vec<String> = if map {
            (0..width)
                .map(|k| {
                    if k == 0 {
                        format!("<<: *l{p}")
                    } else {
                        format!("k{k}: *l{p}")
                    }
                })
                .collect()
        } else {
            vec![format!("*l{p}"); width]
        };
        let (open, close) = if map { ('{', '}') } else { ('[', ']') };
        doc.push_str(&format!("l{i}: &l{i} {open}{}{close}\n", uses.join(", ")));
    }
    doc
}

/// A flow mapping of `keys` entries, each a text of `text` bytes.
fn wide_map(keys: usize, text: usize) -> String {
    let entries: Vec<String> = (0..keys)
        .map(|k| format!("f{k}: \"{}\"", "y".repeat(text)))
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// A flow list of `items` texts of `text` bytes each.
fn list_of_texts(items: usize, text: usize) -> String {
    format!(
        "[{}]",
        vec![format!("\"{}\"", "z".repeat(text)); items].join(", ")
    )
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn alias_chains_that_would_expand_to_megabytes_are_refused_with_the_limit_named(
    pool: PgPool,
) {
    let router = app(pool).await;
    let shapes = [
        // A 10 KiB text, ten uses per level: 10 MiB at level 3.
        (
            "long text",
            chain(&format!("\"{}\"", "x".repeat(10 * 1024)), 10, 3, false),
        ),
        // 64 texts of 1 KiB in a map, sixteen uses per level: 16 MiB at level 2.
        ("wide map", chain(&wide_map(64, 1024), 16, 2, false)),
        // 20 texts of 500 bytes, ten uses per level: 10 MiB in 20 000 small nodes at level 3.
        (
            "chain of lists",
            chain(&list_of_texts(20, 500), 10, 3, false),
        ),
        // Merge-key style `{<<: *l0, k1: *l0, …}`: 8 texts of 4 KiB, eight uses per level: 16 MiB at level 3.
        ("merge keys", chain(&wide_map(8, 4 * 1024), 8, 3, true)),
        // Billion laughs: ten short items, ten uses per level, eight levels.
        (
            "billion laughs",
            chain("[ha, ha, ha, ha, ha, ha, ha, ha, ha, ha]", 10, 8, false),
        ),
    ];
    for (shape, yaml) in shapes {
        assert!(
            yaml.len() <= allmende_server::publiccode::MAX_BYTES,
            "{shape}: {} bytes",
            yaml.len()
        );
        let (status, body) = validate_in_time(&router, yaml).await;
        assert_eq!(status, StatusCode::OK, "{shape}: {body}");
        assert_eq!(body["valid"], false, "{shape}: {body}");
        let errors = body["errors"].as_array().unwrap();
        assert_eq!(
            errors.len(),
            1,
            "{shape}: only the limit is reported: {body}"
        );
        let message = errors[0]["message"].as_str().unwrap();
        assert!(
            message.contains("höchstens") && message.contains("Alias"),
            "{shape}: the limit is named: {message}"
        );
        assert!(
            errors[0]["line"].as_u64().unwrap() >= 2,
            "{shape}: where it was exceeded: {body}"
        );
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn an_alias_chain_that_would_need_gigabytes_is_answered_at_once(pool: PgPool) {
    let router = app(pool).await;
    // 10 KiB · 10⁵ = 1 GiB if expanded (twice that with the anchors' copies), from 12 KiB of
    // YAML; the byte budget stops it at 1 MiB.
    let yaml = chain(&format!("\"{}\"", "x".repeat(10 * 1024)), 10, 5, false);
    let (status, body) = validate_in_time(&router, yaml).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["valid"], false);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("1024 KiB"),
        "{body}"
    );
}
