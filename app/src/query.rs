//! List queries (filters, sorting, paging) shared by the pages and the JSON API.
//! The same parameter names are used in page URLs and API URLs, so a filtered list can be
//! bookmarked, shared, and fetched as JSON.

use serde::{Deserialize, Serialize};

use crate::categories::is_category;
use crate::model::{Bundesland, DevelopmentStatus, Domain, OrgKind, SearchKind};

/// Default number of entries per page.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// Upper bound for `per_page`.
pub const MAX_PER_PAGE: u32 = 100;

/// Longest search text that is read (longer input is cut in pages, refused by the API).
pub const MAX_SEARCH_CHARS: usize = 200;
/// Most values one search filter may carry.
pub const MAX_FILTER_VALUES: usize = 20;
/// Deepest result a search pages to (page × per_page).
pub const MAX_SEARCH_DEPTH: u32 = 10_000;

/// How lists are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SortOrder {
    #[default]
    Newest,
    Name,
    Reused,
}

impl SortOrder {
    /// Value in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Newest => "newest",
            SortOrder::Name => "name",
            SortOrder::Reused => "reused",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value {
            "newest" => Some(SortOrder::Newest),
            "name" => Some(SortOrder::Name),
            "reused" => Some(SortOrder::Reused),
            _ => None,
        }
    }
}

/// A query parameter that could not be understood (API answers 400 with the message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Ungültiger Parameter „{name}“: {reason}")]
pub struct QueryError {
    pub name: String,
    pub reason: String,
}

fn invalid(name: &str, reason: impl Into<String>) -> QueryError {
    QueryError {
        name: name.to_owned(),
        reason: reason.into(),
    }
}

/// Filters and paging for the solution list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SolutionQuery {
    pub category: Option<String>,
    pub licence: Option<String>,
    pub status: Option<DevelopmentStatus>,
    pub org: Option<String>,
    pub state: Option<Bundesland>,
    pub sort: SortOrder,
    pub page: u32,
    pub per_page: u32,
}

/// Filters and paging for the data model list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DataModelQuery {
    pub domain: Option<Domain>,
    pub licence: Option<String>,
    pub org: Option<String>,
    pub state: Option<Bundesland>,
    pub sort: SortOrder,
    pub page: u32,
    pub per_page: u32,
}

/// Filters and paging for the organisation list (sorted by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct OrganisationQuery {
    pub kind: Option<OrgKind>,
    pub state: Option<Bundesland>,
    pub page: u32,
    pub per_page: u32,
}

/// Reads query parameters. In strict mode (API) the first bad value is an error; in
/// lenient mode (pages) bad values are ignored so that an edited URL still shows a list.
struct Params<'a> {
    pairs: &'a [(String, String)],
    strict: bool,
}

impl Params<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    fn parsed<T>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
        what: &str,
    ) -> Result<Option<T>, QueryError> {
        match self.get(name) {
            None => Ok(None),
            Some(raw) => match parse(raw) {
                Some(value) => Ok(Some(value)),
                None if self.strict => Err(invalid(name, format!("„{raw}“ ist {what}"))),
                None => Ok(None),
            },
        }
    }

    /// Every non-empty value of a repeatable parameter, parsed, without duplicates.
    fn all<T: PartialEq>(
        &self,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
        what: &str,
    ) -> Result<Vec<T>, QueryError> {
        let mut out = Vec::new();
        for (_, raw) in self
            .pairs
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
        {
            let raw = raw.trim();
            match parse(raw) {
                Some(value) if !out.contains(&value) => out.push(value),
                Some(_) => {}
                None if self.strict => return Err(invalid(name, format!("„{raw}“ ist {what}"))),
                None => {}
            }
        }
        if out.len() > MAX_FILTER_VALUES {
            if self.strict {
                return Err(invalid(
                    name,
                    format!("höchstens {MAX_FILTER_VALUES} Werte"),
                ));
            }
            out.truncate(MAX_FILTER_VALUES);
        }
        Ok(out)
    }

    fn text(&self, name: &str, max_len: usize) -> Result<Option<String>, QueryError> {
        self.parsed(
            name,
            |raw| (raw.chars().count() <= max_len).then(|| raw.to_owned()),
            "zu lang",
        )
    }

    fn slug(&self, name: &str) -> Result<Option<String>, QueryError> {
        self.parsed(
            name,
            |raw| crate::validation::is_slug(raw).then(|| raw.to_owned()),
            "kein gültiger Kurzname (nur a–z, 0–9 und Bindestriche)",
        )
    }

    fn paging(&self) -> Result<(u32, u32), QueryError> {
        let page = self
            .parsed(
                "page",
                |raw| {
                    raw.parse::<u32>()
                        .ok()
                        .filter(|p| (1..=100_000).contains(p))
                },
                "keine Seitenzahl zwischen 1 und 100000",
            )?
            .unwrap_or(1);
        let per_page = self
            .parsed(
                "per_page",
                |raw| {
                    raw.parse::<u32>()
                        .ok()
                        .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                },
                "keine Anzahl zwischen 1 und 100",
            )?
            .unwrap_or(DEFAULT_PER_PAGE);
        Ok((page, per_page))
    }

    fn sort(&self) -> Result<SortOrder, QueryError> {
        Ok(self
            .parsed(
                "sort",
                SortOrder::parse,
                "keine Sortierung (newest, name, reused)",
            )?
            .unwrap_or_default())
    }

    fn state(&self) -> Result<Option<Bundesland>, QueryError> {
        self.parsed(
            "state",
            Bundesland::parse,
            "kein Bundesland-Kürzel wie BW oder NW",
        )
    }
}

