//! Data model tools: the compatibility page (schema changes against a fork's origin and
//! between versions) and checking a payload against a model's schema — as pages and in the
//! JSON API (`GET /api/v1/data-models/{slug}/diff`, `POST /api/v1/data-models/{slug}/validate`).

use app::account::{FormState, PageProblem};
use app::editing::{ChangeRow, CompatibilityData, ValidateData};
use app::i18n::Lang;
use app::schema_diff::{SchemaChange, diff};
use app::validation::FieldError;
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde_json::Value;
use sqlx::PgPool;

use crate::entries::EntryKind;
use crate::pages::{internal, lang_of, problem, render_with};
use crate::web::AppState;

/// Paths these handlers render; excluded from the generated Leptos routes.
pub const PATHS: &[&str] = &[
    "/datenmodelle/{slug}/aenderungen",
    "/datenmodelle/{slug}/pruefen",
];

use crate::payload_check::{PAYLOAD_LIMIT, refusal_status};

/// The routes of the tool pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/datenmodelle/{slug}/aenderungen", get(compatibility_page))
        .route(
            "/datenmodelle/{slug}/pruefen",
            get(validate_page).post(validate_submit),
        )
}

/// A visible data model: (name, current schema, origin as (slug, name, organisation, schema)).
pub struct ModelFacts {
    pub name: String,
    pub schema: Value,
    pub origin: Option<(String, String, String, Value)>,
}

/// Reads a visible data model.
pub async fn model_facts(pool: &PgPool, slug: &str) -> Result<Option<ModelFacts>, sqlx::Error> {
    let row: Option<(
        String,
        Value,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<Value>,
    )> = sqlx::query_as(
        r#"
        select d.name, d.json_schema::jsonb, f.slug, f.name, fo.name, f.json_schema::jsonb
        from visible_data_models d
        left join visible_data_models f on f.id = d.forked_from
        left join organisations fo on fo.id = f.organisation_id
        where d.slug = $1
        "#,
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(
        |(name, schema, origin_slug, origin_name, origin_org, origin_schema)| ModelFacts {
            name,
            schema,
            origin: match (origin_slug, origin_name, origin_org, origin_schema) {
                (Some(s), Some(n), Some(o), Some(schema)) => Some((s, n, o, schema)),
                _ => None,
            },
        },
    ))
}

fn rows(changes: &[SchemaChange], lang: Lang) -> Vec<ChangeRow> {
    changes
        .iter()
        .map(|c| ChangeRow {
            text: c.describe(lang),
            breaking: c.breaking,
        })
        .collect()
}

async fn compatibility_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let lang = lang_of(&parts);
    let facts = match model_facts(state.accounts.pool(), &slug).await {
        Ok(Some(facts)) => facts,
        Ok(None) => return problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => return internal(&err.to_string()),
    };
    let revisions: Vec<i32> = match state.entries.revisions(EntryKind::DataModel, &slug).await {
        Ok(revisions) => revisions.into_iter().map(|r| r.number).collect(),
        Err(err) => return internal(&err.to_string()),
    };
    let pairs = app::query::parse_query_string(parts.uri.query().unwrap_or(""));
    let number = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.parse::<i32>().ok())
    };
    let versions = number("von").zip(number("bis"));
    let mut version_changes = Vec::new();
    if let Some((from, to)) = versions {
        let (a, b) = (
            state
                .entries
                .snapshot(EntryKind::DataModel, &slug, from)
                .await,
            state
                .entries
                .snapshot(EntryKind::DataModel, &slug, to)
                .await,
        );
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let empty = Value::Object(Default::default());
                version_changes = rows(
                    &diff(
                        a.get("json_schema").unwrap_or(&empty),
                        b.get("json_schema").unwrap_or(&empty),
                    ),
                    lang,
                );
            }
            _ => return problem(&state, parts, PageProblem::NotFound).await,
        }
    }
    let data = CompatibilityData {
        slug: slug.clone(),
        name: facts.name,
        origin_changes: facts
            .origin
            .as_ref()
            .map(|(_, _, _, origin)| rows(&diff(origin, &facts.schema), lang))
            .unwrap_or_default(),
        origin: facts.origin.map(|(s, n, o, _)| (s, n, o)),
        versions,
        version_changes,
        revisions,
    };
    render_with(
        &state,
        parts,
        StatusCode::OK,
        Some(data),
        FormState::default(),
    )
    .await
}

async fn validate_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    match model_facts(state.accounts.pool(), &slug).await {
        Ok(Some(facts)) => {
            let data = ValidateData {
                slug,
                name: facts.name,
                payload: String::new(),
                result: None,
            };
            render_with(
                &state,
                parts,
                StatusCode::OK,
                Some(data),
                FormState::default(),
            )
            .await
        }
        Ok(None) => problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => internal(&err.to_string()),
    }
}

async fn validate_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let lang = lang_of(&parts);
    // The form encoding adds up to three bytes per character: allow for it here, the
    // payload itself is held to PAYLOAD_LIMIT by the check.
    let body = axum::body::to_bytes(body, 3 * PAYLOAD_LIMIT).await;
    let pairs: Vec<(String, String)> = body
        .as_ref()
        .map(|b| serde_urlencoded::from_bytes(b).unwrap_or_default())
        .unwrap_or_default();
    let payload = pairs
        .into_iter()
        .find(|(k, _)| k == "payload")
        .map(|(_, v)| v)
        .unwrap_or_default();
    match model_facts(state.accounts.pool(), &slug).await {
        Ok(Some(facts)) => {
            let checked = match body {
                Ok(_) => {
                    state
                        .payload_checks
                        .check_text(facts.schema, &payload)
                        .await
                }
                Err(_) => Err(FieldError::PayloadTooLarge {
                    max_kib: PAYLOAD_LIMIT / 1024,
                }),
            };
            let status = match &checked {
                Ok(errors) if errors.is_empty() => StatusCode::OK,
                Ok(_) => StatusCode::UNPROCESSABLE_ENTITY,
                Err(refused) => refusal_status(refused),
            };
            // A payload too large to check is not sent back into the form either.
            let payload = if payload.len() > PAYLOAD_LIMIT {
                String::new()
            } else {
                payload
            };
            let result = checked.map_err(|refused| refused.message(lang));
            let data = ValidateData {
                slug,
                name: facts.name,
                payload,
                result: Some(result),
            };
            let mut response =
                render_with(&state, parts, status, Some(data), FormState::default()).await;
            if status == StatusCode::SERVICE_UNAVAILABLE {
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    crate::payload_check::RETRY_AFTER_SECONDS.into(),
                );
            }
            response
        }
        Ok(None) => problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => internal(&err.to_string()),
    }
}
