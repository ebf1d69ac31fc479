//! Reuse through the API: lineage, "Wir nutzen das" (adoption) and forking.

use app::editing::{AdoptionInput, LineageNode};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::db::replicas::ReadFrom;
use crate::http::api::WriteResult;
use crate::http::error::{ApiError, ErrorBody, ValidationBody};
use crate::http::extract::{ApiCaller, Reads, StrictJson};
use crate::http::state::AppState;
use crate::services::entries::EntryKind::{self, DataModel, Solution};

async fn lineage(
    state: &AppState,
    from: ReadFrom,
    kind: EntryKind,
    slug: &str,
) -> Result<Json<Vec<LineageNode>>, ApiError> {
    Ok(Json(
        state.entries.public_reads(from).lineage(kind, slug).await?,
    ))
}

/// The whole lineage (origin and every fork, all generations) of a solution, in tree order.
/// Entries hidden by moderation appear only as the anonymous origin of visible forks
/// (`public: false`, no slug or name); a hidden solution's own lineage answers 404.
#[utoipa::path(get, path = "/solutions/{slug}/lineage", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 200, body = Vec<LineageNode>), (status = 404, body = ErrorBody)))]
pub async fn solution_lineage(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Reads(from): Reads,
) -> Result<Json<Vec<LineageNode>>, ApiError> {
    lineage(&state, from, Solution, &slug).await
}

/// The whole lineage of a data model, in tree order (hidden entries as for solutions).
#[utoipa::path(get, path = "/data-models/{slug}/lineage", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 200, body = Vec<LineageNode>), (status = 404, body = ErrorBody)))]
pub async fn data_model_lineage(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Reads(from): Reads,
) -> Result<Json<Vec<LineageNode>>, ApiError> {
    lineage(&state, from, DataModel, &slug).await
}

/// Records the token's organisation's use (its own organisation when the body names none).
async fn adopt(
    state: &AppState,
    caller: &ApiCaller,
    kind: EntryKind,
    slug: &str,
    mut input: AdoptionInput,
) -> Result<StatusCode, ApiError> {
    if input.organisation.trim().is_empty() {
        input.organisation = caller.0.organisation_slug.clone();
    }
    state
        .entries
        .adopt(&caller.actor(), kind, slug, &input)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn withdraw(
    state: &AppState,
    caller: &ApiCaller,
    kind: EntryKind,
    slug: &str,
) -> Result<StatusCode, ApiError> {
    state
        .entries
        .withdraw(&caller.actor(), kind, slug, &caller.0.organisation_slug)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn fork(
    state: &AppState,
    caller: &ApiCaller,
    kind: EntryKind,
    slug: &str,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    let new_slug = state
        .entries
        .fork(&caller.actor(), kind, slug, &caller.0.organisation_slug)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(WriteResult::of(state, kind, new_slug)),
    ))
}

/// "Wir nutzen das": records or changes that the token's organisation uses a solution.
#[utoipa::path(put, path = "/solutions/{slug}/adoption", tag = "Nachnutzung", request_body = AdoptionInput,
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
pub async fn adopt_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    caller: ApiCaller,
    StrictJson(input): StrictJson<AdoptionInput>,
) -> Result<StatusCode, ApiError> {
    adopt(&state, &caller, Solution, &slug, input).await
}

/// Withdraws the token's organisation's use of a solution.
#[utoipa::path(delete, path = "/solutions/{slug}/adoption", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn withdraw_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    caller: ApiCaller,
) -> Result<StatusCode, ApiError> {
    withdraw(&state, &caller, Solution, &slug).await
}

/// "Wir nutzen das" for a data model.
#[utoipa::path(put, path = "/data-models/{slug}/adoption", tag = "Nachnutzung", request_body = AdoptionInput,
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
pub async fn adopt_data_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    caller: ApiCaller,
    StrictJson(input): StrictJson<AdoptionInput>,
) -> Result<StatusCode, ApiError> {
    adopt(&state, &caller, DataModel, &slug, input).await
}

/// Withdraws the token's organisation's use of a data model.
#[utoipa::path(delete, path = "/data-models/{slug}/adoption", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
pub async fn withdraw_data_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    caller: ApiCaller,
) -> Result<StatusCode, ApiError> {
    withdraw(&state, &caller, DataModel, &slug).await
}

/// Forks a solution into the token's organisation.
#[utoipa::path(post, path = "/solutions/{slug}/fork", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 201, body = WriteResult), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
pub async fn fork_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    caller: ApiCaller,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    fork(&state, &caller, Solution, &slug).await
}

/// Forks a data model into the token's organisation.
#[utoipa::path(post, path = "/data-models/{slug}/fork", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 201, body = WriteResult), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
pub async fn fork_data_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    caller: ApiCaller,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    fork(&state, &caller, DataModel, &slug).await
}
