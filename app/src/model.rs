//! Types that cross the wire between server and pages: catalogue entries, their
//! enumerations (with German and English labels) and list queries.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// Declares a closed enumeration stored as text in PostgreSQL, with its wire value
/// (identical to the database value) and German/English labels.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal, $de:literal, $en:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        pub enum $name {
            $(#[serde(rename = $value)] $variant,)+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The value as stored in the database and used in URLs and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value,)+ }
            }

            /// Parses the stored/URL value; `None` for anything else.
            pub fn parse(value: &str) -> Option<Self> {
                match value { $($value => Some($name::$variant),)+ _ => None }
            }

            /// Human-readable label in the given language.
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, Lang::De) => $de, ($name::$variant, Lang::En) => $en,)+
                }
            }
        }
    };
}

text_enum!(
    /// The kind of public body.
    OrgKind {
        Gemeinde = "gemeinde", "Gemeinde", "Municipality";
        Stadt = "stadt", "Stadt", "City";
        Landkreis = "landkreis", "Landkreis", "District";
        Land = "land", "Land", "Federal state";
        Bund = "bund", "Bund", "Federal body";
        Zweckverband = "zweckverband", "Zweckverband", "Municipal association";
        Stadtwerk = "stadtwerk", "Stadtwerk", "Municipal utility";
        ItDienstleister = "it_dienstleister", "Kommunaler IT-Dienstleister", "Public IT service provider";
        Verein = "verein", "Verein", "Association";
    }
);

text_enum!(
    /// German federal states by ISO 3166-2:DE code (without "DE-").
    Bundesland {
        BW = "BW", "Baden-Württemberg", "Baden-Württemberg";
        BY = "BY", "Bayern", "Bavaria";
        BE = "BE", "Berlin", "Berlin";
        BB = "BB", "Brandenburg", "Brandenburg";
        HB = "HB", "Bremen", "Bremen";
        HH = "HH", "Hamburg", "Hamburg";
        HE = "HE", "Hessen", "Hesse";
        MV = "MV", "Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania";
        NI = "NI", "Niedersachsen", "Lower Saxony";
        NW = "NW", "Nordrhein-Westfalen", "North Rhine-Westphalia";
        RP = "RP", "Rheinland-Pfalz", "Rhineland-Palatinate";
        SL = "SL", "Saarland", "Saarland";
        SN = "SN", "Sachsen", "Saxony";
        ST = "ST", "Sachsen-Anhalt", "Saxony-Anhalt";
        SH = "SH", "Schleswig-Holstein", "Schleswig-Holstein";
        TH = "TH", "Thüringen", "Thuringia";
    }
);

text_enum!(
    /// Population size class of a territorial body.
    SizeClass {
        Unter5000 = "unter_5000", "unter 5.000 Einwohner", "under 5,000 inhabitants";
        Bis20000 = "5000_bis_20000", "5.000 bis 20.000 Einwohner", "5,000 to 20,000 inhabitants";
        Bis100000 = "20000_bis_100000", "20.000 bis 100.000 Einwohner", "20,000 to 100,000 inhabitants";
        Bis500000 = "100000_bis_500000", "100.000 bis 500.000 Einwohner", "100,000 to 500,000 inhabitants";
        Ueber500000 = "ueber_500000", "über 500.000 Einwohner", "over 500,000 inhabitants";
    }
);

text_enum!(
    /// publiccode.yml `developmentStatus`.
    DevelopmentStatus {
        Concept = "concept", "Konzept", "Concept";
        Development = "development", "In Entwicklung", "In development";
        Beta = "beta", "Beta", "Beta";
        Stable = "stable", "Stabil", "Stable";
        Obsolete = "obsolete", "Veraltet", "Obsolete";
    }
);

text_enum!(
    /// publiccode.yml `softwareType`.
    SoftwareType {
        StandaloneWeb = "standalone/web", "Webanwendung", "Web application";
        StandaloneMobile = "standalone/mobile", "Mobile App", "Mobile app";
        StandaloneDesktop = "standalone/desktop", "Desktop-Anwendung", "Desktop application";
        StandaloneBackend = "standalone/backend", "Backend-Dienst", "Backend service";
        StandaloneIot = "standalone/iot", "IoT-Anwendung", "IoT application";
        StandaloneOther = "standalone/other", "Eigenständige Software", "Standalone software";
        Addon = "addon", "Erweiterung (Add-on)", "Add-on";
        Library = "library", "Programmbibliothek", "Library";
        ConfigurationFiles = "configurationFiles", "Konfigurationsdateien", "Configuration files";
    }
);

