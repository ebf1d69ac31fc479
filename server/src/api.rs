//! The JSON API under `/api/v1`, described by the OpenAPI document at
//! `/api/v1/openapi.json` (generated from these handlers). It uses the same catalogue
//! service and the same query rules as the pages.

use app::model::*;
use app::query::{DataModelQuery, OrganisationQuery, QueryError, SearchQuery, SolutionQuery};
use app::service::CatalogueError;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::publiccode_io::api::{
    __path_export_publiccode, __path_import_publiccode, __path_validate_publiccode,
    export_publiccode, import_publiccode, validate_publiccode,
};
use utoipa_axum::routes;

use crate::web::AppState;

/// An error answer: `{"error": "…"}` with a German message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: String,
}

/// A refused write: a message and one German message per field (`contractors[0].until`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationBody {
    pub error: String,
    pub fields: std::collections::BTreeMap<String, String>,
}

/// Errors of API handlers, each with its status code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    BadQuery(#[from] QueryError),
    #[error("Nicht gefunden.")]
    NotFound,
    #[error(
        "Anmeldung nötig: Senden Sie ein gültiges API-Token als „Authorization: Bearer alm_…“."
    )]
    Unauthorized,
    #[error("Zu viele Anfragen. Bitte warten Sie {} Sekunden.", .0.as_secs().max(1))]
    RateLimited(std::time::Duration),
    #[error("Dieses Token darf das nicht.")]
    Forbidden,
    #[error("Die Angaben sind nicht gültig; Einzelheiten stehen unter \"fields\".")]
    Invalid(app::validation::FieldErrors),
    #[error("{0}")]
    Unreadable(String),
    #[error(transparent)]
    Internal(#[from] CatalogueError),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiError::BadQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::Invalid(_) | ApiError::Unreadable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(err) => {
                tracing::error!(error = %err, "API request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let retry_after = match &self {
            ApiError::RateLimited(wait) => Some(wait.as_secs().max(1)),
            _ => None,
        };
        let unauthorized = matches!(self, ApiError::Unauthorized);
        if let ApiError::Invalid(errors) = &self {
            let fields: std::collections::BTreeMap<String, String> = errors
                .iter()
                .map(|(field, e)| (field.clone(), e.message(app::i18n::Lang::De)))
                .collect();
            let body = ValidationBody {
                error: self.to_string(),
                fields,
            };
            return (status, Json(body)).into_response();
        }
        let message = match self {
            ApiError::Internal(_) => "Interner Fehler. Bitte später erneut versuchen.".to_owned(),
            other => other.to_string(),
        };
        let mut response = (status, Json(ErrorBody { error: message })).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        if unauthorized {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"allmende\""),
            );
        }
        response
    }
}

fn pairs(raw: Option<String>) -> Vec<(String, String)> {
    app::query::parse_query_string(raw.as_deref().unwrap_or(""))
}

/// Query parameters of `GET /api/v1/solutions` (parsed by `app::query::SolutionQuery`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct SolutionParams {
    /// publiccode.yml category, e.g. `appointment-scheduling`.
    category: Option<String>,
    /// SPDX licence expression, exactly as stored, e.g. `EUPL-1.2`.
    licence: Option<String>,
    /// Development status: concept, development, beta, stable, obsolete.
    status: Option<String>,
    /// Slug of the owning organisation.
    org: Option<String>,
    /// Bundesland of the owning organisation (ISO 3166-2 without `DE-`, e.g. `BW`).
    state: Option<String>,
    /// newest (default), name, reused.
    sort: Option<String>,
    /// Page number, from 1.
    page: Option<u32>,
    /// Entries per page, 1 to 100 (default 20).
    per_page: Option<u32>,
}

/// Query parameters of `GET /api/v1/data-models` (parsed by `app::query::DataModelQuery`).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct DataModelParams {
    /// Subject area, e.g. `mobilitaet`, `umwelt`, `verwaltung`.
    domain: Option<String>,
    /// SPDX licence identifier, e.g. `CC-BY-4.0`.
    licence: Option<String>,
    /// Slug of the owning organisation.
    org: Option<String>,
    /// Bundesland of the owning organisation.
    state: Option<String>,
    /// newest (default), name, reused.
    sort: Option<String>,
    /// Page number, from 1.
    page: Option<u32>,
    /// Entries per page, 1 to 100 (default 20).
    per_page: Option<u32>,
}

