//! Data model queries: the filtered list, the detail page, the filter options, and the one
//! statement that writes a data model's fields (publishing and editing).

use app::markdown;
use app::model::*;
use app::query::{DataModelQuery, SortOrder};
use app::service::CatalogueError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::aggregate::KeptCounts;
use super::rows::*;
use super::{db_err, limit_offset};

/// Visible, not archived data models matching the filters ($1 domain, $2 licence,
/// $3 organisation slug, $4 Bundesland), in the order `q.sort` names.
pub(super) async fn list(
    pool: &PgPool,
    counts: &KeptCounts,
    q: &DataModelQuery,
) -> Result<Page<DataModelCard>, CatalogueError> {
    let (limit, offset) = limit_offset(q.page, q.per_page);
    let domain = q.domain.map(Domain::as_str);
    let state = q.state.map(Bundesland::as_str);

    // The total is kept per filter combination until the catalogue changes (see
    // `aggregate`); the page itself is read fresh.
    let key = format!(
        "{:?}",
        (domain, q.licence.as_deref(), q.org.as_deref(), state)
    );
    let (licence, org) = (q.licence.clone(), q.org.clone());
    let counting = pool.clone();
    let total = counts
        .get(pool, db_err, key, move || async move {
            sqlx::query_scalar!(
                r#"
                select count(*) as "count!"
                from visible_data_models d
                join organisations o on o.id = d.organisation_id
                where d.archived_at is null
                  and ($1::text is null or d.domain = $1)
                  and ($2::text is null or d.licence = $2)
                  and ($3::text is null or o.slug = $3)
                  and ($4::text is null or o.bundesland = $4)
                "#,
                domain,
                licence.as_deref(),
                org.as_deref(),
                state,
            )
            .fetch_one(&counting)
            .await
            .map_err(db_err)
        })
        .await?;

    // One statement per order, each with its literal `order by`: the planner walks the
    // index of that order and stops at the page (an order chosen by `case` sorted every
    // matching row first).
    let rows = match q.sort {
        SortOrder::Newest => {
            sqlx::query_as!(
                DataModelCardRow,
                r#"
                select d.slug as "slug!", d.name as "name!", d.short_description as "short_description!",
                       d.domain as "domain!", d.version as "version!", d.licence as "licence!",
                       d.forked_from is not null as "is_fork!", d.created_at as "created_at!",
                       d.reuse_count as "reuse_count!",
                       o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
                from visible_data_models d
                join organisations o on o.id = d.organisation_id
                where d.archived_at is null
                  and ($1::text is null or d.domain = $1)
                  and ($2::text is null or d.licence = $2)
                  and ($3::text is null or o.slug = $3)
                  and ($4::text is null or o.bundesland = $4)
                order by d.created_at desc, d.slug
                limit $5 offset $6
                "#,
                domain,
                q.licence.as_deref(),
                q.org.as_deref(),
                state,
                limit,
                offset,
            )
            .fetch_all(pool)
            .await
        }
        SortOrder::Name => {
            sqlx::query_as!(
                DataModelCardRow,
                r#"
                select d.slug as "slug!", d.name as "name!", d.short_description as "short_description!",
                       d.domain as "domain!", d.version as "version!", d.licence as "licence!",
                       d.forked_from is not null as "is_fork!", d.created_at as "created_at!",
                       d.reuse_count as "reuse_count!",
                       o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
                from visible_data_models d
                join organisations o on o.id = d.organisation_id
                where d.archived_at is null
                  and ($1::text is null or d.domain = $1)
                  and ($2::text is null or d.licence = $2)
                  and ($3::text is null or o.slug = $3)
                  and ($4::text is null or o.bundesland = $4)
                order by d.name collate german, d.slug
                limit $5 offset $6
                "#,
                domain,
                q.licence.as_deref(),
                q.org.as_deref(),
                state,
                limit,
                offset,
            )
            .fetch_all(pool)
            .await
        }
        SortOrder::Reused => {
            sqlx::query_as!(
                DataModelCardRow,
                r#"
                select d.slug as "slug!", d.name as "name!", d.short_description as "short_description!",
                       d.domain as "domain!", d.version as "version!", d.licence as "licence!",
                       d.forked_from is not null as "is_fork!", d.created_at as "created_at!",
                       d.reuse_count as "reuse_count!",
                       o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
                from visible_data_models d
                join organisations o on o.id = d.organisation_id
                where d.archived_at is null
                  and ($1::text is null or d.domain = $1)
                  and ($2::text is null or d.licence = $2)
                  and ($3::text is null or o.slug = $3)
                  and ($4::text is null or o.bundesland = $4)
                order by d.reuse_count desc, d.created_at desc, d.slug
                limit $5 offset $6
                "#,
                domain,
                q.licence.as_deref(),
                q.org.as_deref(),
                state,
                limit,
                offset,
            )
            .fetch_all(pool)
            .await
        }
    }
    .map_err(db_err)?;

    Ok(Page {
        items: collect(rows, DataModelCardRow::into_card)?,
        total,
        page: q.page.max(1),
        per_page: limit as u32,
    })
}

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
    org_slug: String,
    org_name: String,
    org_kind: String,
    org_bundesland: Option<String>,
}

