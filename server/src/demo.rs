//! The demo catalogue: real German public bodies with example solutions, data models,
//! forks and adoptions, written for Allmende. Loaded once into an empty database, in one
//! transaction, with a first revision for every entry.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

/// Key in `allmende_meta` recording when the demo was loaded.
pub const DEMO_MARKER: &str = "demo_loaded_at";

#[derive(Debug, Deserialize)]
struct Organisation {
    slug: String,
    name: String,
    kind: String,
    bundesland: Option<String>,
    ags: Option<String>,
    size_class: Option<String>,
    website: Option<String>,
    description: String,
}

#[derive(Debug, Deserialize, Serialize)]
struct DataModel {
    slug: String,
    organisation: String,
    name: String,
    short_description: String,
    description: String,
    domain: String,
    version: String,
    licence: String,
    json_schema: serde_json::Value,
    examples: Vec<serde_json::Value>,
    forked_from: Option<String>,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, Serialize)]
struct LinkedModel {
    slug: String,
    relation: String,
}

#[derive(Debug, Deserialize, Serialize)]
struct Solution {
    slug: String,
    organisation: String,
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
    contractors: serde_json::Value,
    contacts: serde_json::Value,
    version: Option<String>,
    release_date: Option<NaiveDate>,
    tags: Vec<String>,
    features: Vec<String>,
    data_models: Vec<LinkedModel>,
    forked_from: Option<String>,
    created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
struct Adoption {
    organisation: String,
    solution: Option<String>,
    data_model: Option<String>,
    status: String,
    since: NaiveDate,
    contact_name: Option<String>,
    note: String,
}

/// What loading the demo did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub organisations: usize,
    pub solutions: usize,
    pub data_models: usize,
    pub adoptions: usize,
}

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the bundled demo data is malformed ({file}): {source}")]
    Malformed {
        file: &'static str,
        source: serde_json::Error,
    },
    #[error("the demo data refers to an unknown {what} {slug:?}")]
    UnknownReference { what: &'static str, slug: String },
    #[error("fork chain in the demo data cannot be resolved (cycle?)")]
    UnresolvableForks,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn parse<T: for<'de> Deserialize<'de>>(file: &'static str, text: &str) -> Result<T, DemoError> {
    serde_json::from_str(text).map_err(|source| DemoError::Malformed { file, source })
}

/// Whether the demo has been loaded into this database.
pub async fn is_loaded(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from allmende_meta where key = $1) as "loaded!""#,
        DEMO_MARKER
    )
    .fetch_one(pool)
    .await
}

