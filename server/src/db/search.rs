//! A simple search over names, descriptions, tags and organisation names: every word of the
//! query must occur (case-insensitive substring). It keeps the search page useful until the
//! German-aware Tantivy index takes over.

use app::model::*;
use app::service::CatalogueError;
use sqlx::PgPool;

use super::rows::*;
use super::{db_err, limit_offset};

const PER_PAGE: u32 = 20;

#[derive(sqlx::FromRow)]
struct HitRow {
    kind: String,
    slug: String,
    name: String,
    short_description: String,
    reuse_count: i32,
    #[sqlx(flatten)]
    org: OrgCols,
}

/// `%word%` patterns for ILIKE, with `%`, `_` and `\` in the word escaped.
fn patterns(text: &str) -> Vec<String> {
    text.split_whitespace()
        .take(10)
        .map(|word| {
            let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            format!("%{escaped}%")
        })
        .collect()
}

pub(super) async fn search(pool: &PgPool, text: &str, page: u32) -> Result<Page<SearchHit>, CatalogueError> {
    let words = patterns(text);
    if words.is_empty() {
        return Ok(Page { items: Vec::new(), total: 0, page: 1, per_page: PER_PAGE });
    }
    let (limit, offset) = limit_offset(page, PER_PAGE);
    let sql = format!(
        r#"
        with candidates as (
            select 'solution' as kind, s.slug, s.name, s.short_description, r.reuse_count, {ORG_COLS},
                   concat_ws(' ', s.name, s.short_description, s.short_description_en, s.long_description,
                             array_to_string(s.tags, ' '), array_to_string(s.features, ' '), o.name) as haystack
            from solutions s
            join organisations o on o.id = s.organisation_id
            join solution_reuse r on r.solution_id = s.id
            where s.archived_at is null and not s.hidden and not o.hidden
            union all
            select 'data_model', d.slug, d.name, d.short_description, r.reuse_count, {ORG_COLS},
                   concat_ws(' ', d.name, d.short_description, d.description, o.name)
            from data_models d
            join organisations o on o.id = d.organisation_id
            join data_model_reuse r on r.data_model_id = d.id
            where d.archived_at is null and not d.hidden and not o.hidden
        )
        select kind, slug, name, short_description, reuse_count, org_slug, org_name, org_kind, org_bundesland,
               count(*) over () as total
        from candidates
        where haystack ilike all ($1::text[])
        order by (name ilike all ($1::text[])) desc, reuse_count desc, name collate german
        limit $2 offset $3
        "#
    );
    let rows: Vec<HitRowWithTotal> =
        sqlx::query_as(&sql).bind(&words).bind(limit).bind(offset).fetch_all(pool).await.map_err(db_err)?;
    let total = match rows.first() {
        Some(row) => row.total,
        // Past the last page there are no rows to carry the total; count separately.
        None if page > 1 => Box::pin(search(pool, text, 1)).await?.total,
        None => 0,
    };
    let items = rows
        .into_iter()
        .map(|r| {
            let h = r.hit;
            Ok(SearchHit {
                kind: parse_enum(&h.kind, EntryKind::parse, "entry kind")?,
                slug: h.slug,
                name: h.name,
                short_description: h.short_description,
                organisation: h.org.into_ref()?,
                reuse_count: h.reuse_count,
            })
        })
        .collect::<Result<_, CatalogueError>>()?;
    Ok(Page { items, total, page: page.max(1), per_page: PER_PAGE })
}

#[derive(sqlx::FromRow)]
struct HitRowWithTotal {
    #[sqlx(flatten)]
    hit: HitRow,
    total: i64,
}

#[cfg(test)]
mod tests {
    use super::patterns;

    #[test]
    fn like_wildcards_in_the_query_are_taken_literally() {
        assert_eq!(patterns("100% sicher_er"), ["%100\\%%", "%sicher\\_er%"]);
    }
}