/// Query parameters of `GET /api/v1/organisations`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct OrganisationParams {
    /// Kind: gemeinde, stadt, landkreis, land, bund, zweckverband, stadtwerk, it_dienstleister, verein.
    kind: Option<String>,
    /// Bundesland (e.g. `NW`).
    state: Option<String>,
    /// Page number, from 1.
    page: Option<u32>,
    /// Entries per page, 1 to 100 (default 20).
    per_page: Option<u32>,
}

/// List solutions with filters, sorting and paging.
#[utoipa::path(get, path = "/solutions", tag = "Lösungen", params(SolutionParams),
    responses((status = 200, body = Page<SolutionCard>), (status = 400, body = ErrorBody)))]
async fn list_solutions(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<SolutionCard>>, ApiError> {
    let query = SolutionQuery::from_pairs(&pairs(raw), true)?;
    Ok(Json(state.catalogue.solutions(&query).await?))
}

/// One solution with all its fields, lineage, adopters and linked data models.
#[utoipa::path(get, path = "/solutions/{slug}", tag = "Lösungen",
    params(("slug" = String, Path, description = "Slug of the solution")),
    responses((status = 200, body = SolutionDetail), (status = 404, body = ErrorBody)))]
async fn get_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<SolutionDetail>, ApiError> {
    state
        .catalogue
        .solution(&slug)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// List data models with filters, sorting and paging.
#[utoipa::path(get, path = "/data-models", tag = "Datenmodelle", params(DataModelParams),
    responses((status = 200, body = Page<DataModelCard>), (status = 400, body = ErrorBody)))]
async fn list_data_models(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<DataModelCard>>, ApiError> {
    let query = DataModelQuery::from_pairs(&pairs(raw), true)?;
    Ok(Json(state.catalogue.data_models(&query).await?))
}

/// One data model with its JSON Schema, examples, lineage and users.
#[utoipa::path(get, path = "/data-models/{slug}", tag = "Datenmodelle",
    params(("slug" = String, Path, description = "Slug of the data model")),
    responses((status = 200, body = DataModelDetail), (status = 404, body = ErrorBody)))]
async fn get_data_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<DataModelDetail>, ApiError> {
    state
        .catalogue
        .data_model(&slug)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// List organisations by name.
#[utoipa::path(get, path = "/organisations", tag = "Organisationen", params(OrganisationParams),
    responses((status = 200, body = Page<OrganisationCard>), (status = 400, body = ErrorBody)))]
async fn list_organisations(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<OrganisationCard>>, ApiError> {
    let query = OrganisationQuery::from_pairs(&pairs(raw), true)?;
    Ok(Json(state.catalogue.organisations(&query).await?))
}

/// One organisation with its solutions, data models and adoptions.
#[utoipa::path(get, path = "/organisations/{slug}", tag = "Organisationen",
    params(("slug" = String, Path, description = "Slug of the organisation")),
    responses((status = 200, body = OrganisationDetail), (status = 404, body = ErrorBody)))]
async fn get_organisation(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<OrganisationDetail>, ApiError> {
    state
        .catalogue
        .organisation(&slug)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// Query parameters of `GET /api/v1/search` (parsed by `app::query::SearchQuery`).
/// Filters can be repeated (`category=a&category=b`): values of one filter are
/// alternatives, different filters must all hold.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct SearchParams {
    /// Search text (up to 200 characters). Words must all match (typos tolerated);
    /// `"…"` searches a phrase, `-word` excludes. Empty: every entry, filtered.
    q: Option<String>,
    /// solution, data_model, organisation.
    kind: Option<Vec<String>>,
    /// publiccode.yml category.
    category: Option<Vec<String>>,
    /// Licence (SPDX expression as stored).
    licence: Option<Vec<String>>,
    /// Development status of solutions.
    status: Option<Vec<String>>,
    /// Slug of the publishing organisation.
    org: Option<Vec<String>>,
    /// Bundesland of the publishing organisation (e.g. `BW`).
    state: Option<Vec<String>>,
    /// Subject area of data models.
    domain: Option<Vec<String>>,
    /// relevance (default), newest, reused.
    sort: Option<String>,
    /// Page number, from 1 (at most the first 10 000 hits can be paged to).
    page: Option<u32>,
    /// Hits per page, 1 to 100 (default 20).
    per_page: Option<u32>,
}

/// Search solutions, data models and organisations, with facet counts and snippets.
#[utoipa::path(get, path = "/search", tag = "Suche", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 400, body = ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SearchResults>, ApiError> {
    let query = SearchQuery::from_pairs(&pairs(raw), true)?;
    Ok(Json(state.catalogue.search(&query).await?))
}

