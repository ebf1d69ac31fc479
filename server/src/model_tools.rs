//! Data model tools: the compatibility page (schema changes against a fork's origin and
//! between versions) and checking a payload against a model's schema — as pages and in the
//! JSON API (`GET /api/v1/data-models/{slug}/diff`, `POST /api/v1/data-models/{slug}/validate`).

use app::account::{FormState, PageProblem};
use app::data_model_rules::engine;
use app::editing::{ChangeRow, CompatibilityData, ValidateData};
use app::i18n::Lang;
use app::schema_diff::{SchemaChange, diff};
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use sqlx::PgPool;

use crate::entries::EntryKind;
use crate::pages::{internal, lang_of, problem, render_with};
use crate::web::AppState;

/// Paths these handlers render; excluded from the generated Leptos routes.
pub const PATHS: &[&str] = &["/datenmodelle/{slug}/aenderungen", "/datenmodelle/{slug}/pruefen"];

/// Largest payload checked.
const PAYLOAD_LIMIT: usize = 256 * 1024;

/// The routes of the tool pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/datenmodelle/{slug}/aenderungen", get(compatibility_page))
        .route("/datenmodelle/{slug}/pruefen", get(validate_page).post(validate_submit))
}

/// A visible data model: (name, current schema, origin as (slug, name, organisation, schema)).
pub struct ModelFacts {
    pub name: String,
    pub schema: Value,
    pub origin: Option<(String, String, String, Value)>,
}

/// Reads a visible data model.
pub async fn model_facts(pool: &PgPool, slug: &str) -> Result<Option<ModelFacts>, sqlx::Error> {
    let row: Option<(String, Value, Option<String>, Option<String>, Option<String>, Option<Value>)> = sqlx::query_as(
        r#"
        select d.name, d.json_schema::jsonb, f.slug, f.name, fo.name, f.json_schema::jsonb
        from data_models d
        join organisations o on o.id = d.organisation_id
        left join data_models f on f.id = d.forked_from and not f.hidden
        left join organisations fo on fo.id = f.organisation_id and not fo.hidden
        where d.slug = $1 and not d.hidden and not o.hidden
        "#,
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(name, schema, origin_slug, origin_name, origin_org, origin_schema)| ModelFacts {
        name,
        schema,
        origin: match (origin_slug, origin_name, origin_org, origin_schema) {
            (Some(s), Some(n), Some(o), Some(schema)) => Some((s, n, o, schema)),
            _ => None,
        },
    }))
}

fn rows(changes: &[SchemaChange], lang: Lang) -> Vec<ChangeRow> {
    changes.iter().map(|c| ChangeRow { text: c.describe(lang), breaking: c.breaking }).collect()
}

async fn compatibility_page(State(state): State<AppState>, Path(slug): Path<String>, request: Request) -> Response {
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
    let number = |k: &str| pairs.iter().find(|(key, _)| key == k).and_then(|(_, v)| v.parse::<i32>().ok());
    let versions = number("von").zip(number("bis"));
    let mut version_changes = Vec::new();
    if let Some((from, to)) = versions {
        let (a, b) = (
            state.entries.snapshot(EntryKind::DataModel, &slug, from).await,
            state.entries.snapshot(EntryKind::DataModel, &slug, to).await,
        );
        match (a, b) {
            (Ok(a), Ok(b)) => {
                let empty = Value::Object(Default::default());
                version_changes = rows(&diff(a.get("json_schema").unwrap_or(&empty), b.get("json_schema").unwrap_or(&empty)), lang);
            }
            _ => return problem(&state, parts, PageProblem::NotFound).await,
        }
    }
    let data = CompatibilityData {
        slug: slug.clone(),
        name: facts.name,
        origin_changes: facts.origin.as_ref().map(|(_, _, _, origin)| rows(&diff(origin, &facts.schema), lang)).unwrap_or_default(),
        origin: facts.origin.map(|(s, n, o, _)| (s, n, o)),
        versions,
        version_changes,
        revisions,
    };
    render_with(&state, parts, StatusCode::OK, Some(data), FormState::default()).await
}

async fn validate_page(State(state): State<AppState>, Path(slug): Path<String>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    match model_facts(state.accounts.pool(), &slug).await {
        Ok(Some(facts)) => {
            let data = ValidateData { slug, name: facts.name, payload: String::new(), result: None };
            render_with(&state, parts, StatusCode::OK, Some(data), FormState::default()).await
        }
        Ok(None) => problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => internal(&err.to_string()),
    }
}

/// Checks a payload text against a schema: the errors (path, message), or why the text is
/// not JSON.
pub fn check_payload(schema: &Value, payload: &str, lang: Lang) -> Result<Vec<(String, String)>, String> {
    let value: Value = serde_json::from_str(payload).map_err(|e| {
        app::validation::FieldError::InvalidJson { line: e.line(), column: e.column() }.message(lang)
    })?;
    engine::validate_payload(schema, &value).map_err(|e| e.message(lang))
}

async fn validate_submit(State(state): State<AppState>, Path(slug): Path<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let lang = lang_of(&parts);
    let Ok(bytes) = axum::body::to_bytes(body, PAYLOAD_LIMIT).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "Zu groß. / Too large.").into_response();
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let payload = pairs.into_iter().find(|(k, _)| k == "payload").map(|(_, v)| v).unwrap_or_default();
    match model_facts(state.accounts.pool(), &slug).await {
        Ok(Some(facts)) => {
            let result = check_payload(&facts.schema, &payload, lang);
            let status = if matches!(result, Ok(ref errors) if errors.is_empty()) { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
            let data = ValidateData { slug, name: facts.name, payload, result: Some(result) };
            render_with(&state, parts, status, Some(data), FormState::default()).await
        }
        Ok(None) => problem(&state, parts, PageProblem::NotFound).await,
        Err(err) => internal(&err.to_string()),
    }
}
