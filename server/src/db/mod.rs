//! The PostgreSQL data layer: [`PgCatalogue`] implements the app's [`Catalogue`] service.
//! What the public may see is one rule, the views `visible_organisations`,
//! `visible_solutions` and `visible_data_models` (migration 12): every query here reads
//! them instead of the tables. Archived entries are visible at their address but never
//! appear in lists.

pub mod aggregate;
pub(crate) mod data_models;
mod organisations;
pub mod replicas;
pub(crate) mod rows;
pub(crate) mod solutions;

use app::model::*;
use app::query::{DataModelQuery, OrganisationQuery, SearchQuery, SolutionQuery};
use app::service::{Catalogue, CatalogueError};
use sqlx::PgPool;

use crate::db::replicas::{OnReplicaError, ReadFailure, ReadFrom, ReadPools};
use crate::search::SearchIndex;
use aggregate::{Aggregate, KeptCounts};

/// The catalogue on PostgreSQL: on the primary, or (for anonymous reads) on a fresh
/// streaming replica when there is one (`replicas`).
#[derive(Clone)]
pub struct PgCatalogue {
    reads: ReadPools,
    from: ReadFrom,
    search: Option<SearchIndex>,
    /// Catalogue-wide answers kept between page views (see [`aggregate`]).
    kept: Kept,
}

/// The catalogue-wide answers [`PgCatalogue`] keeps.
#[derive(Clone, Default)]
struct Kept {
    stats: Aggregate<CatalogueStats>,
    solution_filters: Aggregate<FilterOptions>,
    data_model_filters: Aggregate<FilterOptions>,
    solution_totals: KeptCounts,
    data_model_totals: KeptCounts,
    organisation_totals: KeptCounts,
}

impl PgCatalogue {
    /// A catalogue reading from `pool`, without search (searches fail).
    pub fn new(pool: PgPool) -> Self {
        PgCatalogue {
            reads: ReadPools::primary_only(pool),
            from: ReadFrom::Primary,
            search: None,
            kept: Kept::default(),
        }
    }

    /// A catalogue reading from `pool` and searching in `search`.
    pub fn with_search(pool: PgPool, search: SearchIndex) -> Self {
        PgCatalogue {
            search: Some(search),
            ..Self::new(pool)
        }
    }

    /// A catalogue for public reads: each read on a fresh replica of `reads` if there is
    /// one, else on the primary; searching in `search`. Its kept answers are its own (a
    /// kept answer holds only while the version read where it reads does not pass it).
    pub fn on_replicas(reads: ReadPools, search: SearchIndex) -> Self {
        PgCatalogue {
            reads,
            from: ReadFrom::FreshReplica,
            search: Some(search),
            kept: Kept::default(),
        }
    }

    /// Runs a read where this catalogue reads (see [`ReadPools::read`]): `run` gets the
    /// pool for all its statements, so a kept answer's version and the answer come from
    /// the same database.
    async fn read<T, F, Fut>(&self, run: F) -> Result<T, CatalogueError>
    where
        F: Fn(PgPool) -> Fut,
        Fut: std::future::Future<Output = Result<T, CatalogueError>>,
    {
        self.reads.read(self.from, run).await
    }

    fn search_index(&self) -> Result<&SearchIndex, CatalogueError> {
        self.search
            .as_ref()
            .ok_or_else(|| CatalogueError::Search("no search index".into()))
    }

    /// The primary's pool, for writes done outside the read service (demo seeding, tests).
    pub fn pool(&self) -> &PgPool {
        self.reads.primary()
    }
}

/// A catalogue read that failed on a replica: unreachable sets it aside, a failed statement
/// is asked again on the primary, a failed search stands.
impl ReadFailure for CatalogueError {
    fn on_replica(&self) -> OnReplicaError {
        match self {
            CatalogueError::Unavailable(_) => OnReplicaError::SetAside,
            CatalogueError::Database(_) | CatalogueError::Corrupt(_) => OnReplicaError::AskPrimary,
            CatalogueError::Search(_) => OnReplicaError::Keep,
        }
    }
}

/// Pool options every serving pool (primary and replicas) starts from: each connection
/// plans every statement for its actual parameters (`plan_cache_mode = force_custom_plan`).
///
/// The list statements filter with `($n::text is null or column = $n)`, one statement for
/// every combination of filters. A generic plan of such a statement cannot know which filters
/// are set; PostgreSQL switches to one after five executions when its estimate looks no
/// worse, and at 100 000 solutions that plan walked every organisation and took 1.4 s for a
/// list page instead of 1 ms (`explain analyze execute` with `force_generic_plan`).
/// Planning each execution costs well under a millisecond. A `set` after connecting rather
/// than a startup option, so a connection pooler that refuses startup options still works.
pub fn pool_options() -> sqlx::postgres::PgPoolOptions {
    sqlx::postgres::PgPoolOptions::new().after_connect(|conn, _meta| {
        Box::pin(async move {
            sqlx::Executor::execute(&mut *conn, "set plan_cache_mode = force_custom_plan")
                .await
                .map(|_| ())
        })
    })
}

pub(crate) fn db_err(err: sqlx::Error) -> CatalogueError {
    if is_unavailable(&err) {
        CatalogueError::Unavailable(err.to_string())
    } else {
        CatalogueError::Database(err.to_string())
    }
}

/// Whether `err` means the database cannot be reached just now (no connection within the
/// pool's timeout, connection refused or lost, the server shutting down or starting up),
/// rather than a failure of the statement: such requests are answered with 503.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception), 57P01–57P03 (admin/crash shutdown,
        // cannot connect now).
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

