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
//! for [`MAX_AGE`].
//!
//! An answer that is slow to compute (at least [`SLOW`], as at a million entries) is not
//! waited for after a change: the view gets the previous answer while one computation runs
//! in the background, as long as that answer is younger than [`SERVE_WHILE_REFRESHING`].
//! So a page view costs the same at any catalogue size, and a number shown is behind the
//! tables by at most the time one computation takes, and never by more than
//! [`SERVE_WHILE_REFRESHING`] plus that time. An answer that is quick to compute (a catalogue
//! of a few thousand entries, every test) is computed before the view is answered, so a
//! write is seen by the next view.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use sqlx::PgPool;

/// How long an answer is kept although the version did not change.
pub const MAX_AGE: Duration = Duration::from_secs(5);
/// How long an answer is kept that was computed while a writing transaction was running.
pub const UNSETTLED_AGE: Duration = Duration::from_secs(1);
/// An answer whose computation took at least this long is served while a new one is
/// computed in the background.
pub const SLOW: Duration = Duration::from_millis(50);
/// The oldest answer that is served while a new one is computed; an older one is waited for.
pub const SERVE_WHILE_REFRESHING: Duration = Duration::from_secs(5);

/// One cached catalogue-wide answer, shared by the clones of the service holding it.
pub struct Aggregate<T> {
    slot: Arc<Mutex<Slot<T>>>,
    /// Held while computing in the foreground: views arriving meanwhile wait for that one
    /// computation instead of starting their own.
    computing: Arc<tokio::sync::Mutex<()>>,
}

struct Slot<T> {
    kept: Option<Kept<T>>,
    /// A background computation is running.
    refreshing: bool,
}

struct Kept<T> {
    value: T,
    version: Version,
    /// When the version was read.
    at: Instant,
    /// How long computing it took.
    took: Duration,
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

    /// Whether the answer may be served while a new one is computed.
    fn may_serve_while_refreshing(&self) -> bool {
        self.took >= SLOW && self.at.elapsed() < SERVE_WHILE_REFRESHING
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
            computing: self.computing.clone(),
        }
    }
}

impl<T> Default for Aggregate<T> {
    fn default() -> Self {
        Aggregate {
            slot: Arc::new(Mutex::new(Slot {
                kept: None,
                refreshing: false,
            })),
            computing: Arc::new(tokio::sync::Mutex::new(())),
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

/// What to do with a view, decided under the slot's lock.
enum Decision<T> {
    Answer(T),
    AnswerAndRefresh(T),
    Compute,
}

impl<T: Clone + Send + 'static> Aggregate<T> {
    /// The kept answer if the catalogue did not change since and it is young enough; a slow
    /// answer while a new one is computed in the background; otherwise `compute`'s answer,
    /// kept for the next view (see the module). `db_err` turns a failure to read the version
    /// into the caller's error.
    pub async fn get<E, F, Fut>(
        &self,
        pool: &PgPool,
        db_err: fn(sqlx::Error) -> E,
        compute: F,
    ) -> Result<T, E>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        E: Send + 'static,
    {
        // The version is read before computing: a write after this read has a newer id and
        // makes a later view compute again.
        let version = catalogue_version(pool).await.map_err(db_err)?;
        match self.decide(version) {
            Decision::Answer(value) => return Ok(value),
            Decision::AnswerAndRefresh(value) => {
                let this = self.clone();
                tokio::spawn(async move {
                    let started = Instant::now();
                    let computed = compute().await;
                    this.lock().refreshing = false;
                    // A failed refresh leaves the kept answer; it ages out of being served.
                    if let Ok(value) = computed {
                        this.keep(value, version, started);
                    }
                });
                return Ok(value);
            }
            Decision::Compute => {}
        }
        let _computing = self.computing.lock().await;
        // Another view may have computed it while this one waited.
        if let Some(kept) = self.lock().kept.as_ref()
            && kept.holds(version)
        {
            return Ok(kept.value.clone());
        }
        let started = Instant::now();
        let value = compute().await?;
        self.keep(value.clone(), version, started);
        Ok(value)
    }

    /// Keeps `value`, computed for `version` from `started` until now.
    fn keep(&self, value: T, version: Version, started: Instant) {
        self.lock().kept = Some(Kept {
            value,
            version,
            at: started,
            took: started.elapsed(),
        });
    }

    fn decide(&self, version: Version) -> Decision<T> {
        let mut slot = self.lock();
        let Some(kept) = slot.kept.as_ref() else {
            return Decision::Compute;
        };
        if kept.holds(version) {
            return Decision::Answer(kept.value.clone());
        }
        if !kept.may_serve_while_refreshing() {
            return Decision::Compute;
        }
        let value = kept.value.clone();
        if slot.refreshing {
            Decision::Answer(value)
        } else {
            slot.refreshing = true;
            Decision::AnswerAndRefresh(value)
        }
    }

    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        // A panic while holding the lock leaves only a cached answer behind: take it as it is.
        self.slot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Most filter combinations whose counts are kept; beyond, the kept counts start afresh.
const MAX_KEPT_COUNTS: usize = 4096;

/// The totals of list filters (how many entries a filter combination matches), each kept
/// like an [`Aggregate`] under a key naming the combination. Counting every matching row is
/// what a list page would otherwise pay on every view; the page of entries itself is read
/// fresh each time.
#[derive(Clone, Default)]
pub struct KeptCounts {
    map: Arc<Mutex<HashMap<String, Aggregate<i64>>>>,
}

impl KeptCounts {
    /// The count of `key`, kept and computed like [`Aggregate::get`].
    pub async fn get<E, F, Fut>(
        &self,
        pool: &PgPool,
        db_err: fn(sqlx::Error) -> E,
        key: String,
        count: F,
    ) -> Result<i64, E>
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = Result<i64, E>> + Send + 'static,
        E: Send + 'static,
    {
        let aggregate = {
            // A panic while holding the lock leaves only counts behind: take them as they are.
            let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
            if map.len() >= MAX_KEPT_COUNTS && !map.contains_key(&key) {
                map.clear();
            }
            map.entry(key).or_default().clone()
        };
        aggregate.get(pool, db_err, count).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(took: Duration, age: Duration, newest: i64) -> Kept<u32> {
        Kept {
            value: 1,
            version: Version {
                newest,
                settled: true,
            },
            at: Instant::now() - age,
            took,
        }
    }

    #[test]
    fn an_answer_holds_until_the_catalogue_changes_or_it_is_too_old() {
        let now = Version {
            newest: 7,
            settled: true,
        };
        assert!(kept(Duration::ZERO, Duration::ZERO, 7).holds(now));
        assert!(!kept(Duration::ZERO, Duration::ZERO, 6).holds(now));
        assert!(!kept(Duration::ZERO, MAX_AGE, 7).holds(now));
        let unsettled = Kept {
            version: Version {
                newest: 7,
                settled: false,
            },
            ..kept(Duration::ZERO, UNSETTLED_AGE, 7)
        };
        assert!(!unsettled.holds(now));
    }

    #[test]
    fn only_a_slow_and_young_answer_is_served_while_refreshing() {
        assert!(kept(SLOW, Duration::ZERO, 1).may_serve_while_refreshing());
        assert!(!kept(SLOW / 2, Duration::ZERO, 1).may_serve_while_refreshing());
        assert!(!kept(SLOW, SERVE_WHILE_REFRESHING, 1).may_serve_while_refreshing());
    }
}
