//! Organisation queries: the list with counts and the organisation page.

use app::model::*;
use app::query::OrganisationQuery;
use app::service::CatalogueError;
use sqlx::PgPool;

use super::aggregate::KeptCounts;
use super::rows::*;
use super::{db_err, limit_offset};

struct CardRow {
    slug: String,
    name: String,
    kind: String,
    bundesland: Option<String>,
    ags: Option<String>,
    size_class: Option<String>,
    solution_count: i64,
    data_model_count: i64,
    adoption_count: i64,
}

impl CardRow {
    fn into_card(self) -> Result<OrganisationCard, CatalogueError> {
        Ok(OrganisationCard {
            slug: self.slug,
            name: self.name,
            kind: parse_enum(&self.kind, OrgKind::parse, "organisation kind")?,
            bundesland: parse_state(self.bundesland.as_deref())?,
            ags: self.ags,
            size_class: self
                .size_class
                .as_deref()
                .map(|c| parse_enum(c, SizeClass::parse, "size class"))
                .transpose()?,
            solution_count: self.solution_count,
            data_model_count: self.data_model_count,
            adoption_count: self.adoption_count,
        })
    }
}

pub(super) async fn list(
    pool: &PgPool,
    counts: &KeptCounts,
    q: &OrganisationQuery,
) -> Result<Page<OrganisationCard>, CatalogueError> {
    let (limit, offset) = limit_offset(q.page, q.per_page);
    let kind = q.kind.map(OrgKind::as_str);
    let state = q.state.map(Bundesland::as_str);
    // The total is kept per filter combination until the catalogue changes (see
    // `aggregate`); the page itself is read fresh.
    let key = format!("{:?}", (kind, state));
    let counting = pool.clone();
    let total = counts
        .get(pool, db_err, key, move || async move {
            sqlx::query_scalar!(
                r#"
                select count(*) as "count!" from visible_organisations o
                where ($1::text is null or o.kind = $1)
                  and ($2::text is null or o.bundesland = $2)
                "#,
                kind,
                state
            )
            .fetch_one(&counting)
            .await
            .map_err(db_err)
        })
        .await?;

    let rows = sqlx::query_as!(
        CardRow,
        r#"
        -- The page is chosen first and the counts are made for its rows only: counts in the
        -- select list of the ordered scan were computed for every row an offset skips too
        -- (780 ms for the last page of 11 000 organisations).
        select o.slug as "slug!", o.name as "name!", o.kind as "kind!", o.bundesland, o.ags, o.size_class,
               (select count(*) from visible_solutions s
                 where s.organisation_id = o.id and s.archived_at is null) as "solution_count!",
               (select count(*) from visible_data_models d
                 where d.organisation_id = o.id and d.archived_at is null) as "data_model_count!",
               (select count(*) from adoptions a
                 where a.organisation_id = o.id
                   and (exists (select 1 from visible_solutions s where s.id = a.solution_id)
                        or exists (select 1 from visible_data_models d where d.id = a.data_model_id))) as "adoption_count!"
        from (
            select v.id, v.slug, v.name, v.kind, v.bundesland, v.ags, v.size_class
            from visible_organisations v
            where ($1::text is null or v.kind = $1)
              and ($2::text is null or v.bundesland = $2)
            order by v.name collate german, v.slug
            limit $3 offset $4
        ) o
        order by o.name collate german, o.slug
        "#, kind, state, limit, offset)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    Ok(Page {
        items: collect(rows, CardRow::into_card)?,
        total,
        page: q.page.max(1),
        per_page: limit as u32,
    })
}

struct DetailRow {
    id: uuid::Uuid,
    slug: String,
    name: String,
    kind: String,
    bundesland: Option<String>,
    ags: Option<String>,
    size_class: Option<String>,
    website: Option<String>,
    contact_email: Option<String>,
    description: String,
}

