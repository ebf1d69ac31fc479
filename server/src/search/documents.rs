//! Reading entries from PostgreSQL as search documents.
//!
//! Only what the public may see is loaded: no hidden or archived entries, nothing of a
//! hidden organisation. An entry that does not load is removed from the index.

use app::categories::category_label;
use app::i18n::Lang;
use app::model::{OrgRef, SearchKind};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tantivy::TantivyDocument;
use tantivy::schema::Facet;
use uuid::Uuid;

use super::schema::Fields;
use crate::db::rows::org_ref;

/// How many rows one query reads during a rebuild.
pub const BATCH: i64 = 5_000;

/// An entry flattened for indexing.
#[derive(Debug, Clone)]
pub struct EntryDoc {
    pub kind: SearchKind,
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub short: String,
    pub tags: Vec<String>,
    pub long: String,
    pub english: String,
    pub categories: Vec<String>,
    pub licence: Option<String>,
    pub status: Option<String>,
    pub domain: Option<String>,
    pub org_id: Uuid,
    pub org: OrgRef,
    pub reuse_count: i64,
    pub created_at: DateTime<Utc>,
}

/// The index key of an entry.
pub fn key(kind: SearchKind, id: Uuid) -> String {
    format!("{}:{id}", kind.as_str())
}

impl EntryDoc {
    /// The tantivy document.
    pub fn to_document(&self, f: &Fields) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, key(self.kind, self.id));
        doc.add_text(f.kind, self.kind.as_str());
        doc.add_text(f.slug, &self.slug);
        doc.add_text(f.org_id, self.org_id.to_string());
        doc.add_text(f.name, &self.name);
        doc.add_text(f.short, &self.short);
        let tags = self.tags.join(" · ");
        doc.add_text(f.tags, &tags);
        doc.add_text(f.long, &self.long);
        doc.add_text(f.english, &self.english);
        let org_name = if self.kind == SearchKind::Organisation {
            String::new()
        } else {
            self.org.name.clone()
        };
        doc.add_text(f.org_name, &org_name);
        for text in [&self.name, &self.short, &tags, &self.long, &org_name] {
            doc.add_text(f.all, text);
            doc.add_text(f.pairs, text);
            doc.add_text(f.folded, text);
        }
        doc.add_text(f.name_words, &self.name);
        for text in [&self.name, &self.short, &tags] {
            doc.add_text(f.words, text);
        }
        let mut facet = |name: &str, value: &str| {
            doc.add_facet(f.facets, Facet::from_path([format!("{name}:{value}")]))
        };
        facet("kind", self.kind.as_str());
        for category in &self.categories {
            facet("category", category);
        }
        if let Some(licence) = &self.licence {
            facet("licence", licence);
        }
        if let Some(status) = &self.status {
            facet("status", status);
        }
        // Organisation values carry the display name after the slug.
        facet(
            "org",
            &format!(
                "{}{}{}",
                self.org.slug,
                super::query::ORG_FACET_SEPARATOR,
                self.org.name
            ),
        );
        if let Some(state) = self.org.bundesland {
            facet("state", state.as_str());
        }
        if let Some(domain) = &self.domain {
            facet("domain", domain);
        }
        doc.add_u64(f.reuse, self.reuse_count.max(0) as u64);
        doc.add_i64(f.created, self.created_at.timestamp());
        doc.add_text(
            f.org_display,
            serde_json::to_string(&self.org).unwrap_or_default(),
        );
        doc
    }
}

/// Plain text of a Markdown description: what readers see, without markup.
pub fn markdown_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock,
            ) if !out.ends_with(' ') => {
                out.push(' ');
            }
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// Which rows to read: some ids, or a page of all rows after a given id.
pub enum Selection<'a> {
    Ids(&'a [Uuid]),
    After(Option<Uuid>),
}

impl Selection<'_> {
    fn binds(&self) -> (Option<Vec<Uuid>>, Option<Uuid>, i64) {
        match self {
            Selection::Ids(ids) => (Some(ids.to_vec()), None, ids.len() as i64),
            Selection::After(after) => (None, *after, BATCH),
        }
    }
}