impl SolutionQuery {
    /// Parses URL query pairs; see [`Params`] for strict and lenient mode.
    pub fn from_pairs(pairs: &[(String, String)], strict: bool) -> Result<Self, QueryError> {
        let p = Params { pairs, strict };
        let (page, per_page) = p.paging()?;
        Ok(SolutionQuery {
            category: p.parsed(
                "category",
                |raw| is_category(raw).then(|| raw.to_owned()),
                "keine Kategorie aus publiccode.yml",
            )?,
            licence: p.text("licence", 200)?,
            status: p.parsed("status", DevelopmentStatus::parse, "kein Entwicklungsstand")?,
            org: p.slug("org")?,
            state: p.state()?,
            sort: p.sort()?,
            page,
            per_page,
        })
    }

    /// The query as URL pairs, omitting defaults, for links that keep the filters.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        push(&mut out, "category", self.category.clone());
        push(&mut out, "licence", self.licence.clone());
        push(
            &mut out,
            "status",
            self.status.map(|s| s.as_str().to_owned()),
        );
        push(&mut out, "org", self.org.clone());
        push(&mut out, "state", self.state.map(|s| s.as_str().to_owned()));
        push_common(&mut out, self.sort, self.page, self.per_page);
        out
    }

    /// Whether any filter is set.
    pub fn is_filtered(&self) -> bool {
        self.category.is_some()
            || self.licence.is_some()
            || self.status.is_some()
            || self.org.is_some()
            || self.state.is_some()
    }
}

impl DataModelQuery {
    /// Parses URL query pairs; see [`Params`] for strict and lenient mode.
    pub fn from_pairs(pairs: &[(String, String)], strict: bool) -> Result<Self, QueryError> {
        let p = Params { pairs, strict };
        let (page, per_page) = p.paging()?;
        Ok(DataModelQuery {
            domain: p.parsed("domain", Domain::parse, "kein Themenbereich")?,
            licence: p.text("licence", 200)?,
            org: p.slug("org")?,
            state: p.state()?,
            sort: p.sort()?,
            page,
            per_page,
        })
    }

    /// The query as URL pairs, omitting defaults.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        push(
            &mut out,
            "domain",
            self.domain.map(|d| d.as_str().to_owned()),
        );
        push(&mut out, "licence", self.licence.clone());
        push(&mut out, "org", self.org.clone());
        push(&mut out, "state", self.state.map(|s| s.as_str().to_owned()));
        push_common(&mut out, self.sort, self.page, self.per_page);
        out
    }

    /// Whether any filter is set.
    pub fn is_filtered(&self) -> bool {
        self.domain.is_some()
            || self.licence.is_some()
            || self.org.is_some()
            || self.state.is_some()
    }
}

