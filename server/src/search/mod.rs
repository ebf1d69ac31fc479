//! The search index: a Tantivy projection of PostgreSQL, kept current from the outbox.
//!
//! Every write to an entry or organisation appends a `search_outbox` row in the same
//! transaction (by trigger). Each server node owns one index directory and applies the
//! outbox rows after its own cursor; the cursor is stored in the index's commit payload,
//! so index contents and cursor never disagree. A missing, damaged or
//! outdated index is rebuilt from PostgreSQL on start.

pub mod analysis;
mod documents;
mod facets;
mod outbox;
mod parallel;
mod query;
pub mod schema;
mod suggest;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::model::{SearchKind, SearchResults, Suggestion};
use app::query::SearchQuery;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use tantivy::directory::MmapDirectory;
use tantivy::schema::Term;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};
use uuid::Uuid;

use self::analysis::{Analysis, Analyzer, ENGLISH, FOLDED, GERMAN, PAIRS, WORDS};
use self::documents::{EntryDoc, Selection};
use self::outbox::{Change, OutboxCursor};
use self::schema::{Fields, SCHEMA_VERSION};

/// Memory the index writer may use before it flushes a segment.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// Indexing threads (the machine this was sized for has two cores).
const WRITER_THREADS: usize = 2;
/// Threads that search segments in parallel, and the number of segments `optimize` leaves.
const SEARCH_THREADS: usize = 2;
/// How often a node looks for new outbox rows.
pub const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Why the index could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("Suchindex: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("Suchindex: Datenbankfehler: {0}")]
    Database(#[from] sqlx::Error),
    #[error(
        "Der Suchindex in {0} wird schon von einem anderen Allmende-Prozess benutzt. Jeder Server braucht ein eigenes \
         Verzeichnis (ALLMENDE_INDEX_DIR). / The search index is in use by another process."
    )]
    Locked(PathBuf),
    #[error("Suchindex-Verzeichnis {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("Suchindex: interner Fehler: {0}")]
    Internal(String),
}

impl SearchError {
    /// Whether the error says the index files are damaged (and a rebuild from the database
    /// mends it), as opposed to the database, a lock held by another process, or the
    /// directory itself being unusable.
    fn is_damage(&self) -> bool {
        match self {
            SearchError::Index(err) => !matches!(err, tantivy::TantivyError::LockFailure(..)),
            SearchError::Internal(_) => true,
            SearchError::Database(_) | SearchError::Locked(_) | SearchError::Io(..) => false,
        }
    }
}

/// What the commit payload remembers.
#[derive(Debug, Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
struct Payload {
    schema: u32,
    /// The last outbox row applied.
    cursor: OutboxCursor,
}

/// Numbers from a full rebuild.
#[derive(Debug, Clone, Copy)]
pub struct RebuildStats {
    pub documents: u64,
    pub elapsed: Duration,
}

/// The search index of this node. Cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<IndexWriter>,
    cursor: Mutex<OutboxCursor>,
    facet_table: facets::FacetTable,
    /// Segments are searched in parallel: a large search takes half the time on two cores.
    pool: parallel::SegmentPool,
}