struct SolutionRow {
    id: Uuid,
    slug: String,
    name: String,
    short_description: String,
    short_description_en: Option<String>,
    long_description: String,
    long_description_en: Option<String>,
    tags: Vec<String>,
    features: Vec<String>,
    categories: Vec<String>,
    licence: String,
    development_status: String,
    org_id: Uuid,
    org_slug: String,
    org_name: String,
    org_kind: String,
    org_bundesland: Option<String>,
    reuse_count: i32,
    created_at: DateTime<Utc>,
}

/// Visible solutions of the selection, ordered by id.
pub async fn solutions(
    pool: &PgPool,
    selection: Selection<'_>,
) -> Result<Vec<EntryDoc>, sqlx::Error> {
    let (ids, after, limit) = selection.binds();
    let rows = sqlx::query_as!(
        SolutionRow,
        r#"
        select s.id as "id!", s.slug as "slug!", s.name as "name!",
               s.short_description as "short_description!", s.short_description_en,
               s.long_description as "long_description!", s.long_description_en,
               s.tags as "tags!", s.features as "features!", s.categories as "categories!",
               s.licence as "licence!", s.development_status as "development_status!",
               o.id as org_id, o.slug as org_slug, o.name as org_name, o.kind as org_kind,
               o.bundesland as org_bundesland, s.reuse_count as "reuse_count!",
               s.created_at as "created_at!"
        from visible_solutions s
        join organisations o on o.id = s.organisation_id
        where s.archived_at is null
          and ($1::uuid[] is null or s.id = any($1))
          and ($2::uuid is null or s.id > $2)
        order by s.id
        limit $3
        "#,
        ids.as_deref(),
        after,
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().filter_map(solution_doc).collect())
}

fn solution_doc(row: SolutionRow) -> Option<EntryDoc> {
    let org = org_ref(
        row.org_slug,
        row.org_name,
        &row.org_kind,
        row.org_bundesland,
    )
    .ok()?;
    let mut tags = row.tags;
    tags.extend(row.features);
    // Category labels in both languages make "Terminvereinbarung" find appointment-scheduling.
    tags.extend(row.categories.iter().map(|c| category_label(c, Lang::De)));
    let english = [
        row.short_description_en.unwrap_or_default(),
        markdown_text(&row.long_description_en.unwrap_or_default()),
        row.categories
            .iter()
            .map(|c| category_label(c, Lang::En))
            .collect::<Vec<_>>()
            .join(" "),
    ]
    .join(" ");
    Some(EntryDoc {
        kind: SearchKind::Solution,
        id: row.id,
        slug: row.slug,
        name: row.name,
        short: row.short_description,
        tags,
        long: markdown_text(&row.long_description),
        english,
        categories: row.categories,
        licence: Some(row.licence),
        status: Some(row.development_status),
        domain: None,
        org_id: row.org_id,
        org,
        reuse_count: i64::from(row.reuse_count),
        created_at: row.created_at,
    })
}

struct DataModelRow {
    id: Uuid,
    slug: String,
    name: String,
    short_description: String,
    description: String,
    domain: String,
    licence: String,
    org_id: Uuid,
    org_slug: String,
    org_name: String,
    org_kind: String,
    org_bundesland: Option<String>,
    reuse_count: i32,
    created_at: DateTime<Utc>,
}

