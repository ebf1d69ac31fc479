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
//! version already seen. That can only happen if a writing transaction was still running
//! when the version was read: such an answer is kept for [`UNSETTLED_AGE`] only, any other
//! for [`MAX_AGE`]. A number shown is never more than a second behind the tables after a
//! write, and never more than [`MAX_AGE`] in any case.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::PgPool;

/// How long an answer is kept although the version did not change.
pub const MAX_AGE: Duration = Duration::from_secs(5);
/// How long an answer is kept that was computed while a writing transaction was running.
pub const UNSETTLED_AGE: Duration = Duration::from_secs(1);

/// One cached catalogue-wide answer, shared by the clones of the service holding it.
pub struct Aggregate<T> {
    slot: Arc<tokio::sync::Mutex<Option<Kept<T>>>>,
}

struct Kept<T> {
    value: T,
    version: Version,
    at: Instant,
}

impl<T> Kept<T> {
    /// Whether the kept answer still holds at `now` (the catalogue's current version).
    fn holds(&self, now: Version) -> bool {
        let age = if self.version.settled {
            MAX_AGE
        } else {
            UNSETTLED_AGE
        };
        self.version.newest >= now.newest && self.at.elapsed() < age
    }
}

/// The catalogue's version as read before computing an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    /// The newest search outbox id (0 when the outbox is empty).
    pub newest: i64,
    /// No transaction that writes was running (none holds a transaction id): every write
    /// not yet seen will get a newer outbox id.
    pub settled: bool,
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

/// The catalogue's version: the newest search outbox id, and whether a writing transaction
/// was running (the snapshot's oldest running transaction id is not its next one).
pub async fn catalogue_version(pool: &PgPool) -> Result<Version, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select coalesce((select max(id) from search_outbox), 0) as "newest!",
               pg_snapshot_xmin(pg_current_snapshot()) = pg_snapshot_xmax(pg_current_snapshot())
                   as "settled!"
        "#
    )
    .fetch_one(pool)
    .await?;
    Ok(Version {
        newest: row.newest,
        settled: row.settled,
    })
}

impl<T: Clone> Aggregate<T> {
    /// The kept answer if the catalogue did not change since and it is young enough (see
    /// the module); otherwise `compute`'s answer, kept for the next view. `db_err` turns a
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
            && kept.holds(version)
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

/// Most filter combinations whose counts are kept; beyond, the kept counts start afresh.
const MAX_KEPT_COUNTS: usize = 4096;

/// The totals of list filters (how many entries a filter combination matches), each kept
/// like an [`Aggregate`] under a key naming the combination. Counting every matching row is
/// what a list page would otherwise pay on every view; the page of entries itself is read
/// fresh each time.
pub struct KeptCounts {
    map: Arc<std::sync::Mutex<std::collections::HashMap<String, Kept<i64>>>>,
}

impl Clone for KeptCounts {
    fn clone(&self) -> Self {
        KeptCounts {
            map: self.map.clone(),
        }
    }
}

impl Default for KeptCounts {
    fn default() -> Self {
        KeptCounts {
            map: Arc::new(std::sync::Mutex::new(Default::default())),
        }
    }
}

impl KeptCounts {
    /// The kept count of `key` if the catalogue did not change since and it is young enough;
    /// otherwise `count`'s answer, kept for the next view.
    pub async fn get<E, F, Fut>(
        &self,
        pool: &PgPool,
        db_err: fn(sqlx::Error) -> E,
        key: String,
        count: F,
    ) -> Result<i64, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<i64, E>>,
    {
        let version = catalogue_version(pool).await.map_err(db_err)?;
        if let Some(kept) = self.lock().get(&key)
            && kept.holds(version)
        {
            return Ok(kept.value);
        }
        let value = count().await?;
        let mut map = self.lock();
        if map.len() >= MAX_KEPT_COUNTS {
            map.clear();
        }
        map.insert(
            key,
            Kept {
                value,
                version,
                at: Instant::now(),
            },
        );
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Kept<i64>>> {
        // A panic while holding the lock leaves only counts behind: take them as they are.
        self.map
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
