//! The boundary between pages and the server: the [`Catalogue`] service that server
//! functions reach through context.
//! The server crate implements [`Catalogue`] on PostgreSQL; the JSON API uses the same one.

use std::sync::Arc;

use crate::model::*;
use crate::query::{DataModelQuery, OrganisationQuery, SearchQuery, SolutionQuery};

/// What went wrong inside the service. Details are logged on the server; pages and the
/// API show a generic message.
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("database error: {0}")]
    Database(String),
    /// The database cannot be reached just now (refused, timed out, connection lost):
    /// pages and the API answer 503 with `Retry-After`.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("search failed: {0}")]
    Search(String),
}

/// Read access to the public catalogue (hidden and archived entries never appear in lists).
#[async_trait::async_trait]
pub trait Catalogue: Send + Sync + 'static {
    /// Counts for the start page.
    async fn stats(&self) -> Result<CatalogueStats, CatalogueError>;
    /// A page of solutions matching the query.
    async fn solutions(&self, query: &SolutionQuery) -> Result<Page<SolutionCard>, CatalogueError>;
    /// One solution by slug (archived ones included, hidden ones not).
    async fn solution(&self, slug: &str) -> Result<Option<SolutionDetail>, CatalogueError>;
    /// A page of data models matching the query.
    async fn data_models(
        &self,
        query: &DataModelQuery,
    ) -> Result<Page<DataModelCard>, CatalogueError>;
    /// One data model by slug.
    async fn data_model(&self, slug: &str) -> Result<Option<DataModelDetail>, CatalogueError>;
    /// A page of organisations, by name.
    async fn organisations(
        &self,
        query: &OrganisationQuery,
    ) -> Result<Page<OrganisationCard>, CatalogueError>;
    /// One organisation with its entries and adoptions.
    async fn organisation(&self, slug: &str) -> Result<Option<OrganisationDetail>, CatalogueError>;
    /// Values for the filters of the solution or data model list, with counts.
    async fn filter_options(&self, kind: EntryKind) -> Result<FilterOptions, CatalogueError>;
    /// Full-text search with facets over solutions, data models and organisations.
    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, CatalogueError>;
    /// Completions for the search box.
    async fn suggest(&self, typed: &str) -> Result<Vec<Suggestion>, CatalogueError>;
}

/// The catalogue service as provided in context.
#[derive(Clone)]
pub struct CatalogueHandle(pub Arc<dyn Catalogue>);

impl std::ops::Deref for CatalogueHandle {
    type Target = dyn Catalogue;
    fn deref(&self) -> &Self::Target {
        self.0.as_ref()
    }
}
