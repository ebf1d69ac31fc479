//! Reading the catalogue: lists with filters, sorting and paging, details, search and
//! suggestions — the same catalogue service and query rules as the pages.

use app::model::*;
use app::query::{DataModelQuery, OrganisationQuery, QueryError, SearchQuery, SolutionQuery};
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use utoipa::IntoParams;

use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::Reads;
use crate::http::state::AppState;

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
pub async fn list_solutions(
    State(state): State<AppState>,
    Reads(from): Reads,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<SolutionCard>>, ApiError> {
    let query = SolutionQuery::from_pairs(&pairs(raw), true)?;
    Ok(Json(state.catalogue_for(from).solutions(&query).await?))
}

/// One solution with all its fields, lineage, adopters and linked data models.
#[utoipa::path(get, path = "/solutions/{slug}", tag = "Lösungen",
    params(("slug" = String, Path, description = "Slug of the solution")),
    responses((status = 200, body = SolutionDetail), (status = 404, body = ErrorBody)))]
pub async fn get_solution(
    State(state): State<AppState>,
    Reads(from): Reads,
    Path(slug): Path<String>,
) -> Result<Json<SolutionDetail>, ApiError> {
    state
        .catalogue_for(from)
        .solution(&slug)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// List data models with filters, sorting and paging.
#[utoipa::path(get, path = "/data-models", tag = "Datenmodelle", params(DataModelParams),
    responses((status = 200, body = Page<DataModelCard>), (status = 400, body = ErrorBody)))]
pub async fn list_data_models(
    State(state): State<AppState>,
    Reads(from): Reads,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<DataModelCard>>, ApiError> {
    let query = DataModelQuery::from_pairs(&pairs(raw), true)?;
    Ok(Json(state.catalogue_for(from).data_models(&query).await?))
}

/// One data model with its JSON Schema, examples, lineage and users.
#[utoipa::path(get, path = "/data-models/{slug}", tag = "Datenmodelle",
    params(("slug" = String, Path, description = "Slug of the data model")),
    responses((status = 200, body = DataModelDetail), (status = 404, body = ErrorBody)))]
pub async fn get_data_model(
    State(state): State<AppState>,
    Reads(from): Reads,
    Path(slug): Path<String>,
) -> Result<Json<DataModelDetail>, ApiError> {
    state
        .catalogue_for(from)
        .data_model(&slug)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// List organisations by name.
#[utoipa::path(get, path = "/organisations", tag = "Organisationen", params(OrganisationParams),
    responses((status = 200, body = Page<OrganisationCard>), (status = 400, body = ErrorBody)))]
pub async fn list_organisations(
    State(state): State<AppState>,
    Reads(from): Reads,
    RawQuery(raw): RawQuery,
) -> Result<Json<Page<OrganisationCard>>, ApiError> {
    let query = OrganisationQuery::from_pairs(&pairs(raw), true)?;
    Ok(Json(state.catalogue_for(from).organisations(&query).await?))
}

/// One organisation with its solutions, data models and adoptions.
#[utoipa::path(get, path = "/organisations/{slug}", tag = "Organisationen",
    params(("slug" = String, Path, description = "Slug of the organisation")),
    responses((status = 200, body = OrganisationDetail), (status = 404, body = ErrorBody)))]
pub async fn get_organisation(
    State(state): State<AppState>,
    Reads(from): Reads,
    Path(slug): Path<String>,
) -> Result<Json<OrganisationDetail>, ApiError> {
    state
        .catalogue_for(from)
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
pub async fn search(
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
pub async fn suggest(
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
