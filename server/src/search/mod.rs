//! The search index: a Tantivy projection of PostgreSQL, kept current from the outbox.
//!
//! Every write to an entry or organisation appends a `search_outbox` row in the same
//! transaction (by trigger). Each server node owns one index directory and applies the
//! outbox rows after its own cursor; the cursor is stored in the index's commit payload,
//! so index contents and cursor never disagree.
//!
//! The index mends itself. A failed update (a full disk, a killed writer) throws away the
//! writer with everything it had not committed, takes a new one and goes on from the cursor
//! of the last commit, with growing pauses. A missing, damaged (checksums), outdated or
//! miscounted index is built again from PostgreSQL, and a periodic check repairs entries
//! the index lacks or has too many. A rebuild writes a new generation beside the index in
//! use (see [`generations`]), which goes on answering until the new one is complete; only a
//! node that has no usable index at all answers searches with "being built" meanwhile.

pub mod analysis;
mod consistency;
mod documents;
mod facets;
mod generations;
mod health;
mod outbox;
mod parallel;
mod query;
pub mod schema;
mod suggest;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
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
use self::generations::IndexRoot;
use self::health::Health;
pub use self::health::IndexStatus;
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
/// How often the follower compares the index with the database (and once soon after start).
const CHECK_EVERY: Duration = Duration::from_secs(30 * 60);
/// The first check after start.
const FIRST_CHECK_AFTER: Duration = Duration::from_secs(60);
/// How often the follower looks for a rebuild requested by `allmende reindex`.
const REQUEST_POLL: Duration = Duration::from_secs(2);
/// The `allmende_meta` keys of a requested and of a finished on-demand rebuild.
const REBUILD_REQUESTED: &str = "search_rebuild_requested";
const REBUILD_DONE: &str = "search_rebuild_done";

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
    #[error(
        "Der Suchindex wird gerade aufgebaut ({done} von {total} Einträgen). Bitte versuchen Sie es in einer Minute erneut. \
         / The search index is being built; please try again in a minute."
    )]
    Building { done: u64, total: u64 },
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
            SearchError::Database(_)
            | SearchError::Locked(_)
            | SearchError::Io(..)
            | SearchError::Building { .. } => false,
        }
    }

    /// Whether searching is unavailable for a while (being built, or being mended after
    /// damage), so that pages and the API answer 503 with `Retry-After`.
    pub fn is_temporary(&self) -> bool {
        matches!(self, SearchError::Building { .. }) || self.is_damage()
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

/// What a consistency check found (and repaired).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Drift {
    /// Entries the index lacked or still had, after changes in flight were applied.
    pub repaired: u64,
}

/// How [`SearchIndex::open_with`] deals with an index that must be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// Build it before returning (tools and tests).
    Wait,
    /// Return at once and build in the background; searches answer
    /// [`SearchError::Building`] until an index exists (the web server).
    InBackground,
    /// Do not build (the caller rebuilds anyway: `allmende reindex`).
    Never,
}

/// The search index of this node. Cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    shared: Arc<Shared>,
}

struct Shared {
    root: IndexRoot,
    /// The generation answering searches (`None` while the first one is built).
    live: RwLock<Option<Arc<Inner>>>,
    health: Health,
    /// One rebuild at a time.
    rebuilding: tokio::sync::Mutex<()>,
}

/// One generation of the index.
struct Inner {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// `None` after a failure until a new writer could be taken.
    writer: Mutex<Option<IndexWriter>>,
    cursor: Mutex<OutboxCursor>,
    facet_table: facets::FacetTable,
    /// Segments are searched in parallel: a large search takes half the time on two cores.
    pool: parallel::SegmentPool,
}

