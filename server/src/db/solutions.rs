//! Solution queries: the filtered list, the detail page, the filter options, and the one
//! statement that writes a solution's fields (publishing and editing).

use app::markdown;
use app::model::*;
use app::query::{SolutionQuery, SortOrder};
use app::service::CatalogueError;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use sqlx::types::Json;

use super::aggregate::KeptCounts;
use super::rows::*;
use super::{db_err, limit_offset};

/// Visible, not archived solutions matching the list filters ($1 category, $2 licence,
/// $3 status, $4 organisation slug, $5 Bundesland), in the order `q.sort` names.
pub(super) async fn list(
    pool: &PgPool,
    counts: &KeptCounts,
    q: &SolutionQuery,
) -> Result<Page<SolutionCard>, CatalogueError> {
    let (limit, offset) = limit_offset(q.page, q.per_page);
    let status = q.status.map(DevelopmentStatus::as_str);
    let state = q.state.map(Bundesland::as_str);

    // The total is kept per filter combination until the catalogue changes (see
    // `aggregate`); the page itself is read fresh.
    let key = format!(
        "{:?}",
        (
            q.category.as_deref(),
            q.licence.as_deref(),
            status,
            q.org.as_deref(),
            state
        )
    );
    let (category, licence, org) = (q.category.clone(), q.licence.clone(), q.org.clone());
    let counting = pool.clone();
    let total = counts
        .get(pool, db_err, key, move || async move {
            sqlx::query_scalar!(
                r#"
                select count(*) as "count!"
                from visible_solutions s
                join organisations o on o.id = s.organisation_id
                where s.archived_at is null
                  and ($1::text is null or $1 = any (s.categories))
                  and ($2::text is null or s.licence = $2)
                  and ($3::text is null or s.development_status = $3)
                  and ($4::text is null or o.slug = $4)
                  and ($5::text is null or o.bundesland = $5)
                "#,
                category.as_deref(),
                licence.as_deref(),
                status,
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
                SolutionCardRow,
                r#"
                select s.slug as "slug!", s.name as "name!", s.short_description as "short_description!",
                       s.licence as "licence!", s.development_status as "development_status!",
                       s.categories as "categories!", s.forked_from is not null as "is_fork!",
                       s.created_at as "created_at!", s.reuse_count as "reuse_count!",
                       o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
                from visible_solutions s
                join organisations o on o.id = s.organisation_id
                where s.archived_at is null
                  and ($1::text is null or $1 = any (s.categories))
                  and ($2::text is null or s.licence = $2)
                  and ($3::text is null or s.development_status = $3)
                  and ($4::text is null or o.slug = $4)
                  and ($5::text is null or o.bundesland = $5)
                order by s.created_at desc, s.slug
                limit $6 offset $7
                "#,
                q.category.as_deref(),
                q.licence.as_deref(),
                status,
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
                SolutionCardRow,
                r#"
                select s.slug as "slug!", s.name as "name!", s.short_description as "short_description!",
                       s.licence as "licence!", s.development_status as "development_status!",
                       s.categories as "categories!", s.forked_from is not null as "is_fork!",
                       s.created_at as "created_at!", s.reuse_count as "reuse_count!",
                       o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
                from visible_solutions s
                join organisations o on o.id = s.organisation_id
                where s.archived_at is null
                  and ($1::text is null or $1 = any (s.categories))
                  and ($2::text is null or s.licence = $2)
                  and ($3::text is null or s.development_status = $3)
                  and ($4::text is null or o.slug = $4)
                  and ($5::text is null or o.bundesland = $5)
                order by s.name collate german, s.slug
                limit $6 offset $7
                "#,
                q.category.as_deref(),
                q.licence.as_deref(),
                status,
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
                SolutionCardRow,
                r#"
                select s.slug as "slug!", s.name as "name!", s.short_description as "short_description!",
                       s.licence as "licence!", s.development_status as "development_status!",
                       s.categories as "categories!", s.forked_from is not null as "is_fork!",
                       s.created_at as "created_at!", s.reuse_count as "reuse_count!",
                       o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
                from visible_solutions s
                join organisations o on o.id = s.organisation_id
                where s.archived_at is null
                  and ($1::text is null or $1 = any (s.categories))
                  and ($2::text is null or s.licence = $2)
                  and ($3::text is null or s.development_status = $3)
                  and ($4::text is null or o.slug = $4)
                  and ($5::text is null or o.bundesland = $5)
                order by s.reuse_count desc, s.created_at desc, s.slug
                limit $6 offset $7
                "#,
                q.category.as_deref(),
                q.licence.as_deref(),
                status,
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
        items: collect(rows, SolutionCardRow::into_card)?,
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
    short_description_en: Option<String>,
    long_description: String,
    long_description_en: Option<String>,
    repository_url: String,
    landing_url: Option<String>,
    licence: String,
    development_status: String,
    software_type: String,
    categories: Vec<String>,
    platforms: Vec<String>,
    maintenance_type: String,
    maintenance_contractors: Json<Vec<Contractor>>,
    maintenance_contacts: Json<Vec<Contact>>,
    version: Option<String>,
    release_date: Option<NaiveDate>,
    tags: Vec<String>,
    features: Vec<String>,
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
) -> Result<Option<SolutionDetail>, CatalogueError> {
    let row = sqlx::query_as!(
        DetailRow,
        r#"
        select s.id as "id!", s.slug as "slug!", s.name as "name!",
               s.short_description as "short_description!", s.short_description_en,
               s.long_description as "long_description!", s.long_description_en,
               s.repository_url as "repository_url!", s.landing_url, s.licence as "licence!",
               s.development_status as "development_status!", s.software_type as "software_type!",
               s.categories as "categories!", s.platforms as "platforms!",
               s.maintenance_type as "maintenance_type!",
               s.maintenance_contractors as "maintenance_contractors!: Json<Vec<Contractor>>",
               s.maintenance_contacts as "maintenance_contacts!: Json<Vec<Contact>>",
               s.version, s.release_date, s.tags as "tags!", s.features as "features!",
               s.forked_from, s.archived_at is not null as "archived!",
               s.created_at as "created_at!", s.updated_at as "updated_at!",
               s.reuse_count as "reuse_count!",
               (select count(*) from revisions v where v.solution_id = s.id) as "revision_count!",
               o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
        from visible_solutions s
        join organisations o on o.id = s.organisation_id
        where s.slug = $1
        "#,
        slug,
    )
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };

    let forked_from = match row.forked_from {
        None => None,
        Some(origin) => sqlx::query_as!(
            EntryRefRow,
            r#"
            select s.slug as "slug!", s.name as "name!",
                   o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
            from visible_solutions s join organisations o on o.id = s.organisation_id
            where s.id = $1
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
        select s.slug as "slug!", s.name as "name!",
               o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
        from visible_solutions s join organisations o on o.id = s.organisation_id
        where s.forked_from = $1 and s.archived_at is null
        order by s.created_at
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
        where a.solution_id = $1
        order by case a.status when 'production' then 0 when 'pilot' then 1 else 2 end, a.since, o.name collate german
        "#,
        row.id,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    let data_models = sqlx::query_as!(
        LinkRow,
        r#"
        select l.relation, d.slug as "slug!", d.name as "name!",
               o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
        from solution_data_models l
        join visible_data_models d on d.id = l.data_model_id
        join organisations o on o.id = d.organisation_id
        where l.solution_id = $1
        order by l.relation desc, d.name collate german
        "#,
        row.id,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    let provider_rows = sqlx::query_as!(
        ProviderRow,
        r#"
        select array_agg(f.service order by f.service) as "services!", max(f.note) as note,
               o.slug as "org_slug!", o.name as "org_name!", o.kind as "org_kind!", o.bundesland as org_bundesland
        from service_offers f join visible_organisations o on o.id = f.organisation_id
        where f.solution_id = $1
        group by o.id, o.slug, o.name, o.kind, o.bundesland
        order by o.name collate german
        "#,
        row.id,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    Ok(Some(SolutionDetail {
        providers: collect(provider_rows, ProviderRow::into_provider)?,
        long_description_html: markdown::render(&row.long_description),
        long_description_en_html: row
            .long_description_en
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(markdown::render),
        slug: row.slug,
        name: row.name,
        short_description: row.short_description,
        short_description_en: row.short_description_en,
        long_description: row.long_description,
        long_description_en: row.long_description_en,
        organisation: org_ref(
            row.org_slug,
            row.org_name,
            &row.org_kind,
            row.org_bundesland,
        )?,
        repository_url: row.repository_url,
        landing_url: row.landing_url,
        licence: row.licence,
        development_status: parse_enum(
            &row.development_status,
            DevelopmentStatus::parse,
            "development status",
        )?,
        software_type: parse_enum(&row.software_type, SoftwareType::parse, "software type")?,
        categories: row.categories,
        platforms: row.platforms,
        maintenance_type: parse_enum(
            &row.maintenance_type,
            MaintenanceType::parse,
            "maintenance type",
        )?,
        contractors: row.maintenance_contractors.0,
        contacts: row.maintenance_contacts.0,
        version: row.version,
        release_date: row.release_date,
        tags: row.tags,
        features: row.features,
        forked_from,
        forks: collect(forks, EntryRefRow::into_ref)?,
        adopters: collect(adopters, AdopterRow::into_adopter)?,
        data_models: collect(data_models, LinkRow::into_link)?,
        reuse_count: row.reuse_count,
        revision_count: row.revision_count,
        archived: row.archived,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }))
}

/// Option counts over the visible, not archived solutions.
pub(super) async fn filter_options(pool: &PgPool) -> Result<FilterOptions, CatalogueError> {
    let categories = sqlx::query!(
        r#"
        select c as "c!", count(*) as "n!"
        from visible_solutions s
        cross join lateral unnest(s.categories) as c
        where s.archived_at is null
        group by c
        order by count(*) desc, c
        "#,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?
    .into_iter()
    .map(|r| (r.c, r.n))
    .collect();
    let licences = sqlx::query!(
        r#"
        select s.licence as "licence!", count(*) as "n!"
        from visible_solutions s join organisations o on o.id = s.organisation_id
        where s.archived_at is null
        group by s.licence
        order by count(*) desc, s.licence
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
        from visible_solutions s join organisations o on o.id = s.organisation_id
        where s.archived_at is null
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
        from visible_solutions s join organisations o on o.id = s.organisation_id
        where s.archived_at is null and o.bundesland is not null
        group by o.bundesland
        order by o.bundesland
        "#,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(FilterOptions {
        categories,
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
        domains: Vec::new(),
    })
}

/// Writes a solution's fields: a new solution when `id` is `None`, else the existing one.
/// One statement for both, so a new column is written in one place. Returns the id.
pub async fn save(
    conn: &mut sqlx::PgConnection,
    id: Option<uuid::Uuid>,
    slug: &str,
    organisation: uuid::Uuid,
    draft: &app::entry_rules::SolutionDraft,
) -> Result<uuid::Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        insert into solutions (id, slug, organisation_id, name, short_description, short_description_en,
                               long_description, long_description_en, repository_url, landing_url, licence,
                               development_status, software_type, categories, platforms, maintenance_type,
                               maintenance_contractors, maintenance_contacts, version, release_date, tags, features)
        values (coalesce($1, gen_random_uuid()), $2::text, $3, $4, $5, $6, $7, $8, $9::text, $10::text, $11,
                $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
        on conflict (id) do update set
            slug = excluded.slug, organisation_id = excluded.organisation_id, name = excluded.name,
            short_description = excluded.short_description, short_description_en = excluded.short_description_en,
            long_description = excluded.long_description, long_description_en = excluded.long_description_en,
            repository_url = excluded.repository_url, landing_url = excluded.landing_url, licence = excluded.licence,
            development_status = excluded.development_status, software_type = excluded.software_type,
            categories = excluded.categories, platforms = excluded.platforms,
            maintenance_type = excluded.maintenance_type, maintenance_contractors = excluded.maintenance_contractors,
            maintenance_contacts = excluded.maintenance_contacts, version = excluded.version,
            release_date = excluded.release_date, tags = excluded.tags, features = excluded.features
        returning id
        "#,
        id,
        slug,
        organisation,
        &draft.name,
        &draft.short_description,
        draft.short_description_en.as_deref(),
        &draft.long_description,
        draft.long_description_en.as_deref(),
        &draft.repository_url,
        draft.landing_url.as_deref(),
        &draft.licence,
        draft.development_status.as_str(),
        draft.software_type.as_str(),
        &draft.categories,
        &draft.platforms,
        draft.maintenance_type.as_str(),
        Json(&draft.contractors) as _,
        Json(&draft.contacts) as _,
        draft.version.as_deref(),
        draft.release_date,
        &draft.tags,
        &draft.features,
    )
    .fetch_one(conn)
    .await
}