impl OrganisationQuery {
    /// Parses URL query pairs; see [`Params`] for strict and lenient mode.
    pub fn from_pairs(pairs: &[(String, String)], strict: bool) -> Result<Self, QueryError> {
        let p = Params { pairs, strict };
        let (page, per_page) = p.paging()?;
        Ok(OrganisationQuery {
            kind: p.parsed("kind", OrgKind::parse, "keine Art von Organisation")?,
            state: p.state()?,
            page,
            per_page,
        })
    }

    /// The query as URL pairs, omitting defaults.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        push(&mut out, "kind", self.kind.map(|k| k.as_str().to_owned()));
        push(&mut out, "state", self.state.map(|s| s.as_str().to_owned()));
        push_common(&mut out, SortOrder::default(), self.page, self.per_page);
        out
    }

    /// Whether any filter is set.
    pub fn is_filtered(&self) -> bool {
        self.kind.is_some() || self.state.is_some()
    }
}

/// How search results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SearchSort {
    /// Best match first (the default).
    #[default]
    Relevance,
    /// Most recently changed first.
    Newest,
    /// Most reused first.
    Reused,
}

impl SearchSort {
    /// Every order, in display order.
    pub const ALL: &'static [SearchSort] = &[
        SearchSort::Relevance,
        SearchSort::Newest,
        SearchSort::Reused,
    ];

    /// Value in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchSort::Relevance => "relevance",
            SearchSort::Newest => "newest",
            SearchSort::Reused => "reused",
        }
    }

    /// Parses the URL value.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.as_str() == value)
    }
}

/// A catalogue search: text, filters (each repeatable; values of one filter are
/// alternatives, different filters must all hold), order and page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SearchQuery {
    pub text: String,
    pub kinds: Vec<SearchKind>,
    pub categories: Vec<String>,
    pub licences: Vec<String>,
    pub statuses: Vec<DevelopmentStatus>,
    pub orgs: Vec<String>,
    pub states: Vec<Bundesland>,
    pub domains: Vec<Domain>,
    pub sort: SearchSort,
    pub page: u32,
    pub per_page: u32,
}

impl SearchQuery {
    /// A first-page query for `text` without filters.
    pub fn text(text: &str) -> Self {
        SearchQuery {
            text: text.to_owned(),
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            ..Default::default()
        }
    }

    /// Parses URL query pairs (`q`, `kind`, `category`, `licence`, `status`, `org`, `state`,
    /// `domain`, `sort`, `page`, `per_page`); see [`Params`] for strict and lenient mode.
    pub fn from_pairs(pairs: &[(String, String)], strict: bool) -> Result<Self, QueryError> {
        let p = Params { pairs, strict };
        let (page, per_page) = p.paging()?;
        let text = match p.get("q") {
            Some(raw) if raw.chars().count() > MAX_SEARCH_CHARS && strict => {
                return Err(invalid(
                    "q",
                    format!("ist länger als {MAX_SEARCH_CHARS} Zeichen"),
                ));
            }
            Some(raw) => raw.chars().take(MAX_SEARCH_CHARS).collect(),
            None => String::new(),
        };
        if page.saturating_mul(per_page) > MAX_SEARCH_DEPTH + per_page && strict {
            return Err(invalid(
                "page",
                format!("reicht über die ersten {MAX_SEARCH_DEPTH} Treffer hinaus"),
            ));
        }
        let page = page.min(MAX_SEARCH_DEPTH / per_page.max(1) + 1);
        Ok(SearchQuery {
            text,
            kinds: p.all(
                "kind",
                SearchKind::parse,
                "keine Art (solution, data_model, organisation)",
            )?,
            categories: p.all(
                "category",
                |raw| is_category(raw).then(|| raw.to_owned()),
                "keine Kategorie aus publiccode.yml",
            )?,
            licences: p.all(
                "licence",
                |raw| (raw.chars().count() <= 200).then(|| raw.to_owned()),
                "zu lang",
            )?,
            statuses: p.all("status", DevelopmentStatus::parse, "kein Entwicklungsstand")?,
            orgs: p.all(
                "org",
                |raw| crate::validation::is_slug(raw).then(|| raw.to_owned()),
                "kein gültiger Kurzname",
            )?,
            states: p.all(
                "state",
                Bundesland::parse,
                "kein Bundesland-Kürzel wie BW oder NW",
            )?,
            domains: p.all("domain", Domain::parse, "kein Themenbereich")?,
            sort: p
                .parsed(
                    "sort",
                    SearchSort::parse,
                    "keine Sortierung (relevance, newest, reused)",
                )?
                .unwrap_or_default(),
            page,
            per_page,
        })
    }