struct AdoptionRow {
    kind: String,
    status: String,
    since: chrono::NaiveDate,
    slug: String,
    name: String,
    org_slug: String,
    org_name: String,
    org_kind: String,
    org_bundesland: Option<String>,
}

pub(super) async fn detail(
    pool: &PgPool,
    slug: &str,
) -> Result<Option<OrganisationDetail>, CatalogueError> {
    let row = sqlx::query_as!(
        DetailRow,
        r#"
        select id as "id!", slug as "slug!", name as "name!", kind as "kind!", bundesland, ags,
               size_class, website, contact_email, description as "description!"
        from visible_organisations
        where slug = $1
        "#,
        slug,
    )
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };

    let solutions = sqlx::query_as!(
        SolutionCardRow,
        r#"
        select s.slug as "slug!", s.name as "name!", s.short_description as "short_description!",
               s.licence as "licence!", s.development_status as "development_status!",
               s.categories as "categories!", s.forked_from is not null as "is_fork!",
               s.created_at as "created_at!", s.reuse_count as "reuse_count!",
               o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
        from visible_solutions s
        join organisations o on o.id = s.organisation_id
        where s.organisation_id = $1 and s.archived_at is null
        order by s.name collate german
        "#,
        row.id,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    let data_models = sqlx::query_as!(
        DataModelCardRow,
        r#"
        select d.slug as "slug!", d.name as "name!", d.short_description as "short_description!",
               d.domain as "domain!", d.version as "version!", d.licence as "licence!",
               d.forked_from is not null as "is_fork!", d.created_at as "created_at!",
               d.reuse_count as "reuse_count!",
               o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland
        from visible_data_models d
        join organisations o on o.id = d.organisation_id
        where d.organisation_id = $1 and d.archived_at is null
        order by d.name collate german
        "#,
        row.id,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    // What this organisation uses: adoptions of solutions and of data models, with the
    // owning organisation of each entry.
    let adoptions = sqlx::query_as!(
        AdoptionRow,
        r#"
        select 'solution' as "kind!", a.status as "status!", a.since as "since!",
               s.slug as "slug!", s.name as "name!",
               o.slug as "org_slug!", o.name as "org_name!", o.kind as "org_kind!", o.bundesland as org_bundesland
        from adoptions a
        join visible_solutions s on s.id = a.solution_id
        join organisations o on o.id = s.organisation_id
        where a.organisation_id = $1
        union all
        select 'data_model', a.status, a.since, d.slug, d.name,
               o.slug, o.name, o.kind, o.bundesland
        from adoptions a
        join visible_data_models d on d.id = a.data_model_id
        join organisations o on o.id = d.organisation_id
        where a.organisation_id = $1
        order by 3 desc, 5
        "#,
        row.id,
    )
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    Ok(Some(OrganisationDetail {
        slug: row.slug,
        name: row.name,
        kind: parse_enum(&row.kind, OrgKind::parse, "organisation kind")?,
        bundesland: parse_state(row.bundesland.as_deref())?,
        ags: row.ags,
        size_class: row
            .size_class
            .as_deref()
            .map(|c| parse_enum(c, SizeClass::parse, "size class"))
            .transpose()?,
        website: row.website,
        contact_email: row.contact_email,
        description: row.description,
        solutions: collect(solutions, SolutionCardRow::into_card)?,
        data_models: collect(data_models, DataModelCardRow::into_card)?,
        adoptions: adoptions
            .into_iter()
            .map(|a| {
                Ok(OrgAdoption {
                    kind: parse_enum(&a.kind, EntryKind::parse, "entry kind")?,
                    status: parse_enum(&a.status, AdoptionStatus::parse, "adoption status")?,
                    since: a.since,
                    entry: EntryRef {
                        slug: a.slug,
                        name: a.name,
                        organisation: org_ref(
                            a.org_slug,
                            a.org_name,
                            &a.org_kind,
                            a.org_bundesland,
                        )?,
                    },
                })
            })
            .collect::<Result<_, CatalogueError>>()?,
    }))
}
