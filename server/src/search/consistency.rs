//! Whether the index holds exactly the entries of the database: the keys of the live
//! documents against the ids of every table the index projects.
//!
//! The outbox keeps the index current; this check is the net below it. It finds entries the
//! index lacks or still has after they were deleted (a lost outbox row, a file restored by
//! hand, a bug), and the caller applies them again as ordinary changes.

use std::collections::HashSet;

use app::model::SearchKind;
use sqlx::PgPool;
use tantivy::Searcher;
use tantivy::schema::{Field, IndexRecordOption};
use uuid::Uuid;

use super::SearchError;
use super::documents;
use super::outbox::Change;

/// Keys of the documents a searcher sees (deleted documents excluded).
pub fn index_keys(searcher: &Searcher, key: Field) -> Result<HashSet<String>, SearchError> {
    let mut keys = HashSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(key)?;
        let mut terms = inverted
            .terms()
            .stream()
            .map_err(|e| SearchError::Internal(e.to_string()))?;
        while terms.advance() {
            let alive = match segment.alive_bitset() {
                None => true,
                Some(bitset) => {
                    let postings = inverted
                        .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                        .map_err(|e| SearchError::Internal(e.to_string()))?;
                    postings.doc_freq_given_deletes(bitset) > 0
                }
            };
            if alive {
                keys.insert(String::from_utf8_lossy(terms.key()).into_owned());
            }
        }
    }
    Ok(keys)
}

/// Keys of every entry the database holds (every one is indexed, visible or not).
pub async fn database_keys(pool: &PgPool) -> Result<HashSet<String>, sqlx::Error> {
    let solutions = sqlx::query_scalar!("select id from solutions")
        .fetch_all(pool)
        .await?;
    let models = sqlx::query_scalar!("select id from data_models")
        .fetch_all(pool)
        .await?;
    let organisations = sqlx::query_scalar!("select id from organisations")
        .fetch_all(pool)
        .await?;
    let keyed = |kind: SearchKind, ids: Vec<Uuid>| {
        ids.into_iter()
            .map(move |id| documents::key(kind, id))
            .collect::<Vec<_>>()
    };
    let mut keys = HashSet::with_capacity(solutions.len() + models.len() + organisations.len());
    keys.extend(keyed(SearchKind::Solution, solutions));
    keys.extend(keyed(SearchKind::DataModel, models));
    keys.extend(keyed(SearchKind::Organisation, organisations));
    Ok(keys)
}

/// The entries on one side only, as changes to apply again.
pub fn differences(index: &HashSet<String>, database: &HashSet<String>) -> Vec<Change> {
    index
        .symmetric_difference(database)
        .filter_map(|key| parse_key(key))
        .collect()
}

fn parse_key(key: &str) -> Option<Change> {
    let (kind, id) = key.split_once(':')?;
    Some(Change {
        kind: SearchKind::parse(kind)?,
        id: id.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_on_either_side_only_are_the_differences() {
        let a = Uuid::from_u128(1);
        let b = Uuid::from_u128(2);
        let c = Uuid::from_u128(3);
        let index: HashSet<_> = [
            documents::key(SearchKind::Solution, a),
            documents::key(SearchKind::Solution, b),
        ]
        .into();
        let database: HashSet<_> = [
            documents::key(SearchKind::Solution, b),
            documents::key(SearchKind::DataModel, c),
        ]
        .into();
        let mut found: Vec<_> = differences(&index, &database)
            .into_iter()
            .map(|c| (c.kind, c.id))
            .collect();
        found.sort_by_key(|(_, id)| *id);
        assert_eq!(
            found,
            [(SearchKind::Solution, a), (SearchKind::DataModel, c)]
        );
        assert!(parse_key("nonsense").is_none());
    }
}
