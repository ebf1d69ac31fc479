//! Publishing and editing catalogue entries: every save checks authorisation in
//! [`crate::accounts::authz`], writes the entry and a revision (author, time, message, full
//! snapshot) in one transaction, and remembers old slugs so that old addresses redirect.
//! Entries are archived, never deleted; restoring an old revision writes a new one.

use app::entry_rules::{SolutionDraft, SolutionInput};
use app::validation::{FieldError, FieldErrors};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::accounts::authz::{Action, Actor, allowed};
use crate::db;

mod data_models;
mod reuse;

pub use data_models::data_model_input_from_snapshot;

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    /// Input broke a rule; errors by field.
    #[error("invalid input: {0:?}")]
    Invalid(FieldErrors),
    /// The actor may not change this organisation's entries.
    #[error("forbidden")]
    Forbidden,
    /// No such entry (or revision).
    #[error("not found")]
    NotFound,
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl EntryError {
    fn field(name: &str, error: FieldError) -> EntryError {
        EntryError::Invalid(FieldErrors::from([(name.to_owned(), error)]))
    }
}

/// Which kind of entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Solution,
    DataModel,
}

impl EntryKind {
    fn table(self) -> &'static str {
        match self {
            EntryKind::Solution => "solutions",
            EntryKind::DataModel => "data_models",
        }
    }

    /// The view of the entries the public may see (migration 12: neither the entry nor its
    /// organisation hidden). Every public read selects from it instead of [`Self::table`].
    pub(crate) fn visible_table(self) -> &'static str {
        match self {
            EntryKind::Solution => "visible_solutions",
            EntryKind::DataModel => "visible_data_models",
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            EntryKind::Solution => "solution",
            EntryKind::DataModel => "data_model",
        }
    }

    /// The path segment of the kind's pages: `loesungen` or `datenmodelle`.
    pub fn section(self) -> &'static str {
        match self {
            EntryKind::Solution => "loesungen",
            EntryKind::DataModel => "datenmodelle",
        }
    }
}

/// One revision in an entry's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionInfo {
    pub number: i32,
    pub author: Option<String>,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

/// Name and state of an entry, for page headings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySummary {
    pub name: String,
    pub archived: bool,
}

/// The entry service; cheap to clone.
#[derive(Clone)]
pub struct Entries {
    pool: PgPool,
    /// Where the public read paths (`public_reads`) may read: the primary and its replicas.
    reads: crate::db::replicas::ReadPools,
    /// Runs the schema and example checks of data models (see `payload_check`).
    checks: crate::services::payload_check::PayloadChecks,
    /// The statistics of `/nachnutzung`, kept between page views.
    pub(in crate::services) reuse_stats: crate::db::aggregate::Aggregate<app::editing::ReuseStats>,
}

/// The organisation id of a slug, if the actor may edit its entries.
async fn editable_org(
    conn: &mut PgConnection,
    actor: &Actor,
    slug: &str,
) -> Result<Uuid, EntryError> {
    let org: Option<(Uuid,)> = sqlx::query!("select id from organisations where slug = $1", slug,)
        .map(|r| (r.id,))
        .fetch_optional(&mut *conn)
        .await?;
    let Some((org,)) = org else {
        return Err(EntryError::field(
            "organisation",
            FieldError::NotYourOrganisation,
        ));
    };
    if !allowed(actor, Action::EditEntries, org) {
        return Err(EntryError::field(
            "organisation",
            FieldError::NotYourOrganisation,
        ));
    }
    Ok(org)
}

/// Slugs that name fixed pages under `/loesungen/` and `/datenmodelle/` and so can never
/// be an entry's address.
pub const RESERVED_SLUGS: &[&str] = &["neu", "importieren"];

