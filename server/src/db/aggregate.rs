//! Catalogue-wide numbers — the start page's statistics, the filter options of the lists,
//! the rankings of `/nachnutzung` — that a page view would otherwise compute over every row
//! (at a million entries, hundreds of milliseconds each time).
//!
//! An [`Aggregate`] keeps the last answer with the catalogue's version at the time it was
//! computed: the newest id of the search outbox, which every write of an entry, an
//! organisation or an adoption appends to in its own transaction (migration 5). A page view
//! reads the version (one index lookup) and gets the kept answer while nothing changed; after
//! a write, the next view computes it again, while views arriving meanwhile wait for that one
//! computation instead of starting their own.
//!
//! Transactions commit in any order, so a write can become visible with an id below the
//! version already seen; the answer is therefore also computed again once it is
//! [`MAX_AGE`] old. A number shown is never more than that behind the tables.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::PgPool;

/// How long an answer is kept although the version did not change.
pub const MAX_AGE: Duration = Duration::from_secs(5);

/// One cached catalogue-wide answer, shared by the clones of the service holding it.
pub struct Aggregate<T> {
    slot: Arc<tokio::sync::Mutex<Option<Kept<T>>>>,
}

struct Kept<T> {
    value: T,
    version: i64,
    at: Instant,
}

impl<T> Clone for Aggregate<T> {
    fn clone(&self) -> Self {
        Aggregate {
            slot: self.slot.clone(),
        }
    }
}

impl<T> Default for Aggregate<T> {
    fn default() -> Self {
        Aggregate {
            slot: Arc::new(tokio::sync::Mutex::new(None)),
        }
    }
}

/// The catalogue's version: the newest search outbox id (0 when the outbox is empty).
pub async fn catalogue_version(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(r#"select coalesce(max(id), 0) as "version!" from search_outbox"#)
        .fetch_one(pool)
        .await
}

impl<T: Clone> Aggregate<T> {
    /// The kept answer if the catalogue did not change since and it is younger than
    /// [`MAX_AGE`]; otherwise `compute`'s answer, kept for the next view. `db_err` turns a
    /// failure to read the version into the caller's error.
    pub async fn get<E, F, Fut>(
        &self,
        pool: &PgPool,
        db_err: fn(sqlx::Error) -> E,
        compute: F,
    ) -> Result<T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        // The version is read before computing: a write after this read has a newer id and
        // makes the next view compute again.
        let version = catalogue_version(pool).await.map_err(db_err)?;
        let mut slot = self.slot.lock().await;
        if let Some(kept) = slot.as_ref()
            && kept.version >= version
            && kept.at.elapsed() < MAX_AGE
        {
            return Ok(kept.value.clone());
        }
        let value = compute().await?;
        *slot = Some(Kept {
            value: value.clone(),
            version,
            at: Instant::now(),
        });
        Ok(value)
    }
}
