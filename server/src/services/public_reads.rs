//! The public read paths of the entry service — an entry's reuse page and lineage,
//! `/nachnutzung`, the version history and comparison — on a fresh streaming replica when
//! the caller may read from one, else on the primary (`db::replicas`). Writes never come
//! here: they go through [`Entries`] itself, always on the primary.

use std::future::Future;

use app::editing::{LineageNode, ReuseData, ReuseStats};

use crate::db::replicas::{OnReplicaError, ReadFailure, ReadFrom};
use crate::services::entries::{Entries, EntryError, EntryKind, EntrySummary, RevisionInfo};

/// The read paths of [`Entries`] the public uses, for one caller (see
/// [`Entries::public_reads`]).
pub struct PublicReads<'a> {
    entries: &'a Entries,
    from: ReadFrom,
}

impl Entries {
    /// The public read paths for a caller who may read from `from`.
    pub fn public_reads(&self, from: ReadFrom) -> PublicReads<'_> {
        PublicReads {
            entries: self,
            from,
        }
    }
}

impl PublicReads<'_> {
    /// Runs `read` on the service reading where this caller may read.
    async fn run<T, F, Fut>(&self, read: F) -> Result<T, EntryError>
    where
        F: Fn(Entries) -> Fut,
        Fut: Future<Output = Result<T, EntryError>>,
    {
        self.entries
            .read_pools()
            .read(self.from, |pool| read(self.entries.reading_from(pool)))
            .await
    }

    /// See [`Entries::reuse_page`].
    pub async fn reuse_page(
        &self,
        kind: EntryKind,
        slug: &str,
        organisations: Vec<(String, String)>,
    ) -> Result<ReuseData, EntryError> {
        self.run(|entries| {
            let organisations = organisations.clone();
            async move { entries.reuse_page(kind, slug, organisations).await }
        })
        .await
    }

    /// See [`Entries::reuse_stats`].
    pub async fn reuse_stats(&self) -> Result<ReuseStats, EntryError> {
        self.run(|entries| async move { entries.reuse_stats().await })
            .await
    }

    /// See [`Entries::lineage`].
    pub async fn lineage(
        &self,
        kind: EntryKind,
        slug: &str,
    ) -> Result<Vec<LineageNode>, EntryError> {
        self.run(|entries| async move { entries.lineage(kind, slug).await })
            .await
    }

    /// See [`Entries::summary`].
    pub async fn summary(&self, kind: EntryKind, slug: &str) -> Result<EntrySummary, EntryError> {
        self.run(|entries| async move { entries.summary(kind, slug).await })
            .await
    }

    /// See [`Entries::revisions`].
    pub async fn revisions(
        &self,
        kind: EntryKind,
        slug: &str,
    ) -> Result<Vec<RevisionInfo>, EntryError> {
        self.run(|entries| async move { entries.revisions(kind, slug).await })
            .await
    }

    /// See [`Entries::snapshot`].
    pub async fn snapshot(
        &self,
        kind: EntryKind,
        slug: &str,
        number: i32,
    ) -> Result<serde_json::Value, EntryError> {
        self.run(|entries| async move { entries.snapshot(kind, slug, number).await })
            .await
    }
}

/// An entry read that failed on a replica: as its database error says; a refusal or a
/// missing entry stands (within the staleness bound, the primary would say the same).
impl ReadFailure for EntryError {
    fn on_replica(&self) -> OnReplicaError {
        match self {
            EntryError::Database(err) => err.on_replica(),
            EntryError::Invalid(_) | EntryError::Forbidden | EntryError::NotFound => {
                OnReplicaError::Keep
            }
        }
    }
}
