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

text_enum!(
    /// A person's role in an organisation: admins also manage members and API tokens.
    Role {
        Admin = "admin", "Administration", "Administrator";
        Member = "member", "Mitglied", "Member";
    }
);

text_enum!(
    /// A service an organisation offers for a solution ("Wer kann das betreiben?").
    ServiceKind {
        Hosting = "hosting", "Betrieb und Hosting", "Operation and hosting";
        Support = "support", "Support", "Support";
        Development = "development", "Weiterentwicklung", "Further development";
    }
);

/// An organisation offering services for a solution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Provider {
    pub organisation: OrgRef,
    pub services: Vec<ServiceKind>,
    pub note: String,
}

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
    /// Population size class of the adopting organisation ("Kommunen wie meine").
    pub size_class: Option<SizeClass>,
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
    /// Who offers hosting, support or development ("Wer kann das betreiben?").
    pub providers: Vec<Provider>,
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

text_enum!(
    /// What a search hit is.
    SearchKind {
        Solution = "solution", "Lösung", "Solution";
        DataModel = "data_model", "Datenmodell", "Data model";
        Organisation = "organisation", "Organisation", "Organisation";
    }
);

impl SearchKind {
    /// The page path of an entry of this kind.
    pub fn path(self, slug: &str) -> String {
        match self {
            SearchKind::Solution => format!("/loesungen/{slug}"),
            SearchKind::DataModel => format!("/datenmodelle/{slug}"),
            SearchKind::Organisation => format!("/organisationen/{slug}"),
        }
    }
}

/// A passage of an entry's text with the words that matched the query marked.
/// Ranges are in characters (Unicode scalar values) of `text`, sorted and disjoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<[u32; 2]>,
}

impl Snippet {
    /// The text cut into pieces, each with whether it is highlighted (for rendering as
    /// escaped text with `<mark>` around the matches).
    pub fn segments(&self) -> Vec<(String, bool)> {
        let chars: Vec<char> = self.text.chars().collect();
        let mut out = Vec::new();
        let mut at = 0usize;
        for [from, to] in &self.highlights {
            let (from, to) = (
                (*from as usize).min(chars.len()),
                (*to as usize).min(chars.len()),
            );
            if from < at || to <= from {
                continue;
            }
            if from > at {
                out.push((chars[at..from].iter().collect(), false));
            }
            out.push((chars[from..to].iter().collect(), true));
            at = to;
        }
        if at < chars.len() {
            out.push((chars[at..].iter().collect(), false));
        }
        out
    }
}

/// One hit of the catalogue search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub kind: SearchKind,
    pub slug: String,
    pub name: String,
    pub short_description: String,
    /// The publishing organisation (absent when the hit is an organisation).
    pub organisation: Option<OrgRef>,
    /// A passage of the description with the matched words marked; empty if none matched.
    pub snippet: Snippet,
    /// Distinct organisations that forked or adopted the entry.
    pub reuse_count: i64,
    /// Relevance score (higher is better; 0 when sorted by another order).
    pub score: f32,
}

/// One value of a facet with the number of hits carrying it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FacetValue {
    /// The filter value (as used in the query parameter).
    pub value: String,
    /// Display name where the value is an identifier (organisation names).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub count: u64,
    /// Whether this value is among the active filters.
    pub selected: bool,
}

/// Counts per facet. A facet's counts apply every filter except its own, so that
/// checking another value of the same facet widens the result as the count says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchFacets {
    pub kind: Vec<FacetValue>,
    pub category: Vec<FacetValue>,
    pub licence: Vec<FacetValue>,
    pub status: Vec<FacetValue>,
    pub org: Vec<FacetValue>,
    pub state: Vec<FacetValue>,
    pub domain: Vec<FacetValue>,
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// Hits over all pages.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub hits: Vec<SearchHit>,
    pub facets: SearchFacets,
    /// "Meinten Sie …?": a corrected query that finds something when this one finds nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
}

impl SearchResults {
    /// Number of pages (at least 1).
    pub fn page_count(&self) -> u32 {
        let per_page = u64::from(self.per_page.max(1));
        self.total.div_ceil(per_page).clamp(1, u64::from(u32::MAX)) as u32
    }
}

/// A completion for the search box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// The text to put in the search box.
    pub text: String,
    /// Where it comes from: the name of an entry, or a frequent word.
    pub source: SuggestionSource,
    /// For names: the entry's kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<SearchKind>,
}

/// The origin of a [`Suggestion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuggestionSource {
    Name,
    Term,
}
