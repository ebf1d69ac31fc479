//! Data-model tools (`app::routes::model_tools`): the compatibility page (changes against
//! a fork's origin and between versions) and checking a payload against a model's schema.

use app::account::FormState;
use app::editing::ValidateData;
use app::validation::FieldError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

use crate::http::error::PageError;
use crate::http::extract::{FormPairs, PageLang, query_pairs};
use crate::http::render;
use crate::http::state::AppState;
use crate::services::payload_check::{PAYLOAD_LIMIT, RETRY_AFTER_SECONDS, refusal_status};

/// `GET /datenmodelle/{slug}/aenderungen[?von=1&bis=2]`
pub async fn compatibility_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    PageLang(lang): PageLang,
    parts: Parts,
) -> Result<Response, PageError> {
    let pairs = query_pairs(&parts);
    let number = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| v.parse::<i32>().ok())
    };
    let versions = number("von").zip(number("bis"));
    let data = state.entries.compatibility(&slug, versions, lang).await?;
    Ok(render::page(
        &state,
        parts,
        StatusCode::OK,
        Some(data),
        FormState::default(),
    )
    .await)
}

/// `GET /datenmodelle/{slug}/pruefen`
pub async fn validate_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    parts: Parts,
) -> Result<Response, PageError> {
    let facts = state
        .entries
        .model_facts(&slug)
        .await?
        .ok_or(PageError::NotFound)?;
    let data = ValidateData {
        slug,
        name: facts.name,
        payload: String::new(),
        result: None,
    };
    Ok(render::page(
        &state,
        parts,
        StatusCode::OK,
        Some(data),
        FormState::default(),
    )
    .await)
}

/// The form encoding adds up to three bytes per character: the body may be that much
/// larger; the payload itself is held to `PAYLOAD_LIMIT` by the check.
const VALIDATE_FORM: usize = 3 * PAYLOAD_LIMIT;

/// `POST /datenmodelle/{slug}/pruefen`: checks the pasted payload and shows the result.
pub async fn validate_submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    PageLang(lang): PageLang,
    parts: Parts,
    form: Result<FormPairs<VALIDATE_FORM>, PageError>,
) -> Result<Response, PageError> {
    let facts = state
        .entries
        .model_facts(&slug)
        .await?
        .ok_or(PageError::NotFound)?;
    // Too large to read at all: the same refusal as a payload over the limit.
    let form = match form {
        Ok(form) => Some(form),
        Err(PageError::TooLarge) => None,
        Err(other) => return Err(other),
    };
    let (checked, payload) = match &form {
        Some(form) => {
            let payload = form.one("payload").to_owned();
            let checked = state
                .payload_checks
                .check_text(facts.schema, &payload)
                .await;
            (checked, payload)
        }
        None => (
            Err(FieldError::PayloadTooLarge {
                max_kib: PAYLOAD_LIMIT / 1024,
            }),
            String::new(),
        ),
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
    let mut response = render::page(&state, parts, status, Some(data), FormState::default()).await;
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECONDS.into());
    }
    Ok(response)
}