text_enum!(
    /// publiccode.yml `maintenance.type`.
    MaintenanceType {
        Internal = "internal", "Eigene Pflege", "Maintained internally";
        Contract = "contract", "Pflege per Vertrag", "Maintained under contract";
        Community = "community", "Pflege durch die Community", "Maintained by the community";
        None = "none", "Keine Pflege", "Not maintained";
    }
);

text_enum!(
    /// Subject area of a data model.
    Domain {
        Mobilitaet = "mobilitaet", "Mobilität", "Mobility";
        Umwelt = "umwelt", "Umwelt", "Environment";
        Energie = "energie", "Energie", "Energy";
        Verwaltung = "verwaltung", "Verwaltung", "Administration";
        Soziales = "soziales", "Soziales", "Social affairs";
        Bildung = "bildung", "Bildung", "Education";
        Gesundheit = "gesundheit", "Gesundheit", "Health";
        BauenWohnen = "bauen_wohnen", "Bauen und Wohnen", "Building and housing";
        Geodaten = "geodaten", "Geodaten", "Geodata";
        Finanzen = "finanzen", "Finanzen", "Finance";
        KulturFreizeit = "kultur_freizeit", "Kultur und Freizeit", "Culture and leisure";
        SicherheitOrdnung = "sicherheit_ordnung", "Sicherheit und Ordnung", "Public safety";
        Wirtschaft = "wirtschaft", "Wirtschaft", "Economy";
    }
);

text_enum!(
    /// How far an organisation has got with using an entry.
    AdoptionStatus {
        Evaluating = "evaluating", "Evaluierung", "Evaluating";
        Pilot = "pilot", "Pilotbetrieb", "Pilot";
        Production = "production", "Produktivbetrieb", "In production";
    }
);

text_enum!(
    /// Whether a solution writes or reads a data model.
    DataRelation {
        Produces = "produces", "erzeugt Daten nach", "produces";
        Consumes = "consumes", "verarbeitet Daten nach", "consumes";
    }
);

/// A short reference to an organisation, as shown beside entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgRef {
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub bundesland: Option<Bundesland>,
}

/// A solution as shown in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SolutionCard {
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub organisation: OrgRef,
    pub licence: String,
    pub development_status: DevelopmentStatus,
    pub categories: Vec<String>,
    /// Distinct other organisations that forked or adopted it.
    pub reuse_count: i32,
    pub is_fork: bool,
    pub created_at: DateTime<Utc>,
}

/// A data model as shown in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DataModelCard {
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub organisation: OrgRef,
    pub domain: Domain,
    pub version: String,
    pub licence: String,
    pub reuse_count: i32,
    pub is_fork: bool,
    pub created_at: DateTime<Utc>,
}

/// An organisation as shown in lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganisationCard {
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub bundesland: Option<Bundesland>,
    pub ags: Option<String>,
    pub size_class: Option<SizeClass>,
    pub solution_count: i64,
    pub data_model_count: i64,
    pub adoption_count: i64,
}

/// Markdown rendered to HTML and sanitised. Only [`crate::markdown::render`] builds one on
/// the server; the value is then trusted when it reaches the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct SanitizedHtml(pub(crate) String);

impl SanitizedHtml {
    /// The sanitised HTML.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A company or public IT service provider maintaining a solution under contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contractor {
    pub name: String,
    pub until: Option<NaiveDate>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
}

/// A person or team to contact about a solution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub affiliation: Option<String>,
}

/// A reference to another entry (fork origin, fork, linked model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EntryRef {
    pub slug: String,
    pub name: String,
    pub organisation: OrgRef,
}

/// An organisation's declaration that it uses an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Adopter {
    pub organisation: OrgRef,
    pub status: AdoptionStatus,
    pub since: NaiveDate,
    pub contact_name: Option<String>,
    pub note: String,
}

/// A data model linked to a solution, or a solution linked to a data model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LinkedEntry {
    pub entry: EntryRef,
    pub relation: DataRelation,
}