/// `limit`/`offset` for a 1-based page.
pub(crate) fn limit_offset(page: u32, per_page: u32) -> (i64, i64) {
    let per_page = i64::from(per_page.clamp(1, app::query::MAX_PER_PAGE));
    (per_page, i64::from(page.max(1) - 1) * per_page)
}

#[async_trait::async_trait]
impl Catalogue for PgCatalogue {
    async fn stats(&self) -> Result<CatalogueStats, CatalogueError> {
        self.read(|pool| async move {
            let computing = pool.clone();
            self.kept
                .stats
                .get(
                    &pool,
                    db_err,
                    move || async move { stats(&computing).await },
                )
                .await
        })
        .await
    }

    async fn solutions(&self, query: &SolutionQuery) -> Result<Page<SolutionCard>, CatalogueError> {
        self.read(
            |pool| async move { solutions::list(&pool, &self.kept.solution_totals, query).await },
        )
        .await
    }

    async fn solution(&self, slug: &str) -> Result<Option<SolutionDetail>, CatalogueError> {
        self.read(|pool| async move { solutions::detail(&pool, slug).await })
            .await
    }

    async fn data_models(
        &self,
        query: &DataModelQuery,
    ) -> Result<Page<DataModelCard>, CatalogueError> {
        self.read(|pool| async move {
            data_models::list(&pool, &self.kept.data_model_totals, query).await
        })
        .await
    }

    async fn data_model(&self, slug: &str) -> Result<Option<DataModelDetail>, CatalogueError> {
        self.read(|pool| async move { data_models::detail(&pool, slug).await })
            .await
    }

    async fn organisations(
        &self,
        query: &OrganisationQuery,
    ) -> Result<Page<OrganisationCard>, CatalogueError> {
        self.read(|pool| async move {
            organisations::list(&pool, &self.kept.organisation_totals, query).await
        })
        .await
    }

    async fn organisation(&self, slug: &str) -> Result<Option<OrganisationDetail>, CatalogueError> {
        self.read(|pool| async move { organisations::detail(&pool, slug).await })
            .await
    }

    async fn filter_options(&self, kind: EntryKind) -> Result<FilterOptions, CatalogueError> {
        self.read(|pool| async move {
            let computing = pool.clone();
            match kind {
                EntryKind::Solution => {
                    self.kept
                        .solution_filters
                        .get(&pool, db_err, move || async move {
                            solutions::filter_options(&computing).await
                        })
                        .await
                }
                EntryKind::DataModel => {
                    self.kept
                        .data_model_filters
                        .get(&pool, db_err, move || async move {
                            data_models::filter_options(&computing).await
                        })
                        .await
                }
            }
        })
        .await
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults, CatalogueError> {
        // A search is one or two milliseconds of CPU, shared with the index's search helper
        // thread: run it here. Handing it to a blocking thread cost more than it saved
        // (measured with `scripts/bench.sh`).
        self.search_index()?.search(query).map_err(search_err)
    }

    async fn suggest(&self, typed: &str) -> Result<Vec<Suggestion>, CatalogueError> {
        self.search_index()?.suggest(typed, 8).map_err(search_err)
    }
}

/// The start page's numbers, counted.
async fn stats(pool: &PgPool) -> Result<CatalogueStats, CatalogueError> {
    let row = sqlx::query!(
        r#"
        select
            (select count(*) from visible_solutions where archived_at is null) as "solutions!",
            (select count(*) from visible_data_models where archived_at is null) as "data_models!",
            (select count(*) from visible_organisations) as "organisations!",
            (select count(*) from adoptions a join visible_organisations o on o.id = a.organisation_id
              where exists (select 1 from visible_solutions s where s.id = a.solution_id)
                 or exists (select 1 from visible_data_models d where d.id = a.data_model_id)) as "adoptions!",
            (select count(*) from visible_solutions where forked_from is not null and archived_at is null)
              + (select count(*) from visible_data_models where forked_from is not null and archived_at is null)
              as "forks!"
        "#,
    )
    .fetch_one(pool)
    .await
    .map_err(db_err)?;
    Ok(CatalogueStats {
        solutions: row.solutions,
        data_models: row.data_models,
        organisations: row.organisations,
        adoptions: row.adoptions,
        forks: row.forks,
    })
}

/// A search error as the catalogue reports it: an index being built or mended is
/// unavailable for a while (503 with `Retry-After`), anything else a failed search.
fn search_err(err: crate::search::SearchError) -> CatalogueError {
    if err.is_temporary() {
        CatalogueError::Unavailable(err.to_string())
    } else {
        CatalogueError::Search(err.to_string())
    }
}

#[cfg(test)]
mod unavailable_tests {
    use super::*;

    #[test]
    fn pool_timeouts_and_io_errors_mean_unavailable_and_others_do_not() {
        assert!(is_unavailable(&sqlx::Error::PoolTimedOut));
        assert!(is_unavailable(&sqlx::Error::PoolClosed));
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(is_unavailable(&sqlx::Error::Io(refused)));
        assert!(!is_unavailable(&sqlx::Error::RowNotFound));
        assert!(matches!(
            db_err(sqlx::Error::PoolTimedOut),
            CatalogueError::Unavailable(_)
        ));
        assert!(matches!(
            db_err(sqlx::Error::RowNotFound),
            CatalogueError::Database(_)
        ));
    }
}