/// Loads the demo when it has never been loaded and the catalogue is empty.
/// Returns `None` when nothing was done.
pub async fn load_if_fresh(pool: &PgPool) -> Result<Option<DemoSummary>, DemoError> {
    let empty: bool =
        sqlx::query_scalar!(r#"select not exists (select 1 from organisations) as "empty!""#)
            .fetch_one(pool)
            .await?;
    if is_loaded(pool).await? || !empty {
        return Ok(None);
    }
    load(pool).await.map(Some)
}

/// Loads the demo catalogue in one transaction (fails on slug conflicts, changing nothing).
pub async fn load(pool: &PgPool) -> Result<DemoSummary, DemoError> {
    let organisations: Vec<Organisation> = parse(
        "organisations.json",
        include_str!("demo/organisations.json"),
    )?;
    let data_models: Vec<DataModel> =
        parse("data_models.json", include_str!("demo/data_models.json"))?;
    let solutions: Vec<Solution> = parse("solutions.json", include_str!("demo/solutions.json"))?;
    let adoptions: Vec<Adoption> = parse("adoptions.json", include_str!("demo/adoptions.json"))?;

    let mut tx = pool.begin().await?;
    let mut org_ids = HashMap::new();
    for org in &organisations {
        let id: Uuid = sqlx::query_scalar!(
            r#"
            insert into organisations (slug, name, kind, bundesland, ags, size_class, website, description)
            values ($1::text, $2, $3, $4, $5, $6, $7::text, $8)
            returning id
            "#,
            &org.slug,
            &org.name,
            &org.kind,
            org.bundesland.as_deref(),
            org.ags.as_deref(),
            org.size_class.as_deref(),
            org.website.as_deref(),
            &org.description,
        )
        .fetch_one(&mut *tx)
        .await?;
        org_ids.insert(org.slug.clone(), id);
    }
    let org_id = |slug: &str| {
        org_ids
            .get(slug)
            .copied()
            .ok_or_else(|| DemoError::UnknownReference {
                what: "organisation",
                slug: slug.to_owned(),
            })
    };

    let mut model_ids: HashMap<String, Uuid> = HashMap::new();
    for model in in_lineage_order(&data_models, |m| (&m.slug, m.forked_from.as_deref()))? {
        let forked_from = lookup(&model_ids, model.forked_from.as_deref(), "data model")?;
        let id: Uuid = sqlx::query_scalar!(
            r#"
            insert into data_models (slug, organisation_id, name, short_description, description, domain,
                                     json_schema, examples, version, licence, forked_from, created_at, updated_at)
            values ($1::text, $2, $3, $4, $5, $6, $7::text::json, $8::text::json, $9, $10, $11, $12, $12)
            returning id
            "#,
            &model.slug,
            org_id(&model.organisation)?,
            &model.name,
            &model.short_description,
            &model.description,
            &model.domain,
            serde_json::to_string(&model.json_schema).expect("JSON values serialise"),
            serde_json::to_string(&model.examples).expect("JSON values serialise"),
            &model.version,
            &model.licence,
            forked_from,
            model.created_at,
        )
        .fetch_one(&mut *tx)
        .await?;
        first_revision(&mut tx, None, Some(id), model, model.created_at).await?;
        model_ids.insert(model.slug.clone(), id);
    }

    let mut solution_ids: HashMap<String, Uuid> = HashMap::new();
    for solution in in_lineage_order(&solutions, |s| (&s.slug, s.forked_from.as_deref()))? {
        let forked_from = lookup(&solution_ids, solution.forked_from.as_deref(), "solution")?;
        let id: Uuid = sqlx::query_scalar!(
            r#"
            insert into solutions (slug, organisation_id, name, short_description, short_description_en,
                                   long_description, long_description_en, repository_url, landing_url, licence,
                                   development_status, software_type, categories, platforms, maintenance_type,
                                   maintenance_contractors, maintenance_contacts, version, release_date, tags,
                                   features, forked_from, created_at, updated_at)
            values ($1::text, $2, $3, $4, $5, $6, $7, $8::text, $9::text, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                    $19, $20, $21, $22, $23, $23)
            returning id
            "#,
            &solution.slug,
            org_id(&solution.organisation)?,
            &solution.name,
            &solution.short_description,
            solution.short_description_en.as_deref(),
            &solution.long_description,
            solution.long_description_en.as_deref(),
            &solution.repository_url,
            solution.landing_url.as_deref(),
            &solution.licence,
            &solution.development_status,
            &solution.software_type,
            &solution.categories,
            &solution.platforms,
            &solution.maintenance_type,
            &solution.contractors,
            &solution.contacts,
            solution.version.as_deref(),
            solution.release_date,
            &solution.tags,
            &solution.features,
            forked_from,
            solution.created_at,
        )
        .fetch_one(&mut *tx)
        .await?;
        for link in &solution.data_models {
            let model = lookup(&model_ids, Some(&link.slug), "data model")?;
            sqlx::query!(
                "insert into solution_data_models (solution_id, data_model_id, relation) values ($1, $2, $3)",
                id,
                model,
                &link.relation,
            )
                .execute(&mut *tx)
                .await?;
        }
        first_revision(&mut tx, Some(id), None, solution, solution.created_at).await?;
        solution_ids.insert(solution.slug.clone(), id);
    }

    for adoption in &adoptions {
        sqlx::query!(
            r#"
            insert into adoptions (organisation_id, solution_id, data_model_id, status, since, contact_name, note)
            values ($1, $2, $3, $4, $5, $6, $7)
            "#,
            org_id(&adoption.organisation)?,
            lookup(&solution_ids, adoption.solution.as_deref(), "solution")?,
            lookup(&model_ids, adoption.data_model.as_deref(), "data model")?,
            &adoption.status,
            adoption.since,
            adoption.contact_name.as_deref(),
            &adoption.note,
        )
        .execute(&mut *tx)
        .await?;
    }

    sqlx::query!(
        "insert into allmende_meta (key, value) values ($1, now()::text)",
        DEMO_MARKER
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(DemoSummary {
        organisations: organisations.len(),
        solutions: solutions.len(),
        data_models: data_models.len(),
        adoptions: adoptions.len(),
    })
}

fn lookup(
    ids: &HashMap<String, Uuid>,
    slug: Option<&str>,
    what: &'static str,
) -> Result<Option<Uuid>, DemoError> {
    slug.map(|s| {
        ids.get(s)
            .copied()
            .ok_or_else(|| DemoError::UnknownReference {
                what,
                slug: s.to_owned(),
            })
    })
    .transpose()
}

/// Orders entries so that every origin comes before its forks.
fn in_lineage_order<'a, T>(
    items: &'a [T],
    key: impl Fn(&'a T) -> (&'a String, Option<&'a str>),
) -> Result<Vec<&'a T>, DemoError> {
    let mut placed: Vec<&str> = Vec::with_capacity(items.len());
    let mut ordered = Vec::with_capacity(items.len());
    let mut pending: Vec<&T> = items.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|item| {
            let (slug, origin) = key(item);
            if origin.is_none_or(|o| placed.contains(&o)) {
                placed.push(slug.as_str());
                ordered.push(*item);
                false
            } else {
                true
            }
        });
        if pending.len() == before {
            return Err(DemoError::UnresolvableForks);
        }
    }
    Ok(ordered)
}

async fn first_revision(
    tx: &mut Transaction<'_, Postgres>,
    solution_id: Option<Uuid>,
    data_model_id: Option<Uuid>,
    snapshot: &impl Serialize,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        insert into revisions (solution_id, data_model_id, number, message, snapshot, created_at)
        values ($1, $2, 1, 'Aus dem Demo-Katalog übernommen', $3, $4)
        "#,
        solution_id,
        data_model_id,
        sqlx::types::Json(snapshot) as _,
        at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