/// Visible data models of the selection, ordered by id.
pub async fn data_models(
    pool: &PgPool,
    selection: Selection<'_>,
) -> Result<Vec<EntryDoc>, sqlx::Error> {
    let (ids, after, limit) = selection.binds();
    let rows = sqlx::query_as!(
        DataModelRow,
        r#"
        select d.id as "id!", d.slug as "slug!", d.name as "name!",
               d.short_description as "short_description!", d.description as "description!",
               d.domain as "domain!", d.licence as "licence!",
               o.id as org_id, o.slug as org_slug, o.name as org_name, o.kind as org_kind,
               o.bundesland as org_bundesland, d.reuse_count as "reuse_count!",
               d.created_at as "created_at!"
        from visible_data_models d
        join organisations o on o.id = d.organisation_id
        where d.archived_at is null
          and ($1::uuid[] is null or d.id = any($1))
          and ($2::uuid is null or d.id > $2)
        order by d.id
        limit $3
        "#,
        ids.as_deref(),
        after,
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let org = org_ref(
                row.org_slug,
                row.org_name,
                &row.org_kind,
                row.org_bundesland,
            )
            .ok()?;
            let domain_label = app::model::Domain::parse(&row.domain)
                .map(|d| d.label(Lang::De))
                .unwrap_or_default();
            Some(EntryDoc {
                kind: SearchKind::DataModel,
                id: row.id,
                slug: row.slug,
                name: row.name,
                short: row.short_description,
                tags: vec![domain_label.to_owned()],
                long: markdown_text(&row.description),
                english: String::new(),
                categories: Vec::new(),
                licence: Some(row.licence),
                status: None,
                domain: Some(row.domain),
                org_id: row.org_id,
                org,
                reuse_count: i64::from(row.reuse_count),
                created_at: row.created_at,
            })
        })
        .collect())
}

struct OrganisationRow {
    id: Uuid,
    description: String,
    entries: i64,
    org_slug: String,
    org_name: String,
    org_kind: String,
    org_bundesland: Option<String>,
    created_at: DateTime<Utc>,
}

/// Visible organisations of the selection, ordered by id. Their "reuse count" is the
/// number of entries they publish.
pub async fn organisations(
    pool: &PgPool,
    selection: Selection<'_>,
) -> Result<Vec<EntryDoc>, sqlx::Error> {
    let (ids, after, limit) = selection.binds();
    let rows = sqlx::query_as!(
        OrganisationRow,
        r#"
        select o.id as "id!", o.description as "description!", o.slug as "org_slug!",
               o.name as "org_name!", o.kind as "org_kind!", o.bundesland as org_bundesland,
               o.created_at as "created_at!",
               (select count(*) from visible_solutions s where s.organisation_id = o.id and s.archived_at is null)
             + (select count(*) from visible_data_models d where d.organisation_id = o.id and d.archived_at is null)
               as "entries!"
        from visible_organisations o
        where ($1::uuid[] is null or o.id = any($1))
          and ($2::uuid is null or o.id > $2)
        order by o.id
        limit $3
        "#,
        ids.as_deref(),
        after,
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let org = org_ref(
                row.org_slug,
                row.org_name,
                &row.org_kind,
                row.org_bundesland,
            )
            .ok()?;
            Some(EntryDoc {
                kind: SearchKind::Organisation,
                id: row.id,
                slug: org.slug.clone(),
                name: org.name.clone(),
                short: org.kind.label(Lang::De).to_owned(),
                tags: org
                    .bundesland
                    .map(|b| vec![b.label(Lang::De).to_owned()])
                    .unwrap_or_default(),
                long: row.description,
                english: String::new(),
                categories: Vec::new(),
                licence: None,
                status: None,
                domain: None,
                org_id: row.id,
                org,
                reuse_count: row.entries,
                created_at: row.created_at,
            })
        })
        .collect())
}

/// Number of entries and organisations (visible or not; for progress display).
pub async fn count(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let n: i64 = sqlx::query_scalar!(
        r#"select (select count(*) from solutions) + (select count(*) from data_models) + (select count(*) from organisations) as "n!""#,
    )
    .fetch_one(pool)
    .await?;
    Ok(n.max(0) as u64)
}

/// Ids of the visible and invisible entries of an organisation (to refresh them when the
/// organisation's name or visibility changes).
pub async fn entries_of_organisation(
    pool: &PgPool,
    org: Uuid,
) -> Result<(Vec<Uuid>, Vec<Uuid>), sqlx::Error> {
    let solutions: Vec<Uuid> =
        sqlx::query_scalar!("select id from solutions where organisation_id = $1", org,)
            .fetch_all(pool)
            .await?;
    let models: Vec<Uuid> =
        sqlx::query_scalar!("select id from data_models where organisation_id = $1", org,)
            .fetch_all(pool)
            .await?;
    Ok((solutions, models))
}