pub(super) async fn detail(
    pool: &PgPool,
    slug: &str,
) -> Result<Option<DataModelDetail>, CatalogueError> {
    let row = sqlx::query_as!(
        DetailRow,
        r#"
        select d.id as "id!", d.slug as "slug!", d.name as "name!",
               d.short_description as "short_description!", d.description as "description!",
               d.domain as "domain!", d.version as "version!", d.licence as "licence!",
               d.json_schema::text as "json_schema!", d.examples::text as "examples!", d.forked_from,
               d.archived_at is not null as "archived!", d.created_at as "created_at!",
               d.updated_at as "updated_at!", d.reuse_count as "reuse_count!",
               (select count(*) from revisions v where v.data_model_id = d.id) as "revision_count!",
               o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
        from visible_data_models d
        join organisations o on o.id = d.organisation_id
        where d.slug = $1
        "#,
        slug,
    )
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
        Some(origin) => sqlx::query_as!(
            EntryRefRow,
            r#"
            select d.slug as "slug!", d.name as "name!",
                   o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
            from visible_data_models d join organisations o on o.id = d.organisation_id
            where d.id = $1
            "#,
            origin,
        )
        .fetch_optional(pool)
        .await
        .map_err(db_err)?
        .map(EntryRefRow::into_ref)
        .transpose()?,
    };

    let forks = sqlx::query_as!(
        EntryRefRow,
        r#"
        select d.slug as "slug!", d.name as "name!",
               o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
        from visible_data_models d join organisations o on o.id = d.organisation_id
        where d.forked_from = $1 and d.archived_at is null
        order by d.created_at
        "#,
        row.id,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    let adopters = sqlx::query_as!(
        AdopterRow,
        r#"
        select a.status, a.since, a.contact_name, a.note, o.size_class as org_size_class,
               o.slug as "org_slug!", o.name as "org_name!", o.kind as "org_kind!", o.bundesland as org_bundesland
        from adoptions a join visible_organisations o on o.id = a.organisation_id
        where a.data_model_id = $1
        order by case a.status when 'production' then 0 when 'pilot' then 1 else 2 end, a.since, o.name collate german
        "#,
        row.id,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    let used_by = sqlx::query_as!(
        LinkRow,
        r#"
        select l.relation, s.slug as "slug!", s.name as "name!",
               o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
        from solution_data_models l
        join visible_solutions s on s.id = l.solution_id
        join organisations o on o.id = s.organisation_id
        where l.data_model_id = $1 and s.archived_at is null
        order by s.name collate german
        "#,
        row.id,
    )
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
        organisation: org_ref(
            row.org_slug,
            row.org_name,
            &row.org_kind,
            row.org_bundesland,
        )?,
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

/// Option counts over the visible, not archived data models.
pub(super) async fn filter_options(pool: &PgPool) -> Result<FilterOptions, CatalogueError> {
    let licences = sqlx::query!(
        r#"
        select d.licence as "licence!", count(*) as "n!"
        from visible_data_models d join organisations o on o.id = d.organisation_id
        where d.archived_at is null
        group by d.licence
        order by count(*) desc, d.licence
        "#,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?
    .into_iter()
    .map(|r| (r.licence, r.n))
    .collect();
    let organisations = sqlx::query!(
        r#"
        select o.slug::text as "slug!", o.name, count(*) as "n!"
        from visible_data_models d join organisations o on o.id = d.organisation_id
        where d.archived_at is null
        group by o.slug, o.name
        order by o.name collate german
        "#,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?
    .into_iter()
    .map(|r| (r.slug, r.name, r.n))
    .collect();
    let states = sqlx::query!(
        r#"
        select o.bundesland as "bundesland!", count(*) as "n!"
        from visible_data_models d join organisations o on o.id = d.organisation_id
        where d.archived_at is null and o.bundesland is not null
        group by o.bundesland
        order by o.bundesland
        "#,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let domains = sqlx::query!(
        r#"
        select d.domain as "domain!", count(*) as "n!"
        from visible_data_models d join organisations o on o.id = d.organisation_id
        where d.archived_at is null
        group by d.domain
        order by d.domain
        "#,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(FilterOptions {
        categories: Vec::new(),
        licences,
        organisations,
        bundeslaender: states
            .into_iter()
            .map(|r| {
                Ok((
                    parse_enum(&r.bundesland, Bundesland::parse, "Bundesland")?,
                    r.n,
                ))
            })
            .collect::<Result<_, CatalogueError>>()?,
        domains: domains
            .into_iter()
            .map(|r| Ok((parse_enum(&r.domain, Domain::parse, "domain")?, r.n)))
            .collect::<Result<_, CatalogueError>>()?,
    })
}

/// Writes a data model's fields: a new one when `id` is `None`, else the existing one.
/// `schema` is the JSON Schema as stored (see the service's `schema_text`). One statement
/// for both, so a new column is written in one place. Returns the id.
pub async fn save(
    conn: &mut sqlx::PgConnection,
    id: Option<uuid::Uuid>,
    slug: &str,
    organisation: uuid::Uuid,
    draft: &app::data_model_rules::DataModelDraft,
    schema: &str,
) -> Result<uuid::Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        insert into data_models (id, slug, organisation_id, name, short_description, description, domain,
                                 json_schema, examples, version, licence)
        values (coalesce($1, gen_random_uuid()), $2::text, $3, $4, $5, $6, $7, $8::text::json, $9::text::json,
                $10, $11)
        on conflict (id) do update set
            slug = excluded.slug, organisation_id = excluded.organisation_id, name = excluded.name,
            short_description = excluded.short_description, description = excluded.description,
            domain = excluded.domain, json_schema = excluded.json_schema, examples = excluded.examples,
            version = excluded.version, licence = excluded.licence
        returning id
        "#,
        id,
        slug,
        organisation,
        &draft.name,
        &draft.short_description,
        &draft.description,
        draft.domain.as_str(),
        schema,
        serde_json::to_string(&draft.examples).unwrap_or_else(|_| "[]".into()),
        &draft.version,
        &draft.licence,
    )
    .fetch_one(conn)
    .await
}