/// Whether a slug is free for `kind` (not used by another entry, nor as an old slug of one,
/// nor reserved).
async fn slug_is_free(
    conn: &mut PgConnection,
    kind: EntryKind,
    slug: &str,
    except: Option<Uuid>,
) -> Result<bool, sqlx::Error> {
    if RESERVED_SLUGS.contains(&slug) {
        return Ok(false);
    }
    let taken = match kind {
        EntryKind::Solution => sqlx::query_scalar!(
            r#"
            select exists (select 1 from solutions where slug = $1 and id is distinct from $2)
                or exists (select 1 from entry_slug_history where kind = $3 and old_slug = $1 and entry_id is distinct from $2)
                as "taken!"
            "#,
            slug,
            except,
            kind.as_str(),
        )
        .fetch_one(conn)
        .await?,
        EntryKind::DataModel => sqlx::query_scalar!(
            r#"
            select exists (select 1 from data_models where slug = $1 and id is distinct from $2)
                or exists (select 1 from entry_slug_history where kind = $3 and old_slug = $1 and entry_id is distinct from $2)
                as "taken!"
            "#,
            slug,
            except,
            kind.as_str(),
        )
        .fetch_one(conn)
        .await?,
    };
    Ok(!taken)
}

/// A free slug: `wanted` if free and chosen by the user, else the first free `base-N`.
async fn free_slug(
    conn: &mut PgConnection,
    kind: EntryKind,
    wanted: &str,
    explicit: bool,
    except: Option<Uuid>,
) -> Result<String, EntryError> {
    if slug_is_free(conn, kind, wanted, except).await? {
        return Ok(wanted.to_owned());
    }
    if explicit {
        return Err(EntryError::field("slug", FieldError::SlugTaken));
    }
    let base: String = wanted
        .chars()
        .take(74)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned();
    for n in 2..1000 {
        let candidate = format!("{base}-{n}");
        if slug_is_free(conn, kind, &candidate, except).await? {
            return Ok(candidate);
        }
    }
    Err(EntryError::field("slug", FieldError::SlugTaken))
}