    /// The query within the limits `from_pairs` enforces (for queries that arrive by other
    /// ways, such as a server function call).
    pub fn within_limits(mut self) -> Self {
        self.text = self.text.trim().chars().take(MAX_SEARCH_CHARS).collect();
        self.per_page = self.per_page.clamp(1, MAX_PER_PAGE);
        self.page = self.page.clamp(1, MAX_SEARCH_DEPTH / self.per_page + 1);
        self.kinds.truncate(MAX_FILTER_VALUES);
        self.categories.truncate(MAX_FILTER_VALUES);
        self.licences.truncate(MAX_FILTER_VALUES);
        self.statuses.truncate(MAX_FILTER_VALUES);
        self.orgs.truncate(MAX_FILTER_VALUES);
        self.states.truncate(MAX_FILTER_VALUES);
        self.domains.truncate(MAX_FILTER_VALUES);
        self
    }

    /// The filters as URL pairs (without text, order and page).
    pub fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        out.extend(self.kinds.iter().map(|v| ("kind", v.as_str().to_owned())));
        out.extend(self.categories.iter().map(|v| ("category", v.clone())));
        out.extend(self.licences.iter().map(|v| ("licence", v.clone())));
        out.extend(
            self.statuses
                .iter()
                .map(|v| ("status", v.as_str().to_owned())),
        );
        out.extend(self.orgs.iter().map(|v| ("org", v.clone())));
        out.extend(self.states.iter().map(|v| ("state", v.as_str().to_owned())));
        out.extend(
            self.domains
                .iter()
                .map(|v| ("domain", v.as_str().to_owned())),
        );
        out
    }

    /// The whole query as URL pairs, omitting defaults and the page.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !self.text.is_empty() {
            out.push(("q", self.text.clone()));
        }
        out.extend(self.filter_pairs());
        if self.sort != SearchSort::default() {
            out.push(("sort", self.sort.as_str().to_owned()));
        }
        if self.per_page != DEFAULT_PER_PAGE {
            out.push(("per_page", self.per_page.to_string()));
        }
        out
    }

    /// Whether any filter is set.
    pub fn is_filtered(&self) -> bool {
        !self.filter_pairs().is_empty()
    }
}