/// Query parameters of `GET /api/v1/suggest`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct SuggestParams {
    /// What has been typed so far (the last word is completed).
    q: Option<String>,
}

/// Completions for a search box: entry names, then frequent words.
#[utoipa::path(get, path = "/suggest", tag = "Suche", params(SuggestParams),
    responses((status = 200, body = Vec<Suggestion>), (status = 400, body = ErrorBody)))]
async fn suggest(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<Suggestion>>, ApiError> {
    let pairs = pairs(raw);
    let typed = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if typed.chars().count() > 100 {
        return Err(QueryError {
            name: "q".into(),
            reason: "ist länger als 100 Zeichen".into(),
        }
        .into());
    }
    Ok(Json(state.catalogue.suggest(typed).await?))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Allmende API",
        description = "Offene Schnittstelle des Katalogs Allmende: Lösungen, Datenmodelle und Organisationen \
                       der öffentlichen Verwaltung lesen und durchsuchen. Open interface of the Allmende catalogue.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

/// Declares the `bearer` security scheme (API tokens `alm_…`).
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("alm_…")
                    .build(),
            ),
        );
    }
}

/// The organisation an API token acts for (from `Authorization: Bearer …`).
pub struct ApiCaller(pub crate::accounts::tokens::TokenIdentity);

impl axum::extract::FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        let caller = crate::security::caller_of(parts);
        match state.accounts.authenticate_token(secret, &caller).await {
            Ok(identity) => Ok(ApiCaller(identity)),
            Err(crate::accounts::AccountError::RateLimited(wait)) => {
                Err(ApiError::RateLimited(wait))
            }
            Err(crate::accounts::AccountError::Database(err)) => Err(ApiError::Internal(
                CatalogueError::Database(err.to_string()),
            )),
            Err(_) => Err(ApiError::Unauthorized),
        }
    }
}

/// What `GET /api/v1/token` tells about the token used.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenInfo {
    /// The token's name.
    pub name: String,
    /// Slug of the organisation the token acts for.
    pub organisation: String,
}

/// The token used and the organisation it acts for (to check a token works).
#[utoipa::path(get, path = "/token", tag = "Zugang",
    responses((status = 200, body = TokenInfo), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = [])))]
async fn token_info(ApiCaller(identity): ApiCaller) -> Json<TokenInfo> {
    Json(TokenInfo {
        name: identity.name,
        organisation: identity.organisation_slug,
    })
}

/// The answer to a successful write.
#[derive(Debug, Serialize, ToSchema)]
pub struct WriteResult {
    /// The entry's slug (new, or changed by this write).
    pub slug: String,
    /// The entry's page.
    pub url: String,
}

/// Reads a JSON body strictly: unknown fields are refused with their name.
fn read_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::Unreadable(format!("Der JSON-Inhalt ist nicht lesbar: {e}")))?;
    // PostgreSQL text cannot hold NUL: refuse it here rather than as a database error.
    if has_nul(&value) {
        return Err(ApiError::Unreadable(
            "Der JSON-Inhalt enthält ein Nullzeichen (\\u0000), das nicht gespeichert werden kann."
                .into(),
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        let text = e.to_string();
        match text
            .split('`')
            .nth(1)
            .filter(|_| text.starts_with("unknown field"))
        {
            Some(field) => ApiError::Invalid(app::validation::FieldErrors::from([(
                field.to_owned(),
                app::validation::FieldError::UnknownField,
            )])),
            None => ApiError::Unreadable(format!("Der JSON-Inhalt ist nicht lesbar: {text}")),
        }
    })
}

/// Whether a NUL character occurs in any string or key of a JSON value (without recursion).
fn has_nul(value: &serde_json::Value) -> bool {
    app::data_model_rules::schema_guard::values(value).any(|v| match v {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Object(map) => map.keys().any(|k| k.contains('\0')),
        _ => false,
    })
}

fn entry_error(err: crate::entries::EntryError) -> ApiError {
    match err {
        crate::entries::EntryError::Invalid(errors) => ApiError::Invalid(errors),
        crate::entries::EntryError::Forbidden => ApiError::Forbidden,
        crate::entries::EntryError::NotFound => ApiError::NotFound,
        crate::entries::EntryError::Database(err) => {
            ApiError::Internal(CatalogueError::Database(err.to_string()))
        }
    }
}

