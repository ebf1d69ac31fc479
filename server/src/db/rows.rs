//! Row types shared by the queries, and their conversion into the app's types.
//! Text columns holding enumerations are parsed here; a value the app does not know means
//! the database and the code disagree, which is reported as corrupt data.

use app::model::*;
use app::service::CatalogueError;
use chrono::{DateTime, NaiveDate, Utc};

pub(crate) fn parse_enum<T>(
    value: &str,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> Result<T, CatalogueError> {
    parse(value).ok_or_else(|| CatalogueError::Corrupt(format!("unknown {what} {value:?}")))
}

pub(crate) fn parse_state(value: Option<&str>) -> Result<Option<Bundesland>, CatalogueError> {
    value
        .map(|v| parse_enum(v, Bundesland::parse, "Bundesland"))
        .transpose()
}

/// The organisation columns every entry query selects: `org_slug, org_name, org_kind, org_bundesland`.
#[derive(sqlx::FromRow)]
pub(crate) struct OrgCols {
    pub org_slug: String,
    pub org_name: String,
    pub org_kind: String,
    pub org_bundesland: Option<String>,
}

impl OrgCols {
    pub fn into_ref(self) -> Result<OrgRef, CatalogueError> {
        Ok(OrgRef {
            slug: self.org_slug,
            name: self.org_name,
            kind: parse_enum(&self.org_kind, OrgKind::parse, "organisation kind")?,
            bundesland: parse_state(self.org_bundesland.as_deref())?,
        })
    }
}

/// SQL selecting [`OrgCols`] from an `organisations` table aliased `o`.
pub(crate) const ORG_COLS: &str =
    "o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland";

/// A reference to another entry with its organisation.
#[derive(sqlx::FromRow)]
pub(crate) struct EntryRefRow {
    pub slug: String,
    pub name: String,
    #[sqlx(flatten)]
    pub org: OrgCols,
}

impl EntryRefRow {
    pub fn into_ref(self) -> Result<EntryRef, CatalogueError> {
        Ok(EntryRef {
            slug: self.slug,
            name: self.name,
            organisation: self.org.into_ref()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AdopterRow {
    pub status: String,
    pub since: NaiveDate,
    pub contact_name: Option<String>,
    pub note: String,
    pub org_size_class: Option<String>,
    #[sqlx(flatten)]
    pub org: OrgCols,
}

impl AdopterRow {
    pub fn into_adopter(self) -> Result<Adopter, CatalogueError> {
        Ok(Adopter {
            organisation: self.org.into_ref()?,
            size_class: self.org_size_class.as_deref().and_then(SizeClass::parse),
            status: parse_enum(&self.status, AdoptionStatus::parse, "adoption status")?,
            since: self.since,
            contact_name: self.contact_name,
            note: self.note,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LinkRow {
    pub relation: String,
    #[sqlx(flatten)]
    pub entry: EntryRefRow,
}

impl LinkRow {
    pub fn into_link(self) -> Result<LinkedEntry, CatalogueError> {
        Ok(LinkedEntry {
            relation: parse_enum(&self.relation, DataRelation::parse, "data relation")?,
            entry: self.entry.into_ref()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct SolutionCardRow {
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub licence: String,
    pub development_status: String,
    pub categories: Vec<String>,
    pub is_fork: bool,
    pub created_at: DateTime<Utc>,
    pub reuse_count: i32,
    #[sqlx(flatten)]
    pub org: OrgCols,
}

impl SolutionCardRow {
    pub fn into_card(self) -> Result<SolutionCard, CatalogueError> {
        Ok(SolutionCard {
            slug: self.slug,
            name: self.name,
            short_description: self.short_description,
            organisation: self.org.into_ref()?,
            licence: self.licence,
            development_status: parse_enum(
                &self.development_status,
                DevelopmentStatus::parse,
                "development status",
            )?,
            categories: self.categories,
            reuse_count: self.reuse_count,
            is_fork: self.is_fork,
            created_at: self.created_at,
        })
    }
}

/// Columns of [`SolutionCardRow`] from `solutions s`, `organisations o`, `solution_reuse r`.
pub(crate) const SOLUTION_CARD_COLS: &str = "s.slug, s.name, s.short_description, s.licence, s.development_status, \
     s.categories, s.forked_from is not null as is_fork, s.created_at, r.reuse_count, \
     o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland";

#[derive(sqlx::FromRow)]
pub(crate) struct DataModelCardRow {
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub domain: String,
    pub version: String,
    pub licence: String,
    pub is_fork: bool,
    pub created_at: DateTime<Utc>,
    pub reuse_count: i32,
    #[sqlx(flatten)]
    pub org: OrgCols,
}

impl DataModelCardRow {
    pub fn into_card(self) -> Result<DataModelCard, CatalogueError> {
        Ok(DataModelCard {
            slug: self.slug,
            name: self.name,
            short_description: self.short_description,
            organisation: self.org.into_ref()?,
            domain: parse_enum(&self.domain, Domain::parse, "domain")?,
            version: self.version,
            licence: self.licence,
            reuse_count: self.reuse_count,
            is_fork: self.is_fork,
            created_at: self.created_at,
        })
    }
}

/// Columns of [`DataModelCardRow`] from `data_models d`, `organisations o`, `data_model_reuse r`.
pub(crate) const DATA_MODEL_CARD_COLS: &str = "d.slug, d.name, d.short_description, d.domain, d.version, d.licence, \
     d.forked_from is not null as is_fork, d.created_at, r.reuse_count, \
     o.slug as org_slug, o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland";

pub(crate) fn collect<T, U>(
    rows: Vec<T>,
    f: impl Fn(T) -> Result<U, CatalogueError>,
) -> Result<Vec<U>, CatalogueError> {
    rows.into_iter().map(f).collect()
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProviderRow {
    pub services: Vec<String>,
    pub note: Option<String>,
    #[sqlx(flatten)]
    pub org: OrgCols,
}

impl ProviderRow {
    pub fn into_provider(self) -> Result<Provider, CatalogueError> {
        Ok(Provider {
            organisation: self.org.into_ref()?,
            services: self
                .services
                .iter()
                .filter_map(|s| ServiceKind::parse(s))
                .collect(),
            note: self.note.unwrap_or_default(),
        })
    }
}
