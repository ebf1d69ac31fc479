//! JSON API for publiccode.yml: `POST /api/v1/publiccode/validate` (no login),
//! `POST /api/v1/import/publiccode` (API token) and
//! `GET /api/v1/solutions/{slug}/publiccode.yml`.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use app::import_report::ReportLine;

use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::ApiCaller;
use crate::http::state::AppState;
use crate::publiccode::MAX_BYTES;
use crate::services::import::{ImportError, Outcome, report_lines};

/// The validation report of a publiccode.yml.
#[derive(Debug, Serialize, ToSchema)]
pub struct PubliccodeReport {
    /// No errors (warnings allowed).
    pub valid: bool,
    pub errors: Vec<ReportLine>,
    pub warnings: Vec<ReportLine>,
}

/// The answer to an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// The solution's slug.
    pub slug: String,
    /// The solution's page.
    pub url: String,
    /// `true`: a new solution; `false`: a new revision of the one with this repository.
    pub created: bool,
    /// What the catalogue did not take over, in German.
    pub notes: Vec<String>,
}

/// An import that was refused because of the file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRejected {
    pub valid: bool,
    pub errors: Vec<ReportLine>,
    pub warnings: Vec<ReportLine>,
    /// Catalogue rules the mapped entry breaks: field → message.
    pub fields: std::collections::BTreeMap<String, String>,
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(ErrorBody {
            error: format!("Die Datei ist größer als {} KiB.", MAX_BYTES / 1024),
        }),
    )
        .into_response()
}

/// Checks a publiccode.yml (versions 0.2 to 0.7) like the reference validator does without
/// network access. The body is the YAML file (at most 256 KiB).
#[utoipa::path(post, path = "/publiccode/validate", tag = "publiccode.yml",
    request_body(content = String, content_type = "application/yaml", description = "Die publiccode.yml"),
    responses((status = 200, body = PubliccodeReport), (status = 413, body = ErrorBody)))]
pub async fn validate_publiccode(body: Body) -> Response {
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BYTES).await else {
        return too_large();
    };
    let report = crate::services::import::validate_off_the_workers(bytes.to_vec()).await;
    Json(PubliccodeReport {
        valid: report.valid(),
        errors: report_lines(&report.errors),
        warnings: report_lines(&report.warnings),
    })
    .into_response()
}

/// Imports a publiccode.yml for the token's organisation: a new solution (201), or a new
/// revision of the solution with the same repository URL (200).
#[utoipa::path(post, path = "/import/publiccode", tag = "publiccode.yml",
    request_body(content = String, content_type = "application/yaml", description = "Die publiccode.yml"),
    responses((status = 201, body = ImportResult), (status = 200, body = ImportResult), (status = 401, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ImportRejected)),
    security(("bearer" = [])))]
pub async fn import_publiccode(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Body,
) -> Response {
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BYTES).await else {
        return too_large();
    };
    let importer = state.entries.importer();
    let (actor, identity) = (caller.actor(), &caller.0);
    let message = format!(
        "Import aus publiccode.yml über die API (Token „{}“)",
        identity.name
    );
    match importer
        .import(&actor, &identity.organisation_slug, &bytes, &message)
        .await
    {
        Ok(outcome) => {
            let created = matches!(outcome, Outcome::Created { .. });
            let (Outcome::Created { slug, notes } | Outcome::Updated { slug, notes }) = outcome;
            let url = format!(
                "{}/loesungen/{slug}",
                state.site.public_url.trim_end_matches('/')
            );
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (
                status,
                Json(ImportResult {
                    slug,
                    url,
                    created,
                    notes,
                }),
            )
                .into_response()
        }
        Err(ImportError::Rejected(preview)) => {
            let fields = preview
                .rule_messages(app::i18n::Lang::De)
                .into_iter()
                .collect();
            let body = ImportRejected {
                valid: preview.report.valid(),
                errors: report_lines(&preview.report.errors),
                warnings: report_lines(&preview.report.warnings),
                fields,
            };
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        // Another organisation's repository (409), not allowed (403), database (500).
        Err(err) => ApiError::from(err).into_response(),
    }
}

/// The publiccode.yml of a solution (a download), valid against the standard.
#[utoipa::path(get, path = "/solutions/{slug}/publiccode.yml", tag = "publiccode.yml",
    params(("slug" = String, Path, description = "Slug der Lösung")),
    responses((status = 200, content_type = "application/yaml", body = String), (status = 404, body = ErrorBody)))]
pub async fn export_publiccode(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Response {
    let importer = state.entries.importer();
    match importer.export(&slug, Some(&state.site.public_url)).await {
        Ok(Some(yaml)) => (
            [
                (header::CONTENT_TYPE, "application/yaml; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"publiccode.yml\"",
                ),
            ],
            yaml,
        )
            .into_response(),
        Ok(None) => ApiError::NotFound.into_response(),
        Err(err) => ApiError::internal(err).into_response(),
    }
}