impl SearchIndex {
    /// Opens the index in `dir` (creating the directory), building it from `pool` before
    /// returning when it is new, damaged, of another schema version or miscounted.
    /// `progress` is told about a rebuild.
    pub async fn open(
        dir: &Path,
        pool: &PgPool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Self, SearchError> {
        Self::open_with(dir, pool, Build::Wait, progress).await
    }

    /// Opens the index in `dir`; an index that must be built is built as `build` says.
    ///
    /// A damaged index (a truncated or missing segment file, garbage in a file, found by
    /// its checksums) does not stop the server or `allmende reindex`: it is built again from
    /// the database, which holds everything it had.
    pub async fn open_with(
        dir: &Path,
        pool: &PgPool,
        build: Build,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Self, SearchError> {
        let root = IndexRoot::acquire(dir)?;
        let live = match root.current() {
            Some(current) => match Inner::open_existing(&current) {
                Ok(Some((inner, payload)))
                    if !outbox::pruned_past(pool, &payload.cursor).await? =>
                {
                    Some(inner)
                }
                Ok(_) => {
                    tracing::info!(dir = %dir.display(), "the search index is outdated; building it again");
                    None
                }
                Err(err) if err.is_damage() => {
                    tracing::warn!(dir = %dir.display(), error = %err, "the search index cannot be read; building it again from the database");
                    None
                }
                Err(err) => return Err(err),
            },
            None => None,
        };
        // Leftovers of a rebuild cut short, or of the layout before generations.
        root.remove_others(live.as_ref().map(|i| i.dir.as_path()))?;
        let search = SearchIndex {
            shared: Arc::new(Shared {
                root,
                live: RwLock::new(live.map(Arc::new)),
                health: Health::default(),
                rebuilding: tokio::sync::Mutex::new(()),
            }),
        };
        let must_build = match search.live() {
            None => true,
            Some(inner) if build != Build::Never => {
                inner.catch_up(pool).await?;
                let indexed = inner.num_docs();
                let stored = documents::count(pool).await?;
                if indexed != stored {
                    tracing::warn!(
                        indexed,
                        stored,
                        "the search index disagrees with the database; building it again"
                    );
                }
                indexed != stored
            }
            Some(_) => false,
        };
        if must_build {
            match build {
                Build::Wait => {
                    search.rebuild(pool, progress).await?;
                }
                Build::InBackground => search.rebuild_in_background(pool.clone()),
                Build::Never => {}
            }
        }
        Ok(search)
    }

    /// The directory the index lives in.
    pub fn dir(&self) -> &Path {
        self.shared.root.path()
    }

    /// The generation answering searches.
    fn live(&self) -> Option<Arc<Inner>> {
        self.shared
            .live
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn serving(&self) -> Result<Arc<Inner>, SearchError> {
        self.live().ok_or_else(|| {
            let status = self.status();
            let (done, total) = status.rebuilding.unwrap_or((0, 0));
            SearchError::Building { done, total }
        })
    }

    /// Builds a new generation from the current contents of the database and puts it in
    /// place of the one in use, which answers searches until then. Waits for a rebuild
    /// already running to finish first.
    pub async fn rebuild(
        &self,
        pool: &PgPool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<RebuildStats, SearchError> {
        let _one_at_a_time = self.shared.rebuilding.lock().await;
        self.rebuild_holding_lock(pool, progress).await
    }

    async fn rebuild_holding_lock(
        &self,
        pool: &PgPool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<RebuildStats, SearchError> {
        let health = &self.shared.health;
        health.rebuild_started();
        let result = self.build_generation(pool, progress).await;
        health.rebuild_finished(result.is_ok());
        let (fresh, stats) = result?;
        self.shared.root.make_current(&fresh.dir)?;
        let old = self
            .shared
            .live
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .replace(fresh);
        if let Some(old) = old {
            // Searches still holding the old generation finish on its open files.
            lock(&old.writer).take();
            generations::remove(&old.dir)?;
        }
        tracing::info!(
            documents = stats.documents,
            ms = stats.elapsed.as_millis() as u64,
            "search index built"
        );
        Ok(stats)
    }

    async fn build_generation(
        &self,
        pool: &PgPool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<(Arc<Inner>, RebuildStats), SearchError> {
        let dir = self.shared.root.next()?;
        tracing::info!(dir = %dir.display(), "building the search index from the database");
        let built = async {
            let inner = Arc::new(Inner::create(&dir)?);
            let health = &self.shared.health;
            let stats = inner
                .fill(pool, &|done, total| {
                    health.rebuild_progress(done, total);
                    progress(done, total);
                })
                .await?;
            inner.optimize().await?;
            Ok((inner, stats))
        }
        .await;
        if built.is_err() {
            // A failed build (full disk, database gone) leaves the generation in use alone.
            let _ = generations::remove(&dir);
        }
        built
    }

    /// Starts a rebuild on the runtime unless one is running.
    fn rebuild_in_background(&self, pool: PgPool) {
        let search = self.clone();
        tokio::spawn(async move {
            let Ok(_one_at_a_time) = search.shared.rebuilding.try_lock() else {
                return;
            };
            if let Err(err) = search.rebuild_holding_lock(&pool, &|_, _| {}).await {
                tracing::warn!(error = %err, "building the search index failed; the next attempt follows");
            }
        });
    }

    /// Applies outbox rows written since the last call; returns how many changes were applied.
    pub async fn catch_up(&self, pool: &PgPool) -> Result<usize, SearchError> {
        match self.live() {
            Some(inner) => inner.catch_up(pool).await,
            None => Ok(0),
        }
    }

    /// Outbox rows this node has not applied yet (including rows of transactions that are
    /// still running or wait for an older one): the index's lag.
    pub async fn lag(&self, pool: &PgPool) -> Result<i64, SearchError> {
        let cursor = match self.live() {
            Some(inner) => *lock(&inner.cursor),
            None => OutboxCursor::START,
        };
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

    /// Compares the index with the database and applies the entries found out of step
    /// again (those still out of step once the changes in flight are applied count as drift).
    pub async fn check_consistency(&self, pool: &PgPool) -> Result<Drift, SearchError> {
        let inner = self.serving()?;
        inner.catch_up(pool).await?;
        let in_index = consistency::index_keys(&inner.reader.searcher(), inner.fields.key)?;
        let in_database = consistency::database_keys(pool).await?;
        let mut suspects = consistency::differences(&in_index, &in_database);
        if !suspects.is_empty() {
            // Writes between the two reads look like drift; apply the outbox and look again.
            inner.catch_up(pool).await?;
            let in_index = consistency::index_keys(&inner.reader.searcher(), inner.fields.key)?;
            let in_database = consistency::database_keys(pool).await?;
            let still: std::collections::HashSet<_> =
                consistency::differences(&in_index, &in_database)
                    .into_iter()
                    .collect();
            suspects.retain(|change| still.contains(change));
        }
        let repaired = suspects.len() as u64;
        if repaired > 0 {
            tracing::warn!(
                entries = repaired,
                "the search index was out of step with the database; repairing"
            );
            let cursor = *lock(&inner.cursor);
            inner.apply(pool, suspects, cursor).await?;
        }
        self.shared.health.checked(repaired);
        Ok(Drift { repaired })
    }

    /// Keeps the index current until `shutdown` resolves: polls the outbox every
    /// [`POLL_INTERVAL`] (backing off while updates fail), compares index and database every
    /// [`CHECK_EVERY`], rebuilds when searches met damage or `allmende reindex` asked for it,
    /// and prunes outbox rows older than a week once an hour.
    pub async fn follow(&self, pool: PgPool, shutdown: impl std::future::Future<Output = ()>) {
        let mut shutdown = std::pin::pin!(shutdown);
        let health = &self.shared.health;
        let mut last_prune = Instant::now() - Duration::from_secs(3600);
        let mut next_check = Instant::now() + FIRST_CHECK_AFTER;
        let mut last_request_poll = Instant::now();
        let mut handled_request = rebuild_request(&pool).await.unwrap_or(None);
        loop {
            let pause = match self.catch_up(&pool).await {
                Ok(_) => {
                    health.update_succeeded();
                    POLL_INTERVAL
                }
                Err(err) => health.update_failed(&err),
            };
            if (health.is_damaged() || self.live().is_none()) && health.may_retry_rebuild() {
                self.rebuild_in_background(pool.clone());
            }
            if last_request_poll.elapsed() >= REQUEST_POLL {
                last_request_poll = Instant::now();
                if let Ok(request) = rebuild_request(&pool).await
                    && request.is_some()
                    && request != handled_request
                {
                    handled_request = request.clone();
                    tracing::info!("a rebuild of the search index was requested");
                    let search = self.clone();
                    let pool = pool.clone();
                    tokio::spawn(async move {
                        match search.rebuild(&pool, &|_, _| {}).await {
                            Ok(_) => {
                                if let Some(request) = request
                                    && let Err(err) = record_rebuild_done(&pool, &request).await
                                {
                                    tracing::warn!(error = %err, "recording the finished rebuild failed");
                                }
                            }
                            Err(err) => {
                                tracing::warn!(error = %err, "the requested rebuild of the search index failed")
                            }
                        }
                    });
                }
            }
            if Instant::now() >= next_check && self.live().is_some() {
                next_check = Instant::now() + CHECK_EVERY;
                if let Err(err) = self.check_consistency(&pool).await {
                    tracing::warn!(error = %err, "comparing the search index with the database failed");
                }
            }
            if last_prune.elapsed() >= Duration::from_secs(3600) {
                last_prune = Instant::now();
                if let Err(err) = outbox::prune(&pool).await {
                    tracing::warn!(error = %err, "pruning the search outbox failed");
                }
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }

    /// Runs a search (a few milliseconds of CPU; callers on the async runtime may call it
    /// directly). Damaged files met on the way make the follower build the index again.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchResults, SearchError> {
        let inner = self.serving()?;
        query::run(
            &inner.pool,
            &inner.reader.searcher(),
            &inner.index,
            &inner.fields,
            &inner.facet_table,
            query,
        )
        .inspect_err(|err| self.note_damage(err))
    }

    /// Completions for what has been typed so far.
    pub fn suggest(&self, typed: &str, limit: usize) -> Result<Vec<Suggestion>, SearchError> {
        let inner = self.serving()?;
        suggest::suggest(&inner.reader.searcher(), &inner.fields, typed, limit)
            .inspect_err(|err| self.note_damage(err))
    }

    fn note_damage(&self, err: &SearchError) {
        if err.is_damage() {
            self.shared.health.mark_damaged();
        }
    }

    /// Number of documents in the index answering searches.
    pub fn num_docs(&self) -> u64 {
        self.live().map_or(0, |inner| inner.num_docs())
    }

    /// How the index is doing (readiness and metrics).
    pub fn status(&self) -> IndexStatus {
        let live = self.live();
        self.shared
            .health
            .status(live.is_some(), live.map_or(0, |i| i.num_docs()))
    }

    /// Size of the index files in bytes.
    pub fn size_bytes(&self) -> u64 {
        let Some(inner) = self.live() else { return 0 };
        std::fs::read_dir(&inner.dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    /// Merges the segments into [`SEARCH_THREADS`] of about equal size.
    pub async fn optimize(&self) -> Result<(), SearchError> {
        match self.live() {
            Some(inner) => inner.optimize().await,
            None => Ok(()),
        }
    }
}

/// Asks the servers on this database to rebuild their indexes (`allmende reindex` while a
/// server owns the index directory); returns the request to wait for.
pub async fn request_rebuild(pool: &PgPool) -> Result<String, SearchError> {
    let request = sqlx::query_scalar!(
        r#"
        insert into allmende_meta (key, value) values ($1, clock_timestamp()::text)
        on conflict (key) do update set value = excluded.value
        returning value
        "#,
        REBUILD_REQUESTED,
    )
    .fetch_one(pool)
    .await?;
    Ok(request)
}

/// Whether a server finished the rebuild `request`.
pub async fn rebuild_done(pool: &PgPool, request: &str) -> Result<bool, SearchError> {
    let done = sqlx::query_scalar!(
        "select value from allmende_meta where key = $1",
        REBUILD_DONE
    )
    .fetch_optional(pool)
    .await?;
    Ok(done.as_deref() == Some(request))
}

async fn rebuild_request(pool: &PgPool) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select value from allmende_meta where key = $1",
        REBUILD_REQUESTED
    )
    .fetch_optional(pool)
    .await
}

async fn record_rebuild_done(pool: &PgPool, request: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        insert into allmende_meta (key, value) values ($1, $2)
        on conflict (key) do update set value = excluded.value
        "#,
        REBUILD_DONE,
        request,
    )
    .execute(pool)
    .await
    .map(|_| ())
}

impl Inner {
    /// A new, empty index in `dir`.
    fn create(dir: &Path) -> Result<Inner, SearchError> {
        let (schema, _) = schema::build();
        let index = Index::create_in_dir(dir, schema)?;
        register_analyzers(&index);
        Inner::with_index(dir, index, OutboxCursor::START)
    }

    /// The index in `dir` with its payload, `None` when it has another schema or no
    /// payload; an error when its files cannot be read or fail their checksums.
    fn open_existing(dir: &Path) -> Result<Option<(Inner, Payload)>, SearchError> {
        let directory =
            MmapDirectory::open(dir).map_err(|e| SearchError::Internal(e.to_string()))?;
        let index = Index::open(directory)?;
        let payload = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
            .filter(|p| p.schema == SCHEMA_VERSION);
        let Some(payload) = payload.filter(|_| index.schema() == schema::build().0) else {
            return Ok(None);
        };
        let damaged = index.validate_checksum()?;
        if !damaged.is_empty() {
            return Err(SearchError::Internal(format!(
                "files fail their checksums: {damaged:?}"
            )));
        }
        register_analyzers(&index);
        let inner = Inner::with_index(dir, index, payload.cursor)?;
        // Opening the searcher reads every segment's footers: a truncated file shows here.
        inner.reader.reload()?;
        inner.facet_table.refresh(&inner.reader.searcher())?;
        Ok(Some((inner, payload)))
    }

    fn with_index(dir: &Path, index: Index, cursor: OutboxCursor) -> Result<Inner, SearchError> {
        let writer = new_writer(&index, dir)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Inner {
            dir: dir.to_owned(),
            index,
            reader,
            // The schema always comes from `schema::build` (an index with another one is rebuilt).
            fields: schema::build().1,
            writer: Mutex::new(Some(writer)),
            cursor: Mutex::new(cursor),
            facet_table: facets::FacetTable::default(),
            pool: parallel::SegmentPool::new(SEARCH_THREADS - 1)
                .map_err(|err| SearchError::Internal(err.to_string()))?,
        })
    }

    fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Fills an empty generation with every entry of the database.
    async fn fill(
        self: &Arc<Self>,
        pool: &PgPool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<RebuildStats, SearchError> {
        let started = Instant::now();
        // Rows written while we read are applied again afterwards (applying is idempotent).
        let head = outbox::head(pool).await?;
        let total = documents::count(pool).await?;
        let mut done = 0u64;
        progress(done, total);
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
                let fields = self.fields.clone();
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
        *lock(&self.cursor) = head;
        self.catch_up(pool).await?;
        Ok(RebuildStats {
            documents: done,
            elapsed: started.elapsed(),
        })
    }

    async fn catch_up(self: &Arc<Self>, pool: &PgPool) -> Result<usize, SearchError> {
        let cursor = *lock(&self.cursor);
        let rows = outbox::read(pool, &cursor).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let changes = outbox::changes(pool, &rows).await?;
        let mut new_cursor = cursor;
        new_cursor.advance(&rows);
        let applied = changes.len();
        self.apply(pool, changes, new_cursor).await?;
        Ok(applied)
    }

    /// Looks at `changes` again (loads what exists, replaces what the index had) and
    /// commits with `cursor`. A failure of the writer or the commit throws the writer away
    /// with all it had not committed and takes a new one at the last commit: the cursor goes
    /// back to that commit's, so the rows are applied again, never skipped.
    async fn apply(
        self: &Arc<Self>,
        pool: &PgPool,
        changes: Vec<Change>,
        cursor: OutboxCursor,
    ) -> Result<(), SearchError> {
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
        let fields = self.fields.clone();
        let written = self
            .with_writer(move |writer| {
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
            })
            .map(|()| ());
        let result = match written {
            Ok(()) => self.commit(cursor).await,
            Err(err) => Err(err),
        };
        match result {
            Ok(()) => {
                *lock(&self.cursor) = cursor;
                Ok(())
            }
            Err(err) => {
                self.recover();
                Err(err)
            }
        }
    }

    /// Replaces the writer after a failure and goes back to the last commit.
    fn recover(&self) {
        let mut slot = lock(&self.writer);
        // Dropping the writer discards what it had not committed and ends its threads.
        slot.take();
        match new_writer(&self.index, &self.dir) {
            Ok(writer) => *slot = Some(writer),
            Err(err) => {
                tracing::debug!(error = %err, "no new index writer yet");
            }
        }
        drop(slot);
        if let Ok(Some(payload)) = self.index.load_metas().map(|m| {
            m.payload
                .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
        }) {
            *lock(&self.cursor) = payload.cursor;
        }
        let _ = self.reader.reload();
    }

    fn with_writer(
        &self,
        work: impl FnOnce(&mut IndexWriter) -> tantivy::Result<()>,
    ) -> Result<(), SearchError> {
        let mut slot = lock(&self.writer);
        if slot.is_none() {
            *slot = Some(new_writer(&self.index, &self.dir)?);
        }
        let writer = slot.as_mut().expect("a writer was just put in");
        work(writer)?;
        Ok(())
    }

    /// Commits with the cursor as payload and makes the new state searchable. Runs on a
    /// blocking thread: a commit waits for the indexing threads and for the disk.
    async fn commit(self: &Arc<Self>, cursor: OutboxCursor) -> Result<(), SearchError> {
        let payload = serde_json::to_string(&Payload {
            schema: SCHEMA_VERSION,
            cursor,
        })
        .map_err(|e| SearchError::Internal(e.to_string()))?;
        let inner = self.clone();
        tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
            {
                let mut slot = lock(&inner.writer);
                let writer = slot
                    .as_mut()
                    .ok_or_else(|| SearchError::Internal("no index writer".into()))?;
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

    /// Merges the segments into [`SEARCH_THREADS`] of about equal size (after a rebuild:
    /// few segments search fastest, and one per search thread uses every core).
    async fn optimize(self: &Arc<Self>) -> Result<(), SearchError> {
        let inner = self.clone();
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
                let mut slot = lock(&inner.writer);
                let writer = slot
                    .as_mut()
                    .ok_or_else(|| SearchError::Internal("no index writer".into()))?;
                let pending: Vec<_> = groups
                    .iter()
                    .filter(|(_, ids)| ids.len() > 1)
                    .map(|(_, ids)| writer.merge(ids))
                    .collect();
                drop(slot);
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
}

fn new_writer(index: &Index, dir: &Path) -> Result<IndexWriter, SearchError> {
    index
        .writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY)
        .map_err(|err| match err {
            tantivy::TantivyError::LockFailure(..) => SearchError::Locked(dir.to_owned()),
            other => SearchError::Index(other),
        })
}

/// Locks a mutex; a panic while it was held leaves consistent data here (a failed update
/// replaces the writer), so the lock is taken over.
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

/// Removes index files lying directly in `dir` (the layout before generations; only files
/// tantivy writes).
fn clear_dir(dir: &Path) -> Result<(), SearchError> {
    let entries = std::fs::read_dir(dir).map_err(|e| SearchError::Io(dir.to_owned(), e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_file() && is_index_file(&name) {
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
