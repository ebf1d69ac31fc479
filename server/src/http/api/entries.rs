//! Publishing through the API: the same rules and the same service as the forms. The
//! token's organisation is the default owner, and a change note naming the token is
//! written when the body brings none.

use app::data_model_rules::DataModelInput;
use app::entry_rules::SolutionInput;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::http::api::WriteResult;
use crate::http::error::{ApiError, ErrorBody, ValidationBody};
use crate::http::extract::{ApiCaller, StrictJson};
use crate::http::state::AppState;
use crate::services::entries::EntryKind;

/// The fields every written entry shares, filled in from the token when the body leaves
/// them empty.
trait Written {
    fn defaults(&mut self) -> (&mut String, &mut String, &mut String);
}

impl Written for SolutionInput {
    fn defaults(&mut self) -> (&mut String, &mut String, &mut String) {
        (
            &mut self.organisation,
            &mut self.slug,
            &mut self.change_message,
        )
    }
}

impl Written for DataModelInput {
    fn defaults(&mut self) -> (&mut String, &mut String, &mut String) {
        (
            &mut self.organisation,
            &mut self.slug,
            &mut self.change_message,
        )
    }
}

/// Fills in the owner (the token's organisation), the slug of an update, and a change
/// note naming the token.
fn filled<I: Written>(mut input: I, caller: &ApiCaller, updating: Option<&str>) -> I {
    let (organisation, slug, message) = input.defaults();
    if organisation.trim().is_empty() {
        *organisation = caller.0.organisation_slug.clone();
    }
    if let Some(current) = updating
        && slug.trim().is_empty()
    {
        *slug = current.to_owned();
    }
    if message.trim().is_empty() {
        let verb = if updating.is_some() {
            "geändert"
        } else {
            "veröffentlicht"
        };
        *message = format!("Über die API {verb} (Token „{}“)", caller.0.name);
    }
    input
}

/// Publishes a solution for the token's organisation (the same rules as the form).
#[utoipa::path(post, path = "/solutions", tag = "Lösungen", request_body = SolutionInput,
    responses((status = 201, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
pub async fn create_solution(
    State(state): State<AppState>,
    caller: ApiCaller,
    StrictJson(input): StrictJson<SolutionInput>,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    let input = filled(input, &caller, None);
    let slug = state
        .entries
        .create_solution(&caller.actor(), &input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(WriteResult::of(&state, EntryKind::Solution, slug)),
    ))
}

/// Saves a new version of one of the token's organisation's solutions.
#[utoipa::path(put, path = "/solutions/{slug}", tag = "Lösungen", request_body = SolutionInput,
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 200, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
pub async fn update_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    caller: ApiCaller,
    StrictJson(input): StrictJson<SolutionInput>,
) -> Result<Json<WriteResult>, ApiError> {
    let input = filled(input, &caller, Some(&slug));
    let slug = state
        .entries
        .update_solution(&caller.actor(), &slug, &input)
        .await?;
    Ok(Json(WriteResult::of(&state, EntryKind::Solution, slug)))
}

/// Publishes a data model for the token's organisation. `json_schema` and `examples` are
/// JSON text (as typed in the form).
#[utoipa::path(post, path = "/data-models", tag = "Datenmodelle", request_body = DataModelInput,
    responses((status = 201, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
pub async fn create_data_model(
    State(state): State<AppState>,
    caller: ApiCaller,
    StrictJson(input): StrictJson<DataModelInput>,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    let input = filled(input, &caller, None);
    let slug = state
        .entries
        .create_data_model(&caller.actor(), &input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(WriteResult::of(&state, EntryKind::DataModel, slug)),
    ))
}

/// Saves a new version of one of the token's organisation's data models.
#[utoipa::path(put, path = "/data-models/{slug}", tag = "Datenmodelle", request_body = DataModelInput,
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 200, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
pub async fn update_data_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    caller: ApiCaller,
    StrictJson(input): StrictJson<DataModelInput>,
) -> Result<Json<WriteResult>, ApiError> {
    let input = filled(input, &caller, Some(&slug));
    let slug = state
        .entries
        .update_data_model(&caller.actor(), &slug, &input)
        .await?;
    Ok(Json(WriteResult::of(&state, EntryKind::DataModel, slug)))
}
