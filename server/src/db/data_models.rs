//! Data model queries: the filtered list, the detail page, the filter options.

use app::markdown;
use app::model::*;
use app::query::{DataModelQuery, SortOrder};
use app::service::CatalogueError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::rows::*;
use super::{db_err, limit_offset};

/// Visible, not archived data models matching the filters ($1 domain, $2 licence,
/// $3 organisation slug, $4 Bundesland).
const LIST_FROM_WHERE: &str = r#"
    from visible_data_models d
    join organisations o on o.id = d.organisation_id
    join data_model_reuse r on r.data_model_id = d.id
    where d.archived_at is null
      and ($1::text is null or d.domain = $1)
      and ($2::text is null or d.licence = $2)
      and ($3::text is null or o.slug = $3)
      and ($4::text is null or o.bundesland = $4)
"#;

fn order_by(sort: SortOrder) -> &'static str {
    match sort {
        SortOrder::Newest => "order by d.created_at desc, d.slug",
        SortOrder::Name => "order by d.name collate german, d.slug",
        SortOrder::Reused => "order by r.reuse_count desc, d.created_at desc, d.slug",
    }
}

pub(super) async fn list(
    pool: &PgPool,
    q: &DataModelQuery,
) -> Result<Page<DataModelCard>, CatalogueError> {
    let (limit, offset) = limit_offset(q.page, q.per_page);
    let domain = q.domain.map(Domain::as_str);
    let state = q.state.map(Bundesland::as_str);

    let total: i64 = sqlx::query_scalar(&format!("select count(*) {LIST_FROM_WHERE}"))
        .bind(domain)
        .bind(&q.licence)
        .bind(&q.org)
        .bind(state)
        .fetch_one(pool)
        .await
        .map_err(db_err)?;

    let sql = format!(
        "select {DATA_MODEL_CARD_COLS} {LIST_FROM_WHERE} {} limit $5 offset $6",
        order_by(q.sort)
    );
    let rows: Vec<DataModelCardRow> = sqlx::query_as(&sql)
        .bind(domain)
        .bind(&q.licence)
        .bind(&q.org)
        .bind(state)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;

    Ok(Page {
        items: collect(rows, DataModelCardRow::into_card)?,
        total,
        page: q.page.max(1),
        per_page: limit as u32,
    })
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: uuid::Uuid,
    slug: String,
    name: String,
    short_description: String,
    description: String,
    domain: String,
    version: String,
    licence: String,
    /// The schema and examples as stored text (`json` keeps the authored key order).
    json_schema: String,
    examples: String,
    forked_from: Option<uuid::Uuid>,
    archived: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    reuse_count: i32,
    revision_count: i64,
    #[sqlx(flatten)]
    org: OrgCols,
}

