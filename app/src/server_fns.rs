//! Server functions: how pages load catalogue data. During server rendering they run
//! in-process and reach the [`crate::service::Catalogue`] through context.

use leptos::prelude::*;

use crate::model::*;
use crate::query::{DataModelQuery, OrganisationQuery, SearchQuery, SolutionQuery};

#[cfg(feature = "ssr")]
fn catalogue() -> Result<crate::service::CatalogueHandle, ServerFnError> {
    use_context::<crate::service::CatalogueHandle>()
        .ok_or_else(|| ServerFnError::new("catalogue service missing from context"))
}

/// Logs the real cause and returns a generic error to the page. When the database is
/// unavailable, the response becomes 503 with `Retry-After` (see [`mark_unavailable`]).
#[cfg(feature = "ssr")]
fn internal(err: crate::service::CatalogueError) -> ServerFnError {
    leptos::logging::error!("catalogue error: {err}");
    if matches!(err, crate::service::CatalogueError::Unavailable(_)) {
        mark_unavailable();
    }
    ServerFnError::new("internal error")
}

/// Seconds a client is asked to wait when the database is unavailable.
pub const RETRY_AFTER_SECS: u64 = 5;

/// Sets the response to 503 with `Retry-After` (server rendering only): the page's data
/// could not be loaded because the database is unavailable. [`crate::components::layout::LoadError`]
/// then says so.
#[cfg(feature = "ssr")]
pub fn mark_unavailable() {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::SERVICE_UNAVAILABLE);
        response.insert_header(
            http::header::RETRY_AFTER,
            http::HeaderValue::from(RETRY_AFTER_SECS),
        );
    }
}

/// Whether this response was marked by [`mark_unavailable`] (always `false` in the browser).
pub fn marked_unavailable() -> bool {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        return response.0.read().map(|parts| parts.status).ok().flatten()
            == Some(http::StatusCode::SERVICE_UNAVAILABLE);
    }
    false
}

/// Start page data: counts and the newest entries.
#[server(prefix = "/fn", endpoint = "home")]
pub async fn load_home()
-> Result<(CatalogueStats, Vec<SolutionCard>, Vec<DataModelCard>), ServerFnError> {
    let catalogue = catalogue()?;
    let stats = catalogue.stats().await.map_err(internal)?;
    let solutions = catalogue
        .solutions(&SolutionQuery {
            page: 1,
            per_page: 6,
            ..Default::default()
        })
        .await
        .map_err(internal)?;
    let models = catalogue
        .data_models(&DataModelQuery {
            page: 1,
            per_page: 4,
            ..Default::default()
        })
        .await
        .map_err(internal)?;
    Ok((stats, solutions.items, models.items))
}

/// A page of solutions plus the filter options.
#[server(prefix = "/fn", endpoint = "solutions")]
pub async fn load_solutions(
    query: SolutionQuery,
) -> Result<(Page<SolutionCard>, FilterOptions), ServerFnError> {
    let catalogue = catalogue()?;
    let page = catalogue.solutions(&query).await.map_err(internal)?;
    let options = catalogue
        .filter_options(EntryKind::Solution)
        .await
        .map_err(internal)?;
    Ok((page, options))
}

/// One solution.
#[server(prefix = "/fn", endpoint = "solution")]
pub async fn load_solution(slug: String) -> Result<Option<SolutionDetail>, ServerFnError> {
    catalogue()?.solution(&slug).await.map_err(internal)
}

/// A page of data models plus the filter options.
#[server(prefix = "/fn", endpoint = "data-models")]
pub async fn load_data_models(
    query: DataModelQuery,
) -> Result<(Page<DataModelCard>, FilterOptions), ServerFnError> {
    let catalogue = catalogue()?;
    let page = catalogue.data_models(&query).await.map_err(internal)?;
    let options = catalogue
        .filter_options(EntryKind::DataModel)
        .await
        .map_err(internal)?;
    Ok((page, options))
}

/// One data model.
#[server(prefix = "/fn", endpoint = "data-model")]
pub async fn load_data_model(slug: String) -> Result<Option<DataModelDetail>, ServerFnError> {
    catalogue()?.data_model(&slug).await.map_err(internal)
}

/// A page of organisations.
#[server(prefix = "/fn", endpoint = "organisations")]
pub async fn load_organisations(
    query: OrganisationQuery,
) -> Result<Page<OrganisationCard>, ServerFnError> {
    catalogue()?.organisations(&query).await.map_err(internal)
}

/// One organisation.
#[server(prefix = "/fn", endpoint = "organisation")]
pub async fn load_organisation(slug: String) -> Result<Option<OrganisationDetail>, ServerFnError> {
    catalogue()?.organisation(&slug).await.map_err(internal)
}

/// Catalogue search with facets.
#[server(prefix = "/fn", endpoint = "search")]
pub async fn load_search(query: SearchQuery) -> Result<SearchResults, ServerFnError> {
    catalogue()?.search(&query).await.map_err(internal)
}

/// The sanitised HTML of a Markdown text (the live preview of the Markdown fields). Text
/// beyond the rules for descriptions is not rendered: the answer is the field message
/// instead (in the request's language), so the preview says what saving would say.
#[server(prefix = "/fn", endpoint = "markdown-preview")]
pub async fn preview_markdown(text: String) -> Result<String, ServerFnError> {
    let refused = |error: crate::validation::FieldError| {
        let message = error.message(crate::request_lang());
        format!(
            "<p class=\"kern-error\">{}</p>",
            crate::raw_text::escape(&message)
        )
    };
    if text.chars().count() > 20_000 {
        return Ok(refused(crate::validation::FieldError::TooLong {
            max: 20_000,
        }));
    }
    match crate::markdown::preview(&text) {
        Ok(html) => Ok(html.as_str().to_owned()),
        Err(problem) => Ok(refused(problem.into())),
    }
}

/// What an SPDX expression means (`None` when it is not a valid expression).
#[server(prefix = "/fn", endpoint = "licence-check")]
pub async fn check_licence(
    expression: String,
) -> Result<Option<crate::licences::LicenceVerdict>, ServerFnError> {
    if expression.len() > 200 {
        return Ok(None);
    }
    Ok(crate::licences::check_expression(&expression).ok())
}