/// Publishes a solution for the token's organisation (the same rules as the form).
#[utoipa::path(post, path = "/solutions", tag = "Lösungen", request_body = app::entry_rules::SolutionInput,
    responses((status = 201, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
async fn create_solution(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    let mut input: app::entry_rules::SolutionInput = read_json(&body)?;
    if input.organisation.trim().is_empty() {
        input.organisation = identity.organisation_slug.clone();
    }
    if input.change_message.trim().is_empty() {
        input.change_message = format!("Über die API veröffentlicht (Token „{}“)", identity.name);
    }
    let actor = crate::accounts::Actor::token(identity.organisation_id);
    let slug = state
        .entries
        .create_solution(&actor, &input)
        .await
        .map_err(entry_error)?;
    let url = format!(
        "{}/loesungen/{slug}",
        state.site.public_url.trim_end_matches('/')
    );
    Ok((StatusCode::CREATED, Json(WriteResult { slug, url })))
}

/// Saves a new version of one of the token's organisation's solutions.
#[utoipa::path(put, path = "/solutions/{slug}", tag = "Lösungen", request_body = app::entry_rules::SolutionInput,
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 200, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
async fn update_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiCaller(identity): ApiCaller,
    body: axum::body::Bytes,
) -> Result<Json<WriteResult>, ApiError> {
    let mut input: app::entry_rules::SolutionInput = read_json(&body)?;
    if input.organisation.trim().is_empty() {
        input.organisation = identity.organisation_slug.clone();
    }
    if input.slug.trim().is_empty() {
        input.slug = slug.clone();
    }
    if input.change_message.trim().is_empty() {
        input.change_message = format!("Über die API geändert (Token „{}“)", identity.name);
    }
    let actor = crate::accounts::Actor::token(identity.organisation_id);
    let slug = state
        .entries
        .update_solution(&actor, &slug, &input)
        .await
        .map_err(entry_error)?;
    let url = format!(
        "{}/loesungen/{slug}",
        state.site.public_url.trim_end_matches('/')
    );
    Ok(Json(WriteResult { slug, url }))
}

/// Publishes a data model for the token's organisation. `json_schema` and `examples` are
/// JSON text (as typed in the form).
#[utoipa::path(post, path = "/data-models", tag = "Datenmodelle", request_body = app::data_model_rules::DataModelInput,
    responses((status = 201, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
async fn create_data_model(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    let mut input: app::data_model_rules::DataModelInput = read_json(&body)?;
    if input.organisation.trim().is_empty() {
        input.organisation = identity.organisation_slug.clone();
    }
    if input.change_message.trim().is_empty() {
        input.change_message = format!("Über die API veröffentlicht (Token „{}“)", identity.name);
    }
    let actor = crate::accounts::Actor::token(identity.organisation_id);
    let slug = state
        .entries
        .create_data_model(&actor, &input)
        .await
        .map_err(entry_error)?;
    let url = format!(
        "{}/datenmodelle/{slug}",
        state.site.public_url.trim_end_matches('/')
    );
    Ok((StatusCode::CREATED, Json(WriteResult { slug, url })))
}

/// Saves a new version of one of the token's organisation's data models.
#[utoipa::path(put, path = "/data-models/{slug}", tag = "Datenmodelle", request_body = app::data_model_rules::DataModelInput,
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 200, body = WriteResult), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
async fn update_data_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiCaller(identity): ApiCaller,
    body: axum::body::Bytes,
) -> Result<Json<WriteResult>, ApiError> {
    let mut input: app::data_model_rules::DataModelInput = read_json(&body)?;
    if input.organisation.trim().is_empty() {
        input.organisation = identity.organisation_slug.clone();
    }
    if input.slug.trim().is_empty() {
        input.slug = slug.clone();
    }
    if input.change_message.trim().is_empty() {
        input.change_message = format!("Über die API geändert (Token „{}“)", identity.name);
    }
    let actor = crate::accounts::Actor::token(identity.organisation_id);
    let slug = state
        .entries
        .update_data_model(&actor, &slug, &input)
        .await
        .map_err(entry_error)?;
    let url = format!(
        "{}/datenmodelle/{slug}",
        state.site.public_url.trim_end_matches('/')
    );
    Ok(Json(WriteResult { slug, url }))
}

/// The answer of a payload check.
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
async fn validate_payload(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    use crate::payload_check::{PAYLOAD_LIMIT, RETRY_AFTER_SECONDS, refusal_status};
    let facts = crate::model_tools::model_facts(state.accounts.pool(), &slug)
        .await
        .map_err(|e| ApiError::Internal(CatalogueError::Database(e.to_string())))?
        .ok_or(ApiError::NotFound)?;
    let refused = |error: app::validation::FieldError| {
        let status = refusal_status(&error);
        let mut response = (
            status,
            Json(ErrorBody {
                error: error.message(app::i18n::Lang::De),
            }),
        )
            .into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECONDS.into());
        }
        response
    };
    if body.len() > PAYLOAD_LIMIT {
        return Ok(refused(app::validation::FieldError::PayloadTooLarge {
            max_kib: PAYLOAD_LIMIT / 1024,
        }));
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::Unreadable("Der Inhalt ist kein UTF-8.".into()))?;
    match state.payload_checks.check_text(facts.schema, text).await {
        Ok(errors) => Ok(Json(ValidationReport {
            valid: errors.is_empty(),
            errors: errors
                .into_iter()
                .map(|(path, message)| PayloadError { path, message })
                .collect(),
        })
        .into_response()),
        Err(error) => Ok(refused(error)),
    }
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
async fn schema_diff(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<SchemaDiffReport>, ApiError> {
    let pool = state.accounts.pool();
    let db = |e: sqlx::Error| ApiError::Internal(CatalogueError::Database(e.to_string()));
    let facts = crate::model_tools::model_facts(pool, &slug)
        .await
        .map_err(db)?
        .ok_or(ApiError::NotFound)?;
    let against = pairs(raw)
        .into_iter()
        .find(|(k, _)| k == "gegen")
        .map(|(_, v)| v);
    let (against_slug, against_schema) = match against {
        Some(other) => {
            let other_facts = crate::model_tools::model_facts(pool, &other)
                .await
                .map_err(db)?
                .ok_or(ApiError::NotFound)?;
            (other, other_facts.schema)
        }
        None => {
            let (origin, _, _, schema) = facts.origin.clone().ok_or(ApiError::NotFound)?;
            (origin, schema)
        }
    };
    let changes = app::schema_diff::diff(&against_schema, &facts.schema);
    Ok(Json(SchemaDiffReport {
        against: against_slug,
        breaking: app::schema_diff::is_breaking(&changes),
        changes,
    }))
}

async fn lineage_of(
    state: &AppState,
    kind: crate::entries::EntryKind,
    slug: &str,
) -> Result<Json<Vec<app::editing::LineageNode>>, ApiError> {
    state
        .entries
        .lineage(kind, slug)
        .await
        .map(Json)
        .map_err(entry_error)
}

/// The whole lineage (origin and every fork, all generations) of a solution, in tree order.
/// Entries hidden by moderation appear only as the anonymous origin of visible forks
/// (`public: false`, no slug or name); a hidden solution's own lineage answers 404.
#[utoipa::path(get, path = "/solutions/{slug}/lineage", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 200, body = Vec<app::editing::LineageNode>), (status = 404, body = ErrorBody)))]
async fn solution_lineage(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<app::editing::LineageNode>>, ApiError> {
    lineage_of(&state, crate::entries::EntryKind::Solution, &slug).await
}

/// The whole lineage of a data model, in tree order (hidden entries as for solutions).
#[utoipa::path(get, path = "/data-models/{slug}/lineage", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 200, body = Vec<app::editing::LineageNode>), (status = 404, body = ErrorBody)))]
async fn data_model_lineage(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Vec<app::editing::LineageNode>>, ApiError> {
    lineage_of(&state, crate::entries::EntryKind::DataModel, &slug).await
}

async fn adopt_entry(
    state: &AppState,
    identity: crate::accounts::tokens::TokenIdentity,
    kind: crate::entries::EntryKind,
    slug: &str,
    body: &[u8],
) -> Result<StatusCode, ApiError> {
    let mut input: app::editing::AdoptionInput = read_json(body)?;
    if input.organisation.trim().is_empty() {
        input.organisation = identity.organisation_slug.clone();
    }
    let actor = crate::accounts::Actor::token(identity.organisation_id);
    state
        .entries
        .adopt(&actor, kind, slug, &input)
        .await
        .map_err(entry_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// "Wir nutzen das": records or changes that the token's organisation uses a solution.
#[utoipa::path(put, path = "/solutions/{slug}/adoption", tag = "Nachnutzung", request_body = app::editing::AdoptionInput,
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
async fn adopt_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiCaller(identity): ApiCaller,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    adopt_entry(
        &state,
        identity,
        crate::entries::EntryKind::Solution,
        &slug,
        &body,
    )
    .await
}

/// Withdraws the token's organisation's use of a solution.
#[utoipa::path(delete, path = "/solutions/{slug}/adoption", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn withdraw_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiCaller(identity): ApiCaller,
) -> Result<StatusCode, ApiError> {
    let actor = crate::accounts::Actor::token(identity.organisation_id);
    state
        .entries
        .withdraw(
            &actor,
            crate::entries::EntryKind::Solution,
            &slug,
            &identity.organisation_slug,
        )
        .await
        .map_err(entry_error)?;
    Ok(StatusCode::NO_CONTENT)
}

/// "Wir nutzen das" for a data model.
#[utoipa::path(put, path = "/data-models/{slug}/adoption", tag = "Nachnutzung", request_body = app::editing::AdoptionInput,
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
async fn adopt_data_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiCaller(identity): ApiCaller,
    body: axum::body::Bytes,
) -> Result<StatusCode, ApiError> {
    adopt_entry(
        &state,
        identity,
        crate::entries::EntryKind::DataModel,
        &slug,
        &body,
    )
    .await
}

/// Withdraws the token's organisation's use of a data model.
#[utoipa::path(delete, path = "/data-models/{slug}/adoption", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 204), (status = 401, body = ErrorBody)), security(("bearer" = [])))]
async fn withdraw_data_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiCaller(identity): ApiCaller,
) -> Result<StatusCode, ApiError> {
    let actor = crate::accounts::Actor::token(identity.organisation_id);
    state
        .entries
        .withdraw(
            &actor,
            crate::entries::EntryKind::DataModel,
            &slug,
            &identity.organisation_slug,
        )
        .await
        .map_err(entry_error)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn fork_entry(
    state: &AppState,
    identity: crate::accounts::tokens::TokenIdentity,
    kind: crate::entries::EntryKind,
    slug: &str,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    let actor = crate::accounts::Actor::token(identity.organisation_id);
    let new_slug = state
        .entries
        .fork(&actor, kind, slug, &identity.organisation_slug)
        .await
        .map_err(entry_error)?;
    let url = format!(
        "{}/{}/{new_slug}",
        state.site.public_url.trim_end_matches('/'),
        kind.section()
    );
    Ok((
        StatusCode::CREATED,
        Json(WriteResult {
            slug: new_slug,
            url,
        }),
    ))
}

/// Forks a solution into the token's organisation.
#[utoipa::path(post, path = "/solutions/{slug}/fork", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The solution's slug")),
    responses((status = 201, body = WriteResult), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
async fn fork_solution(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiCaller(identity): ApiCaller,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    fork_entry(&state, identity, crate::entries::EntryKind::Solution, &slug).await
}

/// Forks a data model into the token's organisation.
#[utoipa::path(post, path = "/data-models/{slug}/fork", tag = "Nachnutzung",
    params(("slug" = String, Path, description = "The data model's slug")),
    responses((status = 201, body = WriteResult), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)),
    security(("bearer" = [])))]
