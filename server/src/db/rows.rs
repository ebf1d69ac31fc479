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

/// The organisation of an entry row: every entry query selects `o.slug as org_slug,
/// o.name as org_name, o.kind as org_kind, o.bundesland as org_bundesland` into flat fields
/// of its row (the query macros fill flat structs only).
pub(crate) fn org_ref(
    slug: String,
    name: String,
    kind: &str,
    bundesland: Option<String>,
) -> Result<OrgRef, CatalogueError> {
    Ok(OrgRef {
        slug,
        name,
        kind: parse_enum(kind, OrgKind::parse, "organisation kind")?,
        bundesland: parse_state(bundesland.as_deref())?,
    })
}

/// A reference to another entry with its organisation.
pub(crate) struct EntryRefRow {
    pub slug: String,
    pub name: String,
    pub org_slug: String,
    pub org_name: String,
    pub org_kind: String,
    pub org_bundesland: Option<String>,
}

impl EntryRefRow {
    pub fn into_ref(self) -> Result<EntryRef, CatalogueError> {
        Ok(EntryRef {
            slug: self.slug,
            name: self.name,
            organisation: org_ref(
                self.org_slug,
                self.org_name,
                &self.org_kind,
                self.org_bundesland,
            )?,
        })
    }
}

pub(crate) struct AdopterRow {
    pub status: String,
    pub since: NaiveDate,
    pub contact_name: Option<String>,
    pub note: String,
    pub org_size_class: Option<String>,
    pub org_slug: String,
    pub org_name: String,
    pub org_kind: String,
    pub org_bundesland: Option<String>,
}

impl AdopterRow {
    pub fn into_adopter(self) -> Result<Adopter, CatalogueError> {
        Ok(Adopter {
            organisation: org_ref(
                self.org_slug,
                self.org_name,
                &self.org_kind,
                self.org_bundesland,
            )?,
            size_class: self.org_size_class.as_deref().and_then(SizeClass::parse),
            status: parse_enum(&self.status, AdoptionStatus::parse, "adoption status")?,
            since: self.since,
            contact_name: self.contact_name,
            note: self.note,
        })
    }
}

pub(crate) struct LinkRow {
    pub relation: String,
    pub slug: String,
    pub name: String,
    pub org_slug: String,
    pub org_name: String,
    pub org_kind: String,
    pub org_bundesland: Option<String>,
}

impl LinkRow {
    pub fn into_link(self) -> Result<LinkedEntry, CatalogueError> {
        Ok(LinkedEntry {
            relation: parse_enum(&self.relation, DataRelation::parse, "data relation")?,
            entry: EntryRef {
                slug: self.slug,
                name: self.name,
                organisation: org_ref(
                    self.org_slug,
                    self.org_name,
                    &self.org_kind,
                    self.org_bundesland,
                )?,
            },
        })
    }
}

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
    pub org_slug: String,
    pub org_name: String,
    pub org_kind: String,
    pub org_bundesland: Option<String>,
}

impl SolutionCardRow {
    pub fn into_card(self) -> Result<SolutionCard, CatalogueError> {
        Ok(SolutionCard {
            slug: self.slug,
            name: self.name,
            short_description: self.short_description,
            organisation: org_ref(
                self.org_slug,
                self.org_name,
                &self.org_kind,
                self.org_bundesland,
            )?,
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
    pub org_slug: String,
    pub org_name: String,
    pub org_kind: String,
    pub org_bundesland: Option<String>,
}

impl DataModelCardRow {
    pub fn into_card(self) -> Result<DataModelCard, CatalogueError> {
        Ok(DataModelCard {
            slug: self.slug,
            name: self.name,
            short_description: self.short_description,
            organisation: org_ref(
                self.org_slug,
                self.org_name,
                &self.org_kind,
                self.org_bundesland,
            )?,
            domain: parse_enum(&self.domain, Domain::parse, "domain")?,
            version: self.version,
            licence: self.licence,
            reuse_count: self.reuse_count,
            is_fork: self.is_fork,
            created_at: self.created_at,
        })
    }
}

pub(crate) fn collect<T, U>(
    rows: Vec<T>,
    f: impl Fn(T) -> Result<U, CatalogueError>,
) -> Result<Vec<U>, CatalogueError> {
    rows.into_iter().map(f).collect()
}

pub(crate) struct ProviderRow {
    pub services: Vec<String>,
    pub note: Option<String>,
    pub org_slug: String,
    pub org_name: String,
    pub org_kind: String,
    pub org_bundesland: Option<String>,
}

impl ProviderRow {
    pub fn into_provider(self) -> Result<Provider, CatalogueError> {
        Ok(Provider {
            organisation: org_ref(
                self.org_slug,
                self.org_name,
                &self.org_kind,
                self.org_bundesland,
            )?,
            services: self
                .services
                .iter()
                .filter_map(|s| ServiceKind::parse(s))
                .collect(),
            note: self.note.unwrap_or_default(),
        })
    }
}
