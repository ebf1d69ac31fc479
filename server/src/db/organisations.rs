//! Organisation queries: the list with counts and the organisation page.

use app::model::*;
use app::query::OrganisationQuery;
use app::service::CatalogueError;
use sqlx::PgPool;

use super::rows::*;
use super::{db_err, limit_offset};

#[derive(sqlx::FromRow)]
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
    q: &OrganisationQuery,
) -> Result<Page<OrganisationCard>, CatalogueError> {
    let (limit, offset) = limit_offset(q.page, q.per_page);
    let kind = q.kind.map(OrgKind::as_str);
    let state = q.state.map(Bundesland::as_str);
    let total: i64 = sqlx::query_scalar(
        r#"
        select count(*) from visible_organisations o
        where ($1::text is null or o.kind = $1)
          and ($2::text is null or o.bundesland = $2)
        "#,
    )
    .bind(kind)
    .bind(state)
    .fetch_one(pool)
    .await
    .map_err(db_err)?;

    let rows: Vec<CardRow> = sqlx::query_as(
        r#"
        select o.slug, o.name, o.kind, o.bundesland, o.ags, o.size_class,
               (select count(*) from visible_solutions s
                 where s.organisation_id = o.id and s.archived_at is null) as solution_count,
               (select count(*) from visible_data_models d
                 where d.organisation_id = o.id and d.archived_at is null) as data_model_count,
               (select count(*) from adoptions a
                 where a.organisation_id = o.id
                   and (exists (select 1 from visible_solutions s where s.id = a.solution_id)
                        or exists (select 1 from visible_data_models d where d.id = a.data_model_id))) as adoption_count
        from visible_organisations o
        where ($1::text is null or o.kind = $1)
          and ($2::text is null or o.bundesland = $2)
        order by o.name collate german, o.slug
        limit $3 offset $4
        "#,
    )
    .bind(kind)
    .bind(state)
    .bind(limit)
    .bind(offset)
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

#[derive(sqlx::FromRow)]
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

#[derive(sqlx::FromRow)]
struct AdoptionRow {
    kind: String,
    status: String,
    since: chrono::NaiveDate,
    #[sqlx(flatten)]
    entry: EntryRefRow,
}

pub(super) async fn detail(
    pool: &PgPool,
    slug: &str,
) -> Result<Option<OrganisationDetail>, CatalogueError> {
    let row: Option<DetailRow> = sqlx::query_as(
        r#"
        select id, slug, name, kind, bundesland, ags, size_class, website, contact_email, description
        from visible_organisations
        where slug = $1
        "#,
    )
    .bind(slug)
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    let Some(row) = row else { return Ok(None) };

    let solutions: Vec<SolutionCardRow> = sqlx::query_as(&format!(
        r#"
        select {SOLUTION_CARD_COLS}
        from visible_solutions s
        join organisations o on o.id = s.organisation_id
        join solution_reuse r on r.solution_id = s.id
        where s.organisation_id = $1 and s.archived_at is null
        order by s.name collate german
        "#
    ))
    .bind(row.id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    let data_models: Vec<DataModelCardRow> = sqlx::query_as(&format!(
        r#"
        select {DATA_MODEL_CARD_COLS}
        from visible_data_models d
        join organisations o on o.id = d.organisation_id
        join data_model_reuse r on r.data_model_id = d.id
        where d.organisation_id = $1 and d.archived_at is null
        order by d.name collate german
        "#
    ))
    .bind(row.id)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;

    // What this organisation uses: adoptions of solutions and of data models, with the
    // owning organisation of each entry.
    let adoptions: Vec<AdoptionRow> = sqlx::query_as(&format!(
        r#"
        select 'solution' as kind, a.status, a.since, s.slug, s.name, {ORG_COLS}
        from adoptions a
        join visible_solutions s on s.id = a.solution_id
        join organisations o on o.id = s.organisation_id
        where a.organisation_id = $1
        union all
        select 'data_model' as kind, a.status, a.since, d.slug, d.name, {ORG_COLS}
        from adoptions a
        join visible_data_models d on d.id = a.data_model_id
        join organisations o on o.id = d.organisation_id
        where a.organisation_id = $1
        order by since desc, name
        "#
    ))
    .bind(row.id)
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
                    entry: a.entry.into_ref()?,
                })
            })
            .collect::<Result<_, CatalogueError>>()?,
    }))
}
