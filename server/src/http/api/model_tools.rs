//! Data-model tools through the API: checking a payload against a model's schema, and
//! the schema changes against its origin or another model.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::http::error::{ApiError, ErrorBody};
use crate::http::state::AppState;
use crate::services::payload_check::{PAYLOAD_LIMIT, RETRY_AFTER_SECONDS, refusal_status};

#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationReport {
    pub valid: bool,
    pub errors: Vec<PayloadError>,
}

/// One place where a payload breaks the schema.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayloadError {
    /// JSON pointer into the payload, e.g. `/baeume/0/hoehe_m`.
    pub path: String,
    pub message: String,
}

/// Checks a JSON payload (at most 256 KiB and 20 000 JSON values) against a data model's
/// schema (no login needed, nothing stored). At most 200 errors are listed.
#[utoipa::path(post, path = "/data-models/{slug}/validate", tag = "Datenmodelle", request_body = serde_json::Value,
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 200, body = ValidationReport), (status = 404, body = ErrorBody),
        (status = 413, description = "Payload larger than 256 KiB or with more than 20 000 JSON values", body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 503, description = "Too many checks at once, or the check ran out of its time budget (see Retry-After)",
            body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn validate_payload(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<ValidationReport>, ApiError> {
    let facts = state
        .entries
        .model_facts(&slug)
        .await?
        .ok_or(ApiError::NotFound)?;
    let refused = |error: app::validation::FieldError| {
        let status = refusal_status(&error);
        ApiError::Refused {
            status,
            message: error.message(app::i18n::Lang::De),
            retry_after: (status == StatusCode::SERVICE_UNAVAILABLE).then_some(RETRY_AFTER_SECONDS),
        }
    };
    if body.len() > PAYLOAD_LIMIT {
        return Err(refused(app::validation::FieldError::PayloadTooLarge {
            max_kib: PAYLOAD_LIMIT / 1024,
        }));
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::Unreadable("Der Inhalt ist kein UTF-8.".into()))?;
    let errors = state
        .payload_checks
        .check_text(facts.schema, text)
        .await
        .map_err(refused)?;
    Ok(Json(ValidationReport {
        valid: errors.is_empty(),
        errors: errors
            .into_iter()
            .map(|(path, message)| PayloadError { path, message })
            .collect(),
    }))
}

/// The structural schema changes of a data model against another (default: the origin of a fork).
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemaDiffReport {
    /// Slug of the model compared against.
    pub against: String,
    pub breaking: bool,
    pub changes: Vec<app::schema_diff::SchemaChange>,
}

/// Schema changes of a model against its origin, or against `?gegen=<slug>`.
#[utoipa::path(get, path = "/data-models/{slug}/diff", tag = "Datenmodelle",
    params(("slug" = String, Path, description = "The data model's slug"),
           ("gegen" = Option<String>, Query, description = "Compare against this data model instead of the origin")),
    responses((status = 200, body = SchemaDiffReport), (status = 404, body = ErrorBody)))]
pub async fn schema_diff(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SchemaDiffReport>, ApiError> {
    let pairs = app::query::parse_query_string(raw.as_deref().unwrap_or(""));
    let against = pairs
        .iter()
        .find(|(k, _)| k == "gegen")
        .map(|(_, v)| v.as_str());
    let comparison = state.entries.schema_comparison(&slug, against).await?;
    Ok(Json(SchemaDiffReport {
        against: comparison.against,
        breaking: app::schema_diff::is_breaking(&comparison.changes),
        changes: comparison.changes,
    }))
}