/// Everything about one solution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SolutionDetail {
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub short_description_en: Option<String>,
    pub long_description: String,
    pub long_description_html: SanitizedHtml,
    pub long_description_en: Option<String>,
    pub long_description_en_html: Option<SanitizedHtml>,
    pub organisation: OrgRef,
    pub repository_url: String,
    pub landing_url: Option<String>,
    pub licence: String,
    pub development_status: DevelopmentStatus,
    pub software_type: SoftwareType,
    pub categories: Vec<String>,
    pub platforms: Vec<String>,
    pub maintenance_type: MaintenanceType,
    pub contractors: Vec<Contractor>,
    pub contacts: Vec<Contact>,
    pub version: Option<String>,
    pub release_date: Option<NaiveDate>,
    pub tags: Vec<String>,
    pub features: Vec<String>,
    pub forked_from: Option<EntryRef>,
    pub forks: Vec<EntryRef>,
    pub adopters: Vec<Adopter>,
    pub data_models: Vec<LinkedEntry>,
    pub reuse_count: i32,
    pub revision_count: i64,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One property of a JSON Schema, flattened for the readable table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SchemaProperty {
    /// Dotted path, `[]` marking array items: `adresse.strasse`, `messwerte[].wert`.
    pub path: String,
    /// Nesting depth (0 for top-level properties).
    pub depth: usize,
    /// Type as written in the schema, e.g. `string (date-time)` or `integer | null`.
    pub type_label: String,
    pub required: bool,
    pub description: Option<String>,
    /// Allowed values of an `enum`, rendered as JSON.
    pub allowed_values: Vec<String>,
}

/// Everything about one data model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DataModelDetail {
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub description: String,
    pub description_html: SanitizedHtml,
    pub organisation: OrgRef,
    pub domain: Domain,
    pub version: String,
    pub licence: String,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub json_schema: serde_json::Value,
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Object>))]
    pub examples: Vec<serde_json::Value>,
    pub properties: Vec<SchemaProperty>,
    pub forked_from: Option<EntryRef>,
    pub forks: Vec<EntryRef>,
    pub adopters: Vec<Adopter>,
    pub used_by: Vec<LinkedEntry>,
    pub reuse_count: i32,
    pub revision_count: i64,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an organisation uses, as listed on its page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrgAdoption {
    pub kind: EntryKind,
    pub entry: EntryRef,
    pub status: AdoptionStatus,
    pub since: NaiveDate,
}

text_enum!(
    /// The kinds of catalogue entries.
    EntryKind {
        Solution = "solution", "Lösung", "Solution";
        DataModel = "data_model", "Datenmodell", "Data model";
    }
);

/// Everything about one organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganisationDetail {
    pub slug: String,
    pub name: String,
    pub kind: OrgKind,
    pub bundesland: Option<Bundesland>,
    pub ags: Option<String>,
    pub size_class: Option<SizeClass>,
    pub website: Option<String>,
    pub contact_email: Option<String>,
    pub description: String,
    pub solutions: Vec<SolutionCard>,
    pub data_models: Vec<DataModelCard>,
    pub adoptions: Vec<OrgAdoption>,
}

/// Counts shown on the start page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CatalogueStats {
    pub solutions: i64,
    pub data_models: i64,
    pub organisations: i64,
    pub adoptions: i64,
    pub forks: i64,
}

/// One page of a longer list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Matching entries over all pages.
    pub total: i64,
    /// 1-based page number.
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    /// Number of pages (at least 1).
    pub fn page_count(&self) -> u32 {
        let per_page = i64::from(self.per_page.max(1));
        ((self.total + per_page - 1) / per_page).max(1) as u32
    }
}

/// Values the list filters can offer, each with how many entries carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct FilterOptions {
    pub categories: Vec<(String, i64)>,
    pub licences: Vec<(String, i64)>,
    pub organisations: Vec<(String, String, i64)>,
    pub bundeslaender: Vec<(Bundesland, i64)>,
    pub domains: Vec<(Domain, i64)>,
}

/// A hit of the simple catalogue search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub kind: EntryKind,
    pub slug: String,
    pub name: String,
    pub short_description: String,
    pub organisation: OrgRef,
    pub reuse_count: i32,
}
