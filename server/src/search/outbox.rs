//! Reading the search outbox.
//!
//! Outbox ids are handed out when a row is inserted, but transactions commit in any order:
//! id 7 can become visible before id 6. The cursor therefore remembers ids it skipped
//! ("gaps") and asks for them again for a while; a gap that never fills was a rolled-back
//! transaction. Applying a change twice is harmless, because a change only says "look at
//! this entry again".

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use app::model::SearchKind;
use sqlx::PgPool;
use uuid::Uuid;

use super::documents;

/// Most rows read per round.
const READ_LIMIT: i64 = 5_000;
/// How long a skipped id is asked for again.
const GAP_PATIENCE: Duration = Duration::from_secs(120);
/// Most gaps remembered (beyond that, the oldest are given up).
const MAX_GAPS: usize = 10_000;
/// Outbox rows older than this are deleted; a node further behind rebuilds its index.
const RETENTION: &str = "7 days";

/// Where a node stands in the outbox.
#[derive(Debug, Clone)]
pub struct OutboxCursor {
    position: i64,
    gaps: BTreeMap<i64, Instant>,
}

impl OutboxCursor {
    /// A cursor after `position`, without gaps.
    pub fn new(position: i64) -> Self {
        OutboxCursor { position, gaps: BTreeMap::new() }
    }

    /// The highest id applied.
    pub fn position(&self) -> i64 {
        self.position
    }

    /// Records rows as applied: fills gaps they close, opens gaps for ids they skip.
    pub fn advance(&mut self, rows: &[OutboxRow]) {
        let now = Instant::now();
        for row in rows {
            if row.id <= self.position {
                self.gaps.remove(&row.id);
                continue;
            }
            for skipped in (self.position + 1)..row.id {
                if self.gaps.len() >= MAX_GAPS {
                    break;
                }
                self.gaps.insert(skipped, now);
            }
            self.position = row.id;
        }
        self.forget_old_gaps();
    }

    /// Gives up gaps that stayed empty longer than [`GAP_PATIENCE`].
    pub fn forget_old_gaps(&mut self) {
        let now = Instant::now();
        self.gaps.retain(|_, since| now.duration_since(*since) < GAP_PATIENCE);
        while self.gaps.len() > MAX_GAPS {
            self.gaps.pop_first();
        }
    }

    fn gap_ids(&self) -> Vec<i64> {
        self.gaps.keys().copied().collect()
    }
}

/// One outbox row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub entity_kind: String,
    pub entity_id: Uuid,
}

/// Rows after the cursor (and in its gaps), in id order.
pub struct Batch {
    pub rows: Vec<OutboxRow>,
}

/// An entry to look at again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Change {
    pub kind: SearchKind,
    pub id: Uuid,
}

/// The next rows for `cursor`.
pub async fn read(pool: &PgPool, cursor: &OutboxCursor) -> Result<Batch, sqlx::Error> {
    let rows: Vec<OutboxRow> = sqlx::query_as(
        r#"
        select id, entity_kind, entity_id
        from search_outbox
        where id > $1 or id = any($2)
        order by id
        limit $3
        "#,
    )
    .bind(cursor.position)
    .bind(cursor.gap_ids())
    .bind(READ_LIMIT)
    .fetch_all(pool)
    .await?;
    Ok(Batch { rows })
}

/// The entries the rows touch, without repeats. A change of an organisation also touches
/// all its entries (their organisation name and visibility come from it).
pub async fn changes(pool: &PgPool, rows: &[OutboxRow]) -> Result<Vec<Change>, sqlx::Error> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut push = |change: Change| {
        if seen.insert(change) {
            out.push(change);
        }
    };
    for row in rows {
        let Some(kind) = SearchKind::parse(&row.entity_kind) else { continue };
        push(Change { kind, id: row.entity_id });
        if kind == SearchKind::Organisation {
            let (solutions, models) = documents::entries_of_organisation(pool, row.entity_id).await?;
            solutions.into_iter().for_each(|id| push(Change { kind: SearchKind::Solution, id }));
            models.into_iter().for_each(|id| push(Change { kind: SearchKind::DataModel, id }));
        }
    }
    Ok(out)
}

/// The highest outbox id now.
pub async fn head(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select coalesce(max(id), 0) from search_outbox").fetch_one(pool).await
}

/// Whether rows after `position` have already been pruned (the node was away too long
/// and must rebuild).
pub async fn pruned_past(pool: &PgPool, position: i64) -> Result<bool, sqlx::Error> {
    let oldest: Option<i64> = sqlx::query_scalar("select min(id) from search_outbox").fetch_one(pool).await?;
    let pruned: bool =
        sqlx::query_scalar("select coalesce((select value::bigint from allmende_meta where key = 'search_outbox_pruned_to'), 0) > $1")
            .bind(position)
            .fetch_one(pool)
            .await?;
    Ok(pruned && oldest.is_none_or(|oldest| oldest > position + 1))
}

/// Deletes rows older than the retention and records up to where.
pub async fn prune(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let pruned_to: Option<i64> = sqlx::query_scalar(&format!(
        "with gone as (delete from search_outbox where created_at < now() - interval '{RETENTION}' returning id) \
         select max(id) from gone"
    ))
    .fetch_one(&mut *tx)
    .await?;
    if let Some(pruned_to) = pruned_to {
        sqlx::query(
            r#"
            insert into allmende_meta (key, value) values ('search_outbox_pruned_to', $1)
            on conflict (key) do update set value = greatest(allmende_meta.value::bigint, excluded.value::bigint)::text
            "#,
        )
        .bind(pruned_to.to_string())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64) -> OutboxRow {
        OutboxRow { id, entity_kind: "solution".into(), entity_id: Uuid::nil() }
    }

    #[test]
    fn skipped_ids_become_gaps_and_are_filled_later() {
        let mut cursor = OutboxCursor::new(3);
        cursor.advance(&[row(4), row(6), row(9)]);
        assert_eq!(cursor.position(), 9);
        assert_eq!(cursor.gap_ids(), [5, 7, 8]);
        cursor.advance(&[row(7)]);
        assert_eq!(cursor.gap_ids(), [5, 8]);
        assert_eq!(cursor.position(), 9);
    }
}