fn push(out: &mut Vec<(&'static str, String)>, name: &'static str, value: Option<String>) {
    if let Some(value) = value {
        out.push((name, value));
    }
}

fn push_common(out: &mut Vec<(&'static str, String)>, sort: SortOrder, page: u32, per_page: u32) {
    if sort != SortOrder::default() {
        out.push(("sort", sort.as_str().to_owned()));
    }
    if page > 1 {
        out.push(("page", page.to_string()));
    }
    if per_page != DEFAULT_PER_PAGE && per_page != 0 {
        out.push(("per_page", per_page.to_string()));
    }
}

/// Builds `path?a=1&b=2` with percent-encoded values.
pub fn url_with_query(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return path.to_owned();
    }
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// Percent-encodes a URL query component (RFC 3986 unreserved characters stay).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_full_solution_query_round_trips_through_the_url() {
        let q = SolutionQuery::from_pairs(
            &pairs(&[
                ("category", "time-tracking"),
                ("status", "stable"),
                ("state", "BW"),
                ("sort", "reused"),
                ("page", "2"),
            ]),
            true,
        )
        .unwrap();
        assert_eq!(q.status, Some(DevelopmentStatus::Stable));
        assert_eq!(q.state, Some(Bundesland::BW));
        let url = url_with_query("/loesungen", &q.to_pairs());
        assert_eq!(
            url,
            "/loesungen?category=time-tracking&status=stable&state=BW&sort=reused&page=2"
        );
    }

    #[test]
    fn search_filters_repeat_and_round_trip() {
        let q = SearchQuery::from_pairs(
            &pairs(&[
                ("q", " Abfall "),
                ("state", "BY"),
                ("state", "BW"),
                ("state", "BY"),
                ("kind", "solution"),
                ("sort", "reused"),
            ]),
            true,
        )
        .unwrap();
        assert_eq!(q.text, "Abfall");
        assert_eq!(
            q.states,
            [Bundesland::BY, Bundesland::BW],
            "duplicates dropped, order kept"
        );
        assert_eq!(q.kinds, [SearchKind::Solution]);
        assert_eq!(q.sort, SearchSort::Reused);
        assert_eq!(
            url_with_query("/suche", &q.to_pairs()),
            "/suche?q=Abfall&kind=solution&state=BY&state=BW&sort=reused"
        );
        assert!(q.is_filtered());
    }

    #[test]
    fn search_parameters_are_checked_in_strict_mode_and_dropped_in_pages() {
        for (name, value) in [
            ("kind", "app"),
            ("category", "gibt-es-nicht"),
            ("sort", "name"),
            ("state", "XX"),
            ("org", "Stadt Ulm"),
        ] {
            let err = SearchQuery::from_pairs(&pairs(&[(name, value)]), true).unwrap_err();
            assert_eq!(err.name, name);
            let lenient = SearchQuery::from_pairs(&pairs(&[(name, value)]), false).unwrap();
            assert!(
                !lenient.is_filtered() && lenient.sort == SearchSort::Relevance,
                "{name}"
            );
        }
        let long = "a".repeat(MAX_SEARCH_CHARS + 1);
        assert!(SearchQuery::from_pairs(&pairs(&[("q", &long)]), true).is_err());
        assert_eq!(
            SearchQuery::from_pairs(&pairs(&[("q", &long)]), false)
                .unwrap()
                .text
                .chars()
                .count(),
            MAX_SEARCH_CHARS
        );
        let deep = SearchQuery::from_pairs(&pairs(&[("page", "600")]), true).unwrap_err();
        assert_eq!(deep.name, "page");
        assert_eq!(
            SearchQuery::from_pairs(&pairs(&[("page", "600")]), false)
                .unwrap()
                .page,
            501
        );
    }

    #[test]
    fn strict_mode_names_the_bad_parameter() {
        let err = SolutionQuery::from_pairs(&pairs(&[("status", "fertig")]), true).unwrap_err();
        assert_eq!(err.name, "status");
        assert!(err.to_string().contains("fertig"));
        let err = SolutionQuery::from_pairs(&pairs(&[("per_page", "1000")]), true).unwrap_err();
        assert_eq!(err.name, "per_page");
    }

    #[test]
    fn lenient_mode_ignores_bad_values() {
        let q = SolutionQuery::from_pairs(
            &pairs(&[
                ("status", "fertig"),
                ("page", "-3"),
                ("org", "Nicht Gültig"),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(
            q,
            SolutionQuery {
                page: 1,
                per_page: DEFAULT_PER_PAGE,
                ..Default::default()
            }
        );
    }

    #[test]
    fn empty_values_mean_no_filter() {
        let q =
            DataModelQuery::from_pairs(&pairs(&[("domain", ""), ("licence", "  ")]), true).unwrap();
        assert!(!q.is_filtered());
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_component("EUPL-1.2 OR MIT"), "EUPL-1.2%20OR%20MIT");
        assert_eq!(encode_component("Straße"), "Stra%C3%9Fe");
    }
}

/// Splits a raw query string (`a=1&b=x%20y`) into decoded pairs; `+` means space.
pub fn parse_query_string(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn decode_component(value: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod decode_tests {
    use super::*;

    #[test]
    fn query_strings_are_decoded() {
        let pairs = parse_query_string("?q=Stra%C3%9Fe+und+Weg&state=BW&empty=&bad=%zz&tail=%4");
        assert_eq!(pairs[0], ("q".into(), "Straße und Weg".into()));
        assert_eq!(pairs[1], ("state".into(), "BW".into()));
        assert_eq!(pairs[2], ("empty".into(), "".into()));
        assert_eq!(pairs[3], ("bad".into(), "%zz".into()));
        assert_eq!(pairs[4], ("tail".into(), "%4".into()));
    }
}