async fn fork_data_model(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ApiCaller(identity): ApiCaller,
) -> Result<(StatusCode, Json<WriteResult>), ApiError> {
    fork_entry(
        &state,
        identity,
        crate::entries::EntryKind::DataModel,
        &slug,
    )
    .await
}

/// The API routes (relative to `/api/v1`) and their OpenAPI document.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_solutions))
        .routes(routes!(get_solution))
        .routes(routes!(list_data_models))
        .routes(routes!(get_data_model))
        .routes(routes!(list_organisations))
        .routes(routes!(get_organisation))
        .routes(routes!(search))
        .routes(routes!(suggest))
        .routes(routes!(token_info))
        .routes(routes!(create_solution))
        .routes(routes!(update_solution))
        .routes(routes!(create_data_model))
        .routes(routes!(update_data_model))
        .routes(routes!(validate_payload))
        .routes(routes!(schema_diff))
        .routes(routes!(solution_lineage))
        .routes(routes!(data_model_lineage))
        .routes(routes!(adopt_solution, withdraw_solution))
        .routes(routes!(adopt_data_model, withdraw_data_model))
        .routes(routes!(fork_solution))
        .routes(routes!(fork_data_model))
        .routes(routes!(validate_publiccode))
        .routes(routes!(import_publiccode))
        .routes(routes!(export_publiccode))
}
