//! Reading the search outbox.
//!
//! Outbox ids are handed out when a row is inserted, but transactions commit in any order.
//! Each row carries the id of the transaction that wrote it (`txid`); a node reads only
//! rows of transactions older than the oldest transaction still running, in (txid, id)
//! order. Those transactions are all finished, so nothing can appear behind the cursor
//! later. Applying a change twice is harmless: a change only says "look at this entry again".

use std::collections::HashSet;

use app::model::SearchKind;
use sqlx::PgPool;
use uuid::Uuid;

use super::documents;

/// Most rows read per round.
const READ_LIMIT: i64 = 5_000;
/// Outbox rows older than this are deleted; a node further behind rebuilds its index.
const RETENTION: &str = "7 days";

/// Where a node stands in the outbox: the last row applied, as (txid, id).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct OutboxCursor {
    pub txid: i64,
    pub id: i64,
}

impl OutboxCursor {
    /// Before every row.
    pub const START: OutboxCursor = OutboxCursor { txid: 0, id: 0 };

    /// Records rows (in read order) as applied.
    pub fn advance(&mut self, rows: &[OutboxRow]) {
        if let Some(last) = rows.last() {
            *self = OutboxCursor {
                txid: last.txid,
                id: last.id,
            };
        }
    }
}

/// One outbox row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub txid: i64,
    pub id: i64,
    pub entity_kind: String,
    pub entity_id: Uuid,
}

/// An entry to look at again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Change {
    pub kind: SearchKind,
    pub id: Uuid,
}

/// The next rows after `cursor` of finished transactions.
pub async fn read(pool: &PgPool, cursor: &OutboxCursor) -> Result<Vec<OutboxRow>, sqlx::Error> {
    sqlx::query_as!(
        OutboxRow,
        r#"
        select txid::text::bigint as "txid!", id, entity_kind, entity_id
        from search_outbox
        where (txid, id) > ($1::text::xid8, $2)
          and txid < pg_snapshot_xmin(pg_current_snapshot())
        order by txid, id
        limit $3
        "#,
        cursor.txid.to_string(),
        cursor.id,
        READ_LIMIT
    )
    .fetch_all(pool)
    .await
}

/// Number of rows after `cursor`, finished or not.
pub async fn count_after(pool: &PgPool, cursor: &OutboxCursor) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "count!" from search_outbox where (txid, id) > ($1::text::xid8, $2)"#,
        cursor.txid.to_string(),
        cursor.id
    )
    .fetch_one(pool)
    .await
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
        let Some(kind) = SearchKind::parse(&row.entity_kind) else {
            continue;
        };
        push(Change {
            kind,
            id: row.entity_id,
        });
        if kind == SearchKind::Organisation {
            let (solutions, models) =
                documents::entries_of_organisation(pool, row.entity_id).await?;
            solutions.into_iter().for_each(|id| {
                push(Change {
                    kind: SearchKind::Solution,
                    id,
                })
            });
            models.into_iter().for_each(|id| {
                push(Change {
                    kind: SearchKind::DataModel,
                    id,
                })
            });
        }
    }
    Ok(out)
}

/// A cursor behind which every transaction has finished now: a rebuild that reads the
/// database after this point has seen all their changes.
pub async fn head(pool: &PgPool) -> Result<OutboxCursor, sqlx::Error> {
    let xmin: i64 = sqlx::query_scalar!(
        r#"select pg_snapshot_xmin(pg_current_snapshot())::text::bigint as "xmin!""#
    )
    .fetch_one(pool)
    .await?;
    // Rows of transaction `xmin` itself and later are still ahead of the cursor.
    Ok(OutboxCursor {
        txid: xmin - 1,
        id: i64::MAX,
    })
}

/// Whether rows after `cursor` have already been pruned (the node was away too long and
/// must rebuild).
pub async fn pruned_past(pool: &PgPool, cursor: &OutboxCursor) -> Result<bool, sqlx::Error> {
    let pruned_to: i64 = sqlx::query_scalar!(
        "select coalesce((select value::bigint from allmende_meta where key = 'search_outbox_pruned_to_txid'), 0) as \"pruned_to!\"",
    )
    .fetch_one(pool)
    .await?;
    Ok(pruned_to > cursor.txid)
}

/// Deletes rows older than the retention and records up to which transaction.
pub async fn prune(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let pruned_to = sqlx::query_scalar!(
        r#"
        with gone as (delete from search_outbox where created_at < now() - $1::text::interval returning txid)
        select max(txid)::text::bigint from gone
        "#,
        RETENTION,
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(pruned_to) = pruned_to {
        sqlx::query!(
            r#"
            insert into allmende_meta (key, value) values ('search_outbox_pruned_to_txid', $1)
            on conflict (key) do update set value = greatest(allmende_meta.value::bigint, excluded.value::bigint)::text
            "#,
            pruned_to.to_string(),
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_moves_to_the_last_row_read() {
        let row = |txid, id| OutboxRow {
            txid,
            id,
            entity_kind: "solution".into(),
            entity_id: Uuid::nil(),
        };
        let mut cursor = OutboxCursor::START;
        cursor.advance(&[row(7, 3), row(9, 2)]);
        assert_eq!(cursor, OutboxCursor { txid: 9, id: 2 });
        cursor.advance(&[]);
        assert_eq!(cursor, OutboxCursor { txid: 9, id: 2 });
        assert!(
            OutboxCursor { txid: 9, id: 3 } > cursor && OutboxCursor { txid: 10, id: 1 } > cursor
        );
    }
}