/// Replaces a solution's links to the data models it produces or consumes.
async fn set_links(
    conn: &mut PgConnection,
    solution: Uuid,
    draft: &SolutionDraft,
) -> Result<(), EntryError> {
    sqlx::query!(
        "delete from solution_data_models where solution_id = $1",
        solution
    )
    .execute(&mut *conn)
    .await?;
    for (field, relation, slugs) in [
        ("produces", "produces", &draft.produces),
        ("consumes", "consumes", &draft.consumes),
    ] {
        for slug in slugs {
            let model: Option<(Uuid,)> = sqlx::query!(
                r#"select id as "id!" from visible_data_models where slug = $1"#,
                slug,
            )
            .map(|r| (r.id,))
            .fetch_optional(&mut *conn)
            .await?;
            let Some((model,)) = model else {
                return Err(EntryError::field(
                    field,
                    FieldError::UnknownDataModel { slug: slug.clone() },
                ));
            };
            sqlx::query!(
                "insert into solution_data_models (solution_id, data_model_id, relation) values ($1, $2, $3) on conflict do nothing",
                solution,
                model,
                relation,
            )
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Keeps an old slug pointing to its entry.
async fn remember_old_slug(
    conn: &mut PgConnection,
    kind: EntryKind,
    old_slug: &str,
    entry: Uuid,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into entry_slug_history (kind, old_slug, entry_id) values ($1, $2::text, $3) on conflict (kind, old_slug) do update set entry_id = excluded.entry_id",
        kind.as_str(),
        old_slug,
        entry,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What every saved version of a solution leaves besides its fields: the links to data
/// models and a revision holding the full draft under its final slug.
async fn record_solution(
    conn: &mut PgConnection,
    actor: &Actor,
    id: Uuid,
    slug: String,
    draft: SolutionDraft,
    default_message: &str,
) -> Result<(), EntryError> {
    set_links(conn, id, &draft).await?;
    let message = draft.change_message.clone();
    let snapshot = SolutionDraft { slug, ..draft };
    add_version(
        conn,
        EntryKind::Solution,
        id,
        actor,
        &message,
        default_message,
        &snapshot,
    )
    .await
}

/// Adds the revision of a saved version: the author's message, or `default_message` when
/// they gave none.
async fn add_version(
    conn: &mut PgConnection,
    kind: EntryKind,
    id: Uuid,
    actor: &Actor,
    message: &str,
    default_message: &str,
    snapshot: &impl Serialize,
) -> Result<(), EntryError> {
    let message = if message.is_empty() {
        default_message
    } else {
        message
    };
    add_revision(conn, kind, id, actor.user_id, message, snapshot).await?;
    Ok(())
}

async fn add_revision(
    conn: &mut PgConnection,
    kind: EntryKind,
    entry: Uuid,
    author: Option<Uuid>,
    message: &str,
    snapshot: &impl Serialize,
) -> Result<i32, sqlx::Error> {
    let number = match kind {
        EntryKind::Solution => sqlx::query_scalar!(
            r#"
            insert into revisions (solution_id, number, author_id, message, snapshot)
            values ($1, coalesce((select max(number) from revisions where solution_id = $1), 0) + 1, $2, $3, $4)
            returning number
            "#,
            entry,
            author,
            message,
            sqlx::types::Json(snapshot) as _,
        )
        .fetch_one(conn)
        .await?,
        EntryKind::DataModel => sqlx::query_scalar!(
            r#"
            insert into revisions (data_model_id, number, author_id, message, snapshot)
            values ($1, coalesce((select max(number) from revisions where data_model_id = $1), 0) + 1, $2, $3, $4)
            returning number
            "#,
            entry,
            author,
            message,
            sqlx::types::Json(snapshot) as _,
        )
        .fetch_one(conn)
        .await?,
    };
    Ok(number)
}

impl Entries {
    /// The service on `pool`.
    pub fn new(pool: PgPool) -> Entries {
        Entries {
            reads: crate::db::replicas::ReadPools::primary_only(pool.clone()),
            pool,
            checks: crate::services::payload_check::PayloadChecks::new(),
            reuse_stats: Default::default(),
        }
    }

    /// The service with a shared checking service (so all checks share its slots).
    pub fn with_checks(mut self, checks: crate::services::payload_check::PayloadChecks) -> Entries {
        self.checks = checks;
        self
    }

    /// The service with streaming replicas for its public read paths (`public_reads`);
    /// `reads` must have this service's pool as its primary.
    pub fn with_replicas(mut self, reads: crate::db::replicas::ReadPools) -> Entries {
        self.reads = reads;
        self
    }

    /// Where the public read paths may read.
    pub(in crate::services) fn read_pools(&self) -> &crate::db::replicas::ReadPools {
        &self.reads
    }

    /// This service reading from `pool` (a replica's, for a public read: never a write).
    pub(in crate::services) fn reading_from(&self, pool: PgPool) -> Entries {
        Entries {
            pool,
            ..self.clone()
        }
    }

    /// The database pool, for the other services' queries (never handed to the HTTP layer).
    pub(in crate::services) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The store of idempotency keys for API writes.
    pub fn idempotency(&self) -> crate::services::idempotency::Idempotency {
        crate::services::idempotency::Idempotency::new(self.pool.clone())
    }

    /// The publiccode.yml importer, saving through this service.
    pub fn importer(&self) -> crate::services::import::Importer {
        crate::services::import::Importer::with_entries(self.pool.clone(), self.clone())
    }

    /// Publishes a solution; returns its slug.
    pub async fn create_solution(
        &self,
        actor: &Actor,
        input: &SolutionInput,
    ) -> Result<String, EntryError> {
        let draft = input.parse().map_err(EntryError::Invalid)?;
        let mut tx = self.pool.begin().await?;
        let org = editable_org(&mut tx, actor, &draft.organisation).await?;
        let slug = free_slug(
            &mut tx,
            EntryKind::Solution,
            &draft.slug,
            !input.slug.trim().is_empty(),
            None,
        )
        .await?;
        let id = db::solutions::save(&mut tx, None, &slug, org, &draft).await?;
        record_solution(&mut tx, actor, id, slug.clone(), draft, "Veröffentlicht").await?;
        tx.commit().await?;
        Ok(slug)
    }

    /// Saves a new version of a solution; returns its (possibly new) slug. The old slug
    /// keeps pointing to the entry.
    pub async fn update_solution(
        &self,
        actor: &Actor,
        slug: &str,
        input: &SolutionInput,
    ) -> Result<String, EntryError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<(Uuid, Uuid)> = sqlx::query!(
            "select id, organisation_id from solutions where slug = $1 for update",
            slug
        )
        .map(|r| (r.id, r.organisation_id))
        .fetch_optional(&mut *tx)
        .await?;
        let (id, owner) = row.ok_or(EntryError::NotFound)?;
        // The right first: someone who may not edit learns nothing from the field checks.
        if !allowed(actor, Action::EditEntries, owner) {
            return Err(EntryError::Forbidden);
        }
        let draft = input.parse().map_err(EntryError::Invalid)?;
        // Moving an entry to another organisation needs the right to edit there too.
        let org = editable_org(&mut tx, actor, &draft.organisation).await?;
        let new_slug = if draft.slug == slug {
            slug.to_owned()
        } else {
            free_slug(&mut tx, EntryKind::Solution, &draft.slug, true, Some(id)).await?
        };
        db::solutions::save(&mut tx, Some(id), &new_slug, org, &draft).await?;
        if new_slug != slug {
            remember_old_slug(&mut tx, EntryKind::Solution, slug, id).await?;
        }
        record_solution(&mut tx, actor, id, new_slug.clone(), draft, "Bearbeitet").await?;
        tx.commit().await?;
        Ok(new_slug)
    }

    /// Whether `actor` may edit the entry: `Forbidden` (or `NotFound`) otherwise. Every path
    /// that shows or uses an entry's old versions for a change (restore) asks this first.
    pub async fn authorize_edit(
        &self,
        actor: &Actor,
        kind: EntryKind,
        slug: &str,
    ) -> Result<(), EntryError> {
        let owner = self.owner(kind, slug).await?;
        if allowed(actor, Action::EditEntries, owner) {
            Ok(())
        } else {
            Err(EntryError::Forbidden)
        }
    }

    /// The organisation that owns an entry.
    pub async fn owner(&self, kind: EntryKind, slug: &str) -> Result<Uuid, EntryError> {
        let row = match kind {
            EntryKind::Solution => {
                sqlx::query_scalar!(
                    "select organisation_id from solutions where slug = $1",
                    slug
                )
                .fetch_optional(&self.pool)
                .await?
            }
            EntryKind::DataModel => {
                sqlx::query_scalar!(
                    "select organisation_id from data_models where slug = $1",
                    slug
                )
                .fetch_optional(&self.pool)
                .await?
            }
        };
        row.ok_or(EntryError::NotFound)
    }

    /// Name and archive state of a visible entry (hidden ones and those of hidden
    /// organisations are not found).
    pub async fn summary(&self, kind: EntryKind, slug: &str) -> Result<EntrySummary, EntryError> {
        let row = match kind {
            EntryKind::Solution => sqlx::query!(
                r#"select e.name as "name!", e.archived_at is not null as "archived!" from visible_solutions e where e.slug = $1"#,
                slug,
            )
            .map(|r| (r.name, r.archived))
            .fetch_optional(&self.pool)
            .await?,
            EntryKind::DataModel => sqlx::query!(
                r#"select e.name as "name!", e.archived_at is not null as "archived!" from visible_data_models e where e.slug = $1"#,
                slug,
            )
            .map(|r| (r.name, r.archived))
            .fetch_optional(&self.pool)
            .await?,
        };
        row.map(|(name, archived)| EntrySummary { name, archived })
            .ok_or(EntryError::NotFound)
    }

    /// The current state of a solution as form input (for editing).
    pub async fn solution_input(&self, slug: &str) -> Result<SolutionInput, EntryError> {
        let snapshot: Option<(serde_json::Value,)> = sqlx::query!(
            r#"
            select v.snapshot from revisions v join solutions s on s.id = v.solution_id
            where s.slug = $1 order by v.number desc limit 1
            "#,
            slug
        )
        .map(|r| (r.snapshot,))
        .fetch_optional(&self.pool)
        .await?;
        let (snapshot,) = snapshot.ok_or(EntryError::NotFound)?;
        Ok(input_from_snapshot(&snapshot))
    }

    /// Where an old slug now points, if the entry moved (visible entries only: the new
    /// address of a hidden entry is nobody's business).
    pub async fn moved(
        &self,
        kind: EntryKind,
        old_slug: &str,
    ) -> Result<Option<String>, EntryError> {
        let row = match kind {
            EntryKind::Solution => sqlx::query_scalar!(
                r#"select e.slug as "slug!" from entry_slug_history h join visible_solutions e on e.id = h.entry_id where h.kind = $1 and h.old_slug = $2"#,
                kind.as_str(),
                old_slug,
            )
            .fetch_optional(&self.pool)
            .await?,
            EntryKind::DataModel => sqlx::query_scalar!(
                r#"select e.slug as "slug!" from entry_slug_history h join visible_data_models e on e.id = h.entry_id where h.kind = $1 and h.old_slug = $2"#,
                kind.as_str(),
                old_slug,
            )
            .fetch_optional(&self.pool)
            .await?,
        };
        Ok(row)
    }

    /// Archives an entry (it leaves lists and search) or restores it; organisation admins.
    pub async fn set_archived(
        &self,
        actor: &Actor,
        kind: EntryKind,
        slug: &str,
        archived: bool,
    ) -> Result<(), EntryError> {
        let mut tx = self.pool.begin().await?;
        let row = match kind {
            EntryKind::Solution => {
                sqlx::query!(
                    "select id, organisation_id from solutions where slug = $1 for update",
                    slug,
                )
                .map(|r| (r.id, r.organisation_id))
                .fetch_optional(&mut *tx)
                .await?
            }
            EntryKind::DataModel => {
                sqlx::query!(
                    "select id, organisation_id from data_models where slug = $1 for update",
                    slug,
                )
                .map(|r| (r.id, r.organisation_id))
                .fetch_optional(&mut *tx)
                .await?
            }
        };
        let (id, owner) = row.ok_or(EntryError::NotFound)?;
        if !allowed(actor, Action::ManageMembers, owner) {
            return Err(EntryError::Forbidden);
        }
        match kind {
            EntryKind::Solution => sqlx::query!(
                "update solutions set archived_at = case when $2 then now() else null end where id = $1",
                id,
                archived,
            )
            .execute(&mut *tx)
            .await?,
            EntryKind::DataModel => sqlx::query!(
                "update data_models set archived_at = case when $2 then now() else null end where id = $1",
                id,
                archived,
            )
            .execute(&mut *tx)
            .await?,
        };
        tx.commit().await?;
        Ok(())
    }

    /// The history of an entry, newest first.
    ///
    /// A fork's first revision names its origin ("Fork von …"); while the public may not see
    /// the origin, that message reads "Fork von: Ursprung nicht öffentlich" instead.
    pub async fn revisions(
        &self,
        kind: EntryKind,
        slug: &str,
    ) -> Result<Vec<RevisionInfo>, EntryError> {
        let rows = match kind {
            EntryKind::Solution => sqlx::query!(
                r#"
                select v.number, u.display_name as "display_name?", v.message, v.created_at,
                       e.forked_from is not null
                         and not exists (select 1 from visible_solutions f where f.id = e.forked_from)
                         as "origin_withheld!"
                from revisions v join solutions e on e.id = v.solution_id
                left join users u on u.id = v.author_id
                where e.slug = $1
                order by v.number desc
                "#,
                slug,
            )
            .map(|r| (r.number, r.display_name, r.message, r.created_at, r.origin_withheld))
            .fetch_all(&self.pool)
            .await?,
            EntryKind::DataModel => sqlx::query!(
                r#"
                select v.number, u.display_name as "display_name?", v.message, v.created_at,
                       e.forked_from is not null
                         and not exists (select 1 from visible_data_models f where f.id = e.forked_from)
                         as "origin_withheld!"
                from revisions v join data_models e on e.id = v.data_model_id
                left join users u on u.id = v.author_id
                where e.slug = $1
                order by v.number desc
                "#,
                slug,
            )
            .map(|r| (r.number, r.display_name, r.message, r.created_at, r.origin_withheld))
            .fetch_all(&self.pool)
            .await?,
        };
        if rows.is_empty() {
            return Err(EntryError::NotFound);
        }
        Ok(rows
            .into_iter()
            .map(|(number, author, message, created_at, origin_withheld)| {
                let message = if origin_withheld && number == 1 {
                    reuse::withheld_fork_message(message)
                } else {
                    message
                };
                RevisionInfo {
                    number,
                    author,
                    message,
                    created_at,
                }
            })
            .collect())
    }

    /// The snapshot of one revision.
    pub async fn snapshot(
        &self,
        kind: EntryKind,
        slug: &str,
        number: i32,
    ) -> Result<serde_json::Value, EntryError> {
        let row = match kind {
            EntryKind::Solution => sqlx::query_scalar!(
                "select v.snapshot from revisions v join solutions e on e.id = v.solution_id where e.slug = $1 and v.number = $2",
                slug,
                number,
            )
            .fetch_optional(&self.pool)
            .await?,
            EntryKind::DataModel => sqlx::query_scalar!(
                "select v.snapshot from revisions v join data_models e on e.id = v.data_model_id where e.slug = $1 and v.number = $2",
                slug,
                number,
            )
            .fetch_optional(&self.pool)
            .await?,
        };
        row.ok_or(EntryError::NotFound)
    }

    /// Restores a solution to an old revision by saving it as a new revision.
    pub async fn restore_solution(
        &self,
        actor: &Actor,
        slug: &str,
        number: i32,
    ) -> Result<String, EntryError> {
        self.authorize_edit(actor, EntryKind::Solution, slug)
            .await?;
        let snapshot = self.snapshot(EntryKind::Solution, slug, number).await?;
        let mut input = input_from_snapshot(&snapshot);
        // The address stays; the content goes back.
        input.slug = slug.to_owned();
        input.change_message = format!("Wiederhergestellt aus Version {number}");
        self.update_solution(actor, slug, &input).await
    }
}

/// Linked data model slugs of a snapshot: the `produces`/`consumes` lists, or the demo
/// catalogue's `data_models: [{slug, relation}]`.
fn linked(snapshot: &serde_json::Value, relation: &str) -> Vec<String> {
    if let Some(items) = snapshot.get(relation).and_then(|v| v.as_array()) {
        return items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect();
    }
    snapshot
        .get("data_models")
        .and_then(|v| v.as_array())
        .map(|links| {
            links
                .iter()
                .filter(|l| l.get("relation").and_then(|r| r.as_str()) == Some(relation))
                .filter_map(|l| l.get("slug").and_then(|s| s.as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Form input from a stored snapshot (a serialised [`SolutionDraft`]; fields missing from
/// older snapshots stay empty). The change message belongs to the old version, not to the
/// next one.
pub fn input_from_snapshot(snapshot: &serde_json::Value) -> SolutionInput {
    SolutionInput {
        produces: linked(snapshot, "produces"),
        consumes: linked(snapshot, "consumes"),
        change_message: String::new(),
        ..app::form_fields::from_snapshot(snapshot)
    }
}