impl SearchIndex {
    /// Opens the index in `dir` (creating the directory), rebuilding it from `pool` when it
    /// is new, unreadable or of another schema version. `progress` is told about a rebuild.
    ///
    /// A damaged index (a truncated or missing segment file, garbage where tantivy expects
    /// its footers) does not stop the server or `allmende reindex`: its files are removed
    /// and the index is built again from the database, which holds everything it had.
    pub async fn open(
        dir: &Path,
        pool: &PgPool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Self, SearchError> {
        match Self::open_once(dir, pool, progress).await {
            Err(err) if err.is_damage() => {
                tracing::warn!(
                    dir = %dir.display(),
                    error = %err,
                    "the search index cannot be read; building it again from the database"
                );
                clear_dir(dir)?;
                Self::open_once(dir, pool, progress).await
            }
            other => other,
        }
    }

    async fn open_once(
        dir: &Path,
        pool: &PgPool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Self, SearchError> {
        let (index, payload) = open_or_create(dir)?;
        // The schema always comes from `schema::build` (an index with another one is rebuilt).
        let fields = schema::build().1;
        let writer = index
            .writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY)
            .map_err(|err| match err {
                tantivy::TantivyError::LockFailure(..) => SearchError::Locked(dir.to_owned()),
                other => SearchError::Index(other),
            })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let search = SearchIndex {
            inner: Arc::new(Inner {
                dir: dir.to_owned(),
                index,
                reader,
                fields,
                writer: Mutex::new(writer),
                cursor: Mutex::new(payload.map_or(OutboxCursor::START, |p| p.cursor)),
                facet_table: facets::FacetTable::default(),
                pool: parallel::SegmentPool::new(SEARCH_THREADS - 1)
                    .map_err(|err| SearchError::Internal(err.to_string()))?,
            }),
        };
        let needs_rebuild = match payload {
            None => true,
            Some(p) => outbox::pruned_past(pool, &p.cursor).await?,
        };
        if needs_rebuild {
            tracing::info!(dir = %dir.display(), "building the search index from the database");
            let stats = search.rebuild(pool, progress).await?;
            tracing::info!(
                documents = stats.documents,
                ms = stats.elapsed.as_millis() as u64,
                "search index built"
            );
            search.optimize().await?;
        } else {
            search.catch_up(pool).await?;
        }
        Ok(search)
    }

    /// The directory the index lives in.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// Replaces the whole index with the current contents of the database.
    pub async fn rebuild(
        &self,
        pool: &PgPool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<RebuildStats, SearchError> {
        let started = Instant::now();
        // Rows written while we read are applied again afterwards (applying is idempotent).
        let head = outbox::head(pool).await?;
        let total = documents::count(pool).await?;
        self.with_writer(|writer| writer.delete_all_documents().map(|_| ()))?;
        let mut done = 0u64;
        for kind in [
            SearchKind::Organisation,
            SearchKind::DataModel,
            SearchKind::Solution,
        ] {
            let mut after = None;
            loop {
                let docs = load(pool, kind, Selection::After(after)).await?;
                let Some(last) = docs.last() else { break };
                after = Some(last.id);
                done += docs.len() as u64;
                let fields = self.inner.fields.clone();
                self.with_writer(move |writer| {
                    for doc in &docs {
                        writer.add_document(doc.to_document(&fields))?;
                    }
                    Ok(())
                })?;
                progress(done, total);
            }
        }
        self.commit(head).await?;
        *lock(&self.inner.cursor) = head;
        self.catch_up(pool).await?;
        Ok(RebuildStats {
            documents: done,
            elapsed: started.elapsed(),
        })
    }

    /// Applies outbox rows written since the last call; returns how many changes were applied.
    pub async fn catch_up(&self, pool: &PgPool) -> Result<usize, SearchError> {
        let cursor = *lock(&self.inner.cursor);
        let rows = outbox::read(pool, &cursor).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let changes = outbox::changes(pool, &rows).await?;
        let mut docs = Vec::new();
        for kind in [
            SearchKind::Solution,
            SearchKind::DataModel,
            SearchKind::Organisation,
        ] {
            let ids: Vec<Uuid> = changes
                .iter()
                .filter(|c| c.kind == kind)
                .map(|c| c.id)
                .collect();
            if !ids.is_empty() {
                docs.extend(load(pool, kind, Selection::Ids(&ids)).await?);
            }
        }
        let mut new_cursor = cursor;
        new_cursor.advance(&rows);
        let fields = self.inner.fields.clone();
        let applied = changes.len();
        self.with_writer(move |writer| {
            for Change { kind, id } in &changes {
                writer.delete_term(Term::from_field_text(
                    fields.key,
                    &documents::key(*kind, *id),
                ));
            }
            for doc in &docs {
                writer.add_document(doc.to_document(&fields))?;
            }
            Ok(())
        })?;
        self.commit(new_cursor).await?;
        *lock(&self.inner.cursor) = new_cursor;
        Ok(applied)
    }

    /// Outbox rows this node has not applied yet (including rows of transactions that are
    /// still running or wait for an older one): the index's lag.
    pub async fn lag(&self, pool: &PgPool) -> Result<i64, SearchError> {
        let cursor = *lock(&self.inner.cursor);
        Ok(outbox::count_after(pool, &cursor).await?)
    }

    /// Applies outbox rows until none are left (tests and tools that must read their own
    /// writes). Gives up after `patience`.
    pub async fn catch_up_fully(
        &self,
        pool: &PgPool,
        patience: Duration,
    ) -> Result<(), SearchError> {
        let started = Instant::now();
        loop {
            self.catch_up(pool).await?;
            if self.lag(pool).await? == 0 {
                return Ok(());
            }
            if started.elapsed() > patience {
                return Err(SearchError::Internal(
                    "search index did not catch up in time".into(),
                ));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Keeps the index current until `shutdown` resolves: polls the outbox every
    /// [`POLL_INTERVAL`] and prunes outbox rows older than a week once an hour.
    pub async fn follow(&self, pool: PgPool, shutdown: impl std::future::Future<Output = ()>) {
        let mut shutdown = std::pin::pin!(shutdown);
        let mut last_prune = Instant::now() - Duration::from_secs(3600);
        loop {
            if let Err(err) = self.catch_up(&pool).await {
                tracing::warn!(error = %err, "updating the search index failed; retrying");
            }
            if last_prune.elapsed() >= Duration::from_secs(3600) {
                last_prune = Instant::now();
                if let Err(err) = outbox::prune(&pool).await {
                    tracing::warn!(error = %err, "pruning the search outbox failed");
                }
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(POLL_INTERVAL) => {}
            }
        }
    }

    /// Runs a search (a few milliseconds of CPU; callers on the async runtime may call it
    /// directly).
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        query::run(
            &self.inner.pool,
            &self.inner.reader.searcher(),
            &self.inner.index,
            &self.inner.fields,
            &self.inner.facet_table,
            query,
        )
    }

    /// Completions for what has been typed so far.
    pub fn suggest(&self, typed: &str, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
        suggest::suggest(
            &self.inner.reader.searcher(),
            &self.inner.fields,
            typed,
            limit,
        )
    }

    /// Number of documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// Size of the index files in bytes.
    pub fn size_bytes(&self) -> u64 {
        std::fs::read_dir(&self.inner.dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    fn with_writer(
        &self,
        work: impl FnOnce(&mut IndexWriter) -> tantivy::Result<()>,
    ) -> Result<(), SearchError> {
        work(&mut lock(&self.inner.writer))?;
        Ok(())
    }

    /// Merges the segments into [`SEARCH_THREADS`] of about equal size (after a rebuild:
    /// few segments search fastest, and one per search thread uses every core).
    pub async fn optimize(&self) -> Result<(), SearchError> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
            // The writer's own merge policy may be merging some of these segments in the
            // background; a merge whose segments it already took fails harmlessly, and the
            // grouping is then made again from the segments that exist now.
            for attempt in 0.. {
                let metas = inner.index.searchable_segment_metas()?;
                if metas.len() <= SEARCH_THREADS {
                    break;
                }
                // Deal segments, largest first, to the group with the fewest documents.
                let mut metas = metas;
                metas.sort_by_key(|m| std::cmp::Reverse(m.num_docs()));
                let mut groups: Vec<(u32, Vec<tantivy::index::SegmentId>)> =
                    vec![(0, Vec::new()); SEARCH_THREADS];
                for meta in metas {
                    let group = groups
                        .iter_mut()
                        .min_by_key(|(docs, _)| *docs)
                        .expect("at least one group");
                    group.0 += meta.num_docs();
                    group.1.push(meta.id());
                }
                let mut writer = lock(&inner.writer);
                let pending: Vec<_> = groups
                    .iter()
                    .filter(|(_, ids)| ids.len() > 1)
                    .map(|(_, ids)| writer.merge(ids))
                    .collect();
                drop(writer);
                let mut raced = false;
                for merge in pending {
                    match merge.wait() {
                        Ok(_) => {}
                        Err(tantivy::TantivyError::InvalidArgument(_)) if attempt < 20 => {
                            raced = true
                        }
                        Err(err) => return Err(err.into()),
                    }
                }
                if !raced {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            inner.reader.reload()?;
            inner.facet_table.refresh(&inner.reader.searcher())?;
            Ok(())
        })
        .await
        .map_err(|e| SearchError::Internal(e.to_string()))?
    }

    /// Commits with the cursor as payload and makes the new state searchable. Runs on a
    /// blocking thread: a commit waits for the indexing threads and for the disk.
    async fn commit(&self, cursor: OutboxCursor) -> Result<(), SearchError> {
        let payload = serde_json::to_string(&Payload {
            schema: SCHEMA_VERSION,
            cursor,
        })
        .map_err(|e| SearchError::Internal(e.to_string()))?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
            {
                let mut writer = lock(&inner.writer);
                let mut prepared = writer.prepare_commit()?;
                prepared.set_payload(&payload);
                prepared.commit()?;
            }
            inner.reader.reload()?;
            inner.facet_table.refresh(&inner.reader.searcher())?;
            Ok(())
        })
        .await
        .map_err(|e| SearchError::Internal(e.to_string()))?
    }
}

/// Locks a mutex; a panic while it was held leaves consistent data here (the writer rolls
/// back uncommitted work on the next commit failure), so the lock is taken over.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

async fn load(
    pool: &PgPool,
    kind: SearchKind,
    selection: Selection<'_>,
) -> Result<Vec<EntryDoc>, sqlx::Error> {
    match kind {
        SearchKind::Solution => documents::solutions(pool, selection).await,
        SearchKind::DataModel => documents::data_models(pool, selection).await,
        SearchKind::Organisation => documents::organisations(pool, selection).await,
    }
}

/// Opens the index in `dir` or creates an empty one; the payload is `None` when the index
/// must be (re)built.
fn open_or_create(dir: &Path) -> Result<(Index, Option<Payload>), SearchError> {
    std::fs::create_dir_all(dir).map_err(|e| SearchError::Io(dir.to_owned(), e))?;
    let (schema, _) = schema::build();
    let existing = MmapDirectory::open(dir)
        .map_err(|e| SearchError::Internal(e.to_string()))
        .and_then(|d| Index::open(d).map_err(SearchError::Index));
    let index = match existing {
        Ok(index) => {
            let payload = index
                .load_metas()
                .ok()
                .and_then(|meta| meta.payload)
                .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
                .filter(|p| p.schema == SCHEMA_VERSION);
            if payload.is_some() && index.schema() == schema {
                register_analyzers(&index);
                return Ok((index, payload));
            }
            tracing::info!(dir = %dir.display(), "search index has an old format; rebuilding");
            drop(index);
            clear_dir(dir)?;
            Index::create_in_dir(dir, schema)?
        }
        Err(_) => {
            clear_dir(dir)?;
            Index::create_in_dir(dir, schema)?
        }
    };
    register_analyzers(&index);
    Ok((index, None))
}

/// Whether a file name is one tantivy writes: `meta.json`, `.managed.json`, its lock files,
/// and segment files named by a 32-digit hex id.
fn is_index_file(name: &str) -> bool {
    let segment = name
        .split_once('.')
        .is_some_and(|(id, _)| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()));
    segment
        || matches!(
            name,
            "meta.json" | ".managed.json" | ".tantivy-meta.lock" | ".tantivy-writer.lock"
        )
}

/// Removes the index files of an unusable index (only files tantivy writes).
fn clear_dir(dir: &Path) -> Result<(), SearchError> {
    let entries = std::fs::read_dir(dir).map_err(|e| SearchError::Io(dir.to_owned(), e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = is_index_file(&name);
        if path.is_file() && ours {
            std::fs::remove_file(&path).map_err(|e| SearchError::Io(path.clone(), e))?;
        }
    }
    Ok(())
}

fn register_analyzers(index: &Index) {
    let tokenizers = index.tokenizers();
    tokenizers.register(GERMAN, Analyzer::new(Analysis::German));
    tokenizers.register(ENGLISH, Analyzer::new(Analysis::English));
    tokenizers.register(WORDS, Analyzer::new(Analysis::Words));
    tokenizers.register(FOLDED, Analyzer::new(Analysis::Folded));
    tokenizers.register(PAIRS, Analyzer::new(Analysis::Pairs));
}