pub(super) async fn detail(
    pool: &PgPool,
    slug: &str,
) -> Result<Option<DataModelDetail>, CatalogueError> {
    let row: Option<DetailRow> = sqlx::query_as(&format!(
        r#"
        select d.id, d.slug, d.name, d.short_description, d.description, d.domain, d.version, d.licence,
               d.json_schema::text as json_schema, d.examples::text as examples, d.forked_from,
               d.archived_at is not null as archived, d.created_at, d.updated_at, r.reuse_count,
               (select count(*) from revisions v where v.data_model_id = d.id) as revision_count,
               {ORG_COLS}
        from visible_data_models d
        join organisations o on o.id = d.organisation_id
        join data_model_reuse r on r.data_model_id = d.id
        where d.slug = $1
        "#
    ))
    .bind(slug)
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };

    let json_schema: serde_json::Value = serde_json::from_str(&row.json_schema)
        .map_err(|e| CatalogueError::Corrupt(format!("schema of {slug}: {e}")))?;
    let examples: Vec<serde_json::Value> = serde_json::from_str(&row.examples)
        .map_err(|e| CatalogueError::Corrupt(format!("examples of {slug}: {e}")))?;

    let forked_from = match row.forked_from {
        None => None,
        Some(origin) => sqlx::query_as::<_, EntryRefRow>(&format!(
            r#"
            select d.slug, d.name, {ORG_COLS}
            from visible_data_models d join organisations o on o.id = d.organisation_id
            where d.id = $1
            "#
        ))
        .bind(origin)
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .map(EntryRefRow::into_ref)
        .transpose()?,
    };

    let forks: Vec<EntryRefRow> = sqlx::query_as(&format!(
        r#"
        select d.slug, d.name, {ORG_COLS}
        from visible_data_models d join organisations o on o.id = d.organisation_id
        where d.forked_from = $1 and d.archived_at is null
        order by d.created_at
        "#
    ))
    .bind(row.id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    let adopters: Vec<AdopterRow> = sqlx::query_as(&format!(
        r#"
        select a.status, a.since, a.contact_name, a.note, o.size_class as org_size_class, {ORG_COLS}
        from adoptions a join visible_organisations o on o.id = a.organisation_id
        where a.data_model_id = $1
        order by case a.status when 'production' then 0 when 'pilot' then 1 else 2 end, a.since, o.name collate german
        "#
    ))
    .bind(row.id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    let used_by: Vec<LinkRow> = sqlx::query_as(&format!(
        r#"
        select l.relation, s.slug, s.name, {ORG_COLS}
        from solution_data_models l
        join visible_solutions s on s.id = l.solution_id
        join organisations o on o.id = s.organisation_id
        where l.data_model_id = $1 and s.archived_at is null
        order by s.name collate german
        "#
    ))
    .bind(row.id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    Ok(Some(DataModelDetail {
        description_html: markdown::render(&row.description),
        properties: app::schema::properties(&json_schema),
        slug: row.slug,
        name: row.name,
        short_description: row.short_description,
        description: row.description,
        organisation: row.org.into_ref()?,
        domain: parse_enum(&row.domain, Domain::parse, "domain")?,
        version: row.version,
        licence: row.licence,
        json_schema,
        examples,
        forked_from,
        forks: collect(forks, EntryRefRow::into_ref)?,
        adopters: collect(adopters, AdopterRow::into_adopter)?,
        used_by: collect(used_by, LinkRow::into_link)?,
        reuse_count: row.reuse_count,
        revision_count: row.revision_count,
        archived: row.archived,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }))
}

/// Visible, not archived data models joined with their organisation, for the option counts.
const VISIBLE: &str = r#"
    from visible_data_models d join organisations o on o.id = d.organisation_id
    where d.archived_at is null
"#;

pub(super) async fn filter_options(pool: &PgPool) -> Result<FilterOptions, CatalogueError> {
    let licences: Vec<(String, i64)> = sqlx::query_as(&format!(
        "select d.licence, count(*) {VISIBLE} group by d.licence order by count(*) desc, d.licence"
    ))
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let organisations: Vec<(String, String, i64)> = sqlx::query_as(&format!(
        "select o.slug, o.name, count(*) {VISIBLE} group by o.slug, o.name order by o.name collate german"
    ))
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let states: Vec<(String, i64)> = sqlx::query_as(&format!(
        "select o.bundesland, count(*) {VISIBLE} and o.bundesland is not null group by o.bundesland order by o.bundesland"
    ))
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let domains: Vec<(String, i64)> = sqlx::query_as(&format!(
        "select d.domain, count(*) {VISIBLE} group by d.domain order by d.domain"
    ))
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(FilterOptions {
        categories: Vec::new(),
        licences,
        organisations,
        bundeslaender: states
            .into_iter()
            .map(|(s, n)| Ok((parse_enum(&s, Bundesland::parse, "Bundesland")?, n)))
            .collect::<Result<_, CatalogueError>>()?,
        domains: domains
            .into_iter()
            .map(|(d, n)| Ok((parse_enum(&d, Domain::parse, "domain")?, n)))
            .collect::<Result<_, CatalogueError>>()?,
    })
}
