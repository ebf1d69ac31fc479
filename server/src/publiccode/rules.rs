//! The rules of publiccode.yml 0.2–0.7 as the reference validator applies them without
//! network access, walking the positioned YAML tree and collecting every error and warning
//! with its key path in the reference notation (`description.en.shortDescription`,
//! `maintenance.contractors[0].until`, `categories[0]`).

use unicode_segmentation::UnicodeSegmentation;

use super::formats::{
    is_bcp47, is_date, is_email, is_http_url, is_mime_type, is_organisation_uri,
    is_spdx_expression, is_supports_id, is_url,
};
use super::model::{Contact, Contractor, Description, Organisation, Publiccode};
use super::vocab;
use super::yaml::{Key, Node, Value};
use super::{Issue, Severity};

type Entries = [(Key, Node)];

const TOP_LEVEL_KEYS: &[&str] = &[
    "publiccodeYmlVersion",
    "name",
    "applicationSuite",
    "url",
    "landingURL",
    "isBasedOn",
    "softwareVersion",
    "releaseDate",
    "logo",
    "monochromeLogo",
    "organisation",
    "inputTypes",
    "outputTypes",
    "platforms",
    "categories",
    "usedBy",
    "fundedBy",
    "roadmap",
    "developmentStatus",
    "softwareType",
    "supports",
    "intendedAudience",
    "description",
    "legal",
    "maintenance",
    "localisation",
    "dependsOn",
    "IT",
    "it",
];
const DESCRIPTION_KEYS: &[&str] = &[
    "localisedName",
    "genericName",
    "shortDescription",
    "longDescription",
    "documentation",
    "apiDocumentation",
    "features",
    "screenshots",
    "videos",
    "awards",
];
const DEPRECATED_SAFE_TO_DROP: &str =
    "Dieser Schlüssel ist veraltet und wird künftig entfernt; er kann gelöscht werden.";

/// Walks one document; `issues` receives every finding.
pub struct Checker<'a> {
    root: &'a Node,
    pub issues: Vec<Issue>,
    /// Values of the wrong type so far (a description with one is unreadable as a whole).
    type_errors: usize,
}

/// Where a missing value would have been: the enclosing map.
#[derive(Clone, Copy)]
struct At {
    line: usize,
    column: usize,
}

impl At {
    fn of(node: &Node) -> At {
        At {
            line: node.line,
            column: node.column,
        }
    }
}

impl<'a> Checker<'a> {
    pub fn new(root: &'a Node) -> Self {
        Self {
            root,
            issues: Vec::new(),
            type_errors: 0,
        }
    }

    fn push(
        &mut self,
        severity: Severity,
        key: impl Into<String>,
        message: impl Into<String>,
        line: usize,
        column: usize,
    ) {
        self.issues.push(Issue {
            severity,
            key: key.into(),
            message: message.into(),
            line,
            column,
        });
    }

    fn error(
        &mut self,
        key: impl Into<String>,
        message: impl Into<String>,
        line: usize,
        column: usize,
    ) {
        self.push(Severity::Error, key, message, line, column);
    }

    fn warn(
        &mut self,
        key: impl Into<String>,
        message: impl Into<String>,
        line: usize,
        column: usize,
    ) {
        self.push(Severity::Warning, key, message, line, column);
    }

    fn missing(&mut self, key: &str, at: At) {
        self.error(
            key,
            format!("„{}“ ist ein Pflichtfeld.", leaf(key)),
            at.line,
            at.column,
        );
    }

    /// A value of the wrong type. The key follows the reference validator: the path of the
    /// first key or list item that starts on the value's line.
    fn wrong_type(&mut self, path: &str, node: &Node, expected: &str) {
        self.type_errors += 1;
        let key = key_at_line(self.root, node.line, "").unwrap_or_else(|| path.to_owned());
        self.error(
            key,
            format!(
                "Falscher Typ für „{}“: erwartet {expected}, gefunden {}.",
                leaf(path),
                node.type_name()
            ),
            node.line,
            node.column,
        );
    }

    fn unknown_keys(&mut self, entries: &Entries, path: &str, allowed: &[&str]) {
        for (key, _) in entries {
            if !allowed.contains(&key.name.as_str()) {
                self.error(
                    join(path, &key.name),
                    format!(
                        "Unbekannter Schlüssel „{}“ (Groß- und Kleinschreibung zählt).",
                        key.name
                    ),
                    key.line,
                    key.column,
                );
            }
        }
    }

    /// A map-valued node, or a type error.
    fn as_map<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n Entries> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            _ if node.is_null() => None,
            _ => {
                self.wrong_type(path, node, "eine Zuordnung");
                None
            }
        }
    }

    /// A string scalar (numbers and booleans are read as their text), or a type error.
    fn as_text(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Scalar { .. } if node.is_null() => None,
            Value::Scalar { text, .. } => Some(text.clone()),
            _ => {
                self.wrong_type(path, node, "einen Text");
                None
            }
        }
    }

    /// A list of strings; a single string is not a list.
    fn as_text_list(&mut self, node: &Node, path: &str) -> Option<Vec<(String, At)>> {
        let Value::Seq(items) = &node.value else {
            if !node.is_null() {
                self.wrong_type(path, node, "eine Liste");
            }
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let Some(text) = self.as_text(item, &format!("{path}[{i}]")) {
                out.push((text, At::of(item)));
            }
        }
        Some(out)
    }

    fn as_bool(&mut self, node: &Node, path: &str) -> Option<bool> {
        match &node.value {
            Value::Scalar {
                kind: super::yaml::ScalarType::Bool(b),
                ..
            } => Some(*b),
            _ if node.is_null() => None,
            _ => {
                self.wrong_type(path, node, "true oder false");
                None
            }
        }
    }

    /// Checks a complete document and returns what it says.
    pub fn check(&mut self, version: &str) -> Publiccode {
        let root = self.root;
        let Value::Map(entries) = &root.value else {
            self.wrong_type("", root, "eine Zuordnung");
            return Publiccode::default();
        };
        let top = At::of(root);
        self.unknown_keys(entries, "", TOP_LEVEL_KEYS);
        let mut pc = Publiccode {
            version: version.to_owned(),
            ..Publiccode::default()
        };
        pc.keys = entries.iter().map(|(k, _)| k.name.clone()).collect();
        pc.name = self
            .required_text(entries, "", "name", top)
            .unwrap_or_default();
        pc.application_suite = self.optional_text(entries, "", "applicationSuite");
        pc.url = self
            .required_text(entries, "", "url", top)
            .unwrap_or_default();
        if let Some((url, at)) = self.text_with_position(entries, "", "url")
            && !is_url(&url)
        {
            self.error(
                "url",
                "„url“ muss eine gültige URL sein.",
                at.line,
                at.column,
            );
        }
        pc.landing_url = self.http_url(entries, "", "landingURL");
        pc.is_based_on = self.is_based_on(entries);
        pc.software_version = self.optional_text(entries, "", "softwareVersion");
        pc.release_date = self.date(entries, "", "releaseDate", false, top);
        pc.logo = self.logo(entries, "logo", &pc.url);
        if let Some((_, at)) = self.text_with_position(entries, "", "monochromeLogo") {
            self.warn(
                "monochromeLogo",
                "Dieser Schlüssel ist veraltet und wird künftig entfernt; bitte „logo“ verwenden.",
                at.line,
                at.column,
            );
            self.logo(entries, "monochromeLogo", &pc.url);
        }
        pc.organisation = self.organisation_field(entries);
        for key in ["inputTypes", "outputTypes"] {
            if let Some(node) = get(entries, key) {
                let position = key_position(entries, key);
                if let Some(items) = self.as_text_list(node, key) {
                    for (i, (value, at)) in items.iter().enumerate() {
                        if !is_mime_type(value) {
                            self.error(
                                format!("{key}[{i}]"),
                                format!("„{value}“ ist kein gültiger MIME-Typ."),
                                at.line,
                                at.column,
                            );
                        }
                    }
                }
                self.warn(key, DEPRECATED_SAFE_TO_DROP, position.line, position.column);
            }
        }
        match get(entries, "platforms") {
            Some(node) if !node.is_null() => {
                if let Some(list) = self.as_text_list(node, "platforms") {
                    if list.is_empty() {
                        let at = key_position(entries, "platforms");
                        self.error(
                            "platforms",
                            "„platforms“ braucht mindestens eine Plattform.",
                            at.line,
                            at.column,
                        );
                    }
                    pc.platforms = list.into_iter().map(|(v, _)| v).collect();
                }
            }
            Some(node) => self.missing("platforms", At::of(node)),
            None => self.missing("platforms", top),
        }
        if let Some(node) = get(entries, "categories") {
            for (i, (value, at)) in self
                .as_text_list(node, "categories")
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                if vocab::is_category(&value) {
                    pc.categories.push(value);
                } else {
                    self.error(
                        format!("categories[{i}]"),
                        format!("„{value}“ ist keine Kategorie von publiccode.yml."),
                        at.line,
                        at.column,
                    );
                }
            }
        }
        if let Some(node) = get(entries, "usedBy") {
            pc.used_by = self
                .as_text_list(node, "usedBy")
                .unwrap_or_default()
                .into_iter()
                .map(|(v, _)| v)
                .collect();
        }
        if let Some(node) = get(entries, "fundedBy") {
            if let Value::Seq(items) = &node.value {
                for (i, item) in items.iter().enumerate() {
                    self.organisation(item, &format!("fundedBy[{i}]"));
                }
            } else if !node.is_null() {
                self.wrong_type("fundedBy", node, "eine Liste");
            }
        }
        pc.roadmap = self.http_url(entries, "", "roadmap");
        pc.development_status = self
            .one_of(
                entries,
                "",
                "developmentStatus",
                vocab::DEVELOPMENT_STATUSES,
                top,
            )
            .unwrap_or_default();
        pc.software_type = self
            .one_of(entries, "", "softwareType", vocab::SOFTWARE_TYPES, top)
            .unwrap_or_default();
        self.supports(entries);
        self.intended_audience(entries);
        pc.descriptions = self.descriptions(entries, top);
        self.legal(entries, top, &mut pc);
        self.maintenance(entries, top, &mut pc);
        self.localisation(entries, top, &mut pc);
        self.depends_on(entries);
        self.country_sections(entries);
        pc
    }

    fn required_text(
        &mut self,
        entries: &Entries,
        path: &str,
        key: &str,
        at: At,
    ) -> Option<String> {
        let full = join(path, key);
        match get(entries, key) {
            None => {
                self.missing(&full, at);
                None
            }
            Some(node) if node.is_null() => {
                self.missing(&full, At::of(node));
                None
            }
            Some(node) => match self.as_text(node, &full) {
                Some(text) if text.trim().is_empty() => {
                    let k = key_position(entries, key);
                    self.missing(&full, k);
                    None
                }
                other => other,
            },
        }
    }

    fn optional_text(&mut self, entries: &Entries, path: &str, key: &str) -> Option<String> {
        let node = get(entries, key)?;
        self.as_text(node, &join(path, key))
    }

    /// An optional text with the position of its key.
    fn text_with_position(
        &mut self,
        entries: &Entries,
        path: &str,
        key: &str,
    ) -> Option<(String, At)> {
        let text = self.optional_text(entries, path, key)?;
        Some((text, key_position(entries, key)))
    }

    fn http_url(&mut self, entries: &Entries, path: &str, key: &str) -> Option<String> {
        let (value, at) = self.text_with_position(entries, path, key)?;
        if is_http_url(&value) {
            Some(value)
        } else {
            self.error(
                join(path, key),
                format!("„{}“ muss eine http- oder https-URL sein.", leaf(key)),
                at.line,
                at.column,
            );
            None
        }
    }

    fn date(
        &mut self,
        entries: &Entries,
        path: &str,
        key: &str,
        required: bool,
        parent: At,
    ) -> Option<String> {
        let full = join(path, key);
        let value = if required {
            self.required_text(entries, path, key, parent)?
        } else {
            self.optional_text(entries, path, key)?
        };
        if is_date(&value) {
            Some(value)
        } else {
            let at = key_position(entries, key);
            self.error(
                full,
                format!("„{}“ muss ein Datum im Format JJJJ-MM-TT sein.", leaf(key)),
                at.line,
                at.column,
            );
            None
        }
    }

    fn one_of(
        &mut self,
        entries: &Entries,
        path: &str,
        key: &str,
        allowed: &[&str],
        parent: At,
    ) -> Option<String> {
        let value = self.required_text(entries, path, key, parent)?;
        if allowed.contains(&value.as_str()) {
            Some(value)
        } else {
            let at = key_position(entries, key);
            self.error(
                join(path, key),
                format!(
                    "„{}“ muss einer dieser Werte sein: {}.",
                    leaf(key),
                    allowed.join(", ")
                ),
                at.line,
                at.column,
            );
            None
        }
    }

    fn is_based_on(&mut self, entries: &Entries) -> Vec<String> {
        let Some(node) = get(entries, "isBasedOn") else {
            return Vec::new();
        };
        let items: Vec<(String, At)> = match &node.value {
            Value::Scalar { .. } if node.is_null() => return Vec::new(),
            Value::Scalar { text, .. } => vec![(text.clone(), At::of(node))],
            Value::Seq(_) => self.as_text_list(node, "isBasedOn").unwrap_or_default(),
            Value::Map(_) => {
                self.wrong_type("isBasedOn", node, "eine URL oder eine Liste von URLs");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, (value, at)) in items.into_iter().enumerate() {
            if is_url(&value) {
                out.push(value);
            } else {
                self.error(
                    format!("isBasedOn[{i}]"),
                    format!("„{value}“ ist keine gültige URL."),
                    at.line,
                    at.column,
                );
            }
        }
        out
    }

    /// `logo`: a relative path or an http(s) URL. Without network access the file cannot be
    /// fetched, so an absolute URL must point into the code repository's own hosting.
    fn logo(&mut self, entries: &Entries, key: &str, repository: &str) -> Option<String> {
        let (value, at) = self.text_with_position(entries, "", key)?;
        if value.is_empty() {
            return None;
        }
        let problem = if value.starts_with('/') {
            Some("ist ein absoluter Pfad; erlaubt sind relative Pfade im Repository oder http(s)-URLs.".to_owned())
        } else if value.to_ascii_lowercase().starts_with("file:") {
            Some(
                "ist eine file:-URL; erlaubt sind relative Pfade im Repository oder http(s)-URLs."
                    .to_owned(),
            )
        } else if value.contains("://") && !super::formats::is_repository_file(&value, repository) {
            Some("zeigt nicht in das Code-Repository; ohne Netzzugriff lässt sich nur ein Logo aus dem Repository prüfen (relativer Pfad oder URL auf dem Host des Repositorys).".to_owned())
        } else {
            let lower = value.to_ascii_lowercase();
            let path = lower.split(['?', '#']).next().unwrap_or_default();
            if [".svg", ".svgz", ".png"]
                .iter()
                .any(|ext| path.ends_with(ext))
            {
                None
            } else {
                Some("muss eine SVG- oder PNG-Datei sein.".to_owned())
            }
        };
        match problem {
            Some(problem) => {
                self.error(key, format!("„{key}“ {problem}"), at.line, at.column);
                None
            }
            None => Some(value),
        }
    }

    fn organisation_field(&mut self, entries: &Entries) -> Option<Organisation> {
        let node = get(entries, "organisation")?;
        self.organisation(node, "organisation")
    }

    fn organisation(&mut self, node: &Node, path: &str) -> Option<Organisation> {
        let entries = self.as_map(node, path)?;
        self.unknown_keys(entries, path, &["name", "uri"]);
        let name = self.optional_text(entries, path, "name");
        let uri = self.required_text(entries, path, "uri", At::of(node))?;
        if !is_organisation_uri(&uri) {
            let at = key_position(entries, "uri");
            self.error(
                join(path, "uri"),
                "„uri“ muss eine URI sein (http(s)-Adresse der Organisation oder URN, z. B. urn:x-italian-pa:<IPA-Code>).",
                at.line,
                at.column,
            );
            return None;
        }
        Some(Organisation { name, uri })
    }

    fn supports(&mut self, entries: &Entries) {
        let Some(node) = get(entries, "supports") else {
            return;
        };
        let Value::Seq(items) = &node.value else {
            if !node.is_null() {
                self.wrong_type("supports", node, "eine Liste");
            }
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let path = format!("supports[{i}]");
            let Some(map) = self.as_map(item, &path) else {
                continue;
            };
            self.unknown_keys(map, &path, &["id"]);
            if let Some(id) = self.required_text(map, &path, "id", At::of(item))
                && !is_supports_id(&id, vocab::SUPPORTS_ALIASES)
            {
                let at = key_position(map, "id");
                self.error(
                    format!("{path}.id"),
                    format!("„{id}“ ist weder ein bekannter Alias (alias:gdpr …) noch eine URI."),
                    at.line,
                    at.column,
                );
            }
        }
    }

    fn intended_audience(&mut self, entries: &Entries) {
        let Some(node) = get(entries, "intendedAudience") else {
            return;
        };
        let Some(map) = self.as_map(node, "intendedAudience") else {
            return;
        };
        self.unknown_keys(
            map,
            "intendedAudience",
            &["scope", "countries", "unsupportedCountries"],
        );
        if let Some(scope) = get(map, "scope") {
            for (i, (value, at)) in self
                .as_text_list(scope, "intendedAudience.scope")
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                if !vocab::is_scope(&value) {
                    self.error(
                        format!("intendedAudience.scope[{i}]"),
                        format!("„{value}“ ist kein Bereich von publiccode.yml."),
                        at.line,
                        at.column,
                    );
                }
            }
        }
        for key in ["countries", "unsupportedCountries"] {
            let Some(list) = get(map, key) else { continue };
            let path = format!("intendedAudience.{key}");
            for (i, (value, at)) in self
                .as_text_list(list, &path)
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                if !vocab::is_country(&value) {
                    self.error(
                        format!("{path}[{i}]"),
                        format!("„{value}“ ist kein Ländercode nach ISO 3166-1 alpha-2."),
                        at.line,
                        at.column,
                    );
                } else if value == value.to_ascii_lowercase() {
                    self.warn(
                        format!("{path}[{i}]"),
                        format!(
                            "Ländercodes in Kleinbuchstaben sind veraltet; bitte „{}“ schreiben.",
                            value.to_ascii_uppercase()
                        ),
                        at.line,
                        at.column,
                    );
                }
            }
        }
    }

    fn descriptions(&mut self, entries: &Entries, top: At) -> Vec<(String, Description)> {
        let Some(node) = get(entries, "description") else {
            self.missing("description", top);
            return Vec::new();
        };
        let Some(map) = self.as_map(node, "description") else {
            if node.is_null() {
                self.missing("description", At::of(node));
            }
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut any_bad_tag = false;
        for (lang, desc) in map {
            if !is_bcp47(&lang.name) {
                any_bad_tag = true;
                self.error(
                    format!("description.{}", lang.name),
                    format!(
                        "„{}“ ist kein gültiges Sprachkürzel nach BCP 47 (z. B. de, en, de-DE).",
                        lang.name
                    ),
                    lang.line,
                    lang.column,
                );
            }
            // Like the reference validator, a description with a value of the wrong type is
            // unreadable as a whole; other errors are reported on their keys.
            let type_errors_before = self.type_errors;
            let parsed = self.description(&lang.name, desc);
            if self.type_errors == type_errors_before
                && let Some(parsed) = parsed
            {
                out.push((lang.name.clone(), parsed));
            }
        }
        if any_bad_tag {
            self.error(
                "description",
                "Alle Schlüssel unter „description“ müssen Sprachkürzel nach BCP 47 sein.",
                node.line,
                node.column,
            );
        } else if out.is_empty() {
            let at = key_position(entries, "description");
            self.error(
                "description",
                "„description“ braucht mindestens eine lesbare Beschreibung in einer Sprache.",
                at.line,
                at.column,
            );
        }
        out
    }

    fn description(&mut self, lang: &str, node: &Node) -> Option<Description> {
        // The reference notation writes plain-letter tags dotted, others in brackets.
        let path = if lang.chars().all(|c| c.is_ascii_alphabetic()) {
            format!("description.{lang}")
        } else {
            format!("description[{lang}]")
        };
        let map = match &node.value {
            Value::Map(map) => map,
            _ => {
                if node.is_null() {
                    self.missing(&path, At::of(node));
                } else {
                    self.wrong_type(&path, node, "eine Zuordnung");
                }
                return None;
            }
        };
        let at = At::of(node);
        self.unknown_keys(map, &path, DESCRIPTION_KEYS);
        let localised_name = self.optional_text(map, &path, "localisedName");
        if let Some((generic, gat)) = self.text_with_position(map, &path, "genericName") {
            if generic.graphemes(true).count() > 35 {
                self.error(
                    format!("{path}.genericName"),
                    "„genericName“ darf höchstens 35 Zeichen lang sein.",
                    gat.line,
                    gat.column,
                );
            }
            if !generic.is_empty() {
                self.warn(
                    format!("description.{lang}.genericName"),
                    DEPRECATED_SAFE_TO_DROP,
                    gat.line,
                    gat.column,
                );
            }
        }
        let short = self.required_text(map, &path, "shortDescription", at);
        if let Some(short) = &short
            && short.graphemes(true).count() > 150
        {
            let k = key_position(map, "shortDescription");
            self.error(
                format!("{path}.shortDescription"),
                "„shortDescription“ darf höchstens 150 Zeichen lang sein.",
                k.line,
                k.column,
            );
        }
        let long = self.required_text(map, &path, "longDescription", at);
        if let Some(long) = &long {
            let length = long.graphemes(true).count();
            let k = key_position(map, "longDescription");
            if length < 150 {
                self.error(
                    format!("{path}.longDescription"),
                    format!(
                        "„longDescription“ muss mindestens 150 Zeichen lang sein (hat {length})."
                    ),
                    k.line,
                    k.column,
                );
            } else if length > 10_000 {
                self.error(
                    format!("{path}.longDescription"),
                    format!(
                        "„longDescription“ darf höchstens 10 000 Zeichen lang sein (hat {length})."
                    ),
                    k.line,
                    k.column,
                );
            }
        }
        let documentation = self.http_url(map, &path, "documentation");
        let api_documentation = self.http_url(map, &path, "apiDocumentation");
        let features = match get(map, "features") {
            None => {
                self.missing(&format!("{path}.features"), at);
                Vec::new()
            }
            Some(node) => {
                let list = self.as_text_list(node, &format!("{path}.features"));
                if list.as_ref().is_some_and(Vec::is_empty) || node.is_null() {
                    let k = key_position(map, "features");
                    self.error(
                        format!("{path}.features"),
                        "„features“ braucht mindestens einen Eintrag.",
                        k.line,
                        k.column,
                    );
                }
                list.unwrap_or_default()
                    .into_iter()
                    .map(|(v, _)| v)
                    .collect()
            }
        };
        let mut screenshots = Vec::new();
        if let Some(node) = get(map, "screenshots") {
            for (i, (value, at)) in self
                .as_text_list(node, &format!("{path}.screenshots"))
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                if value.starts_with('/') || value.to_ascii_lowercase().starts_with("file:") {
                    self.error(
                        format!("description.{lang}.screenshots[{i}]"),
                        "Bildschirmfotos müssen relative Pfade im Repository oder http(s)-URLs sein.",
                        at.line,
                        at.column,
                    );
                } else {
                    screenshots.push(value);
                }
            }
        }
        let mut videos = Vec::new();
        if let Some(node) = get(map, "videos") {
            for (i, (value, at)) in self
                .as_text_list(node, &format!("{path}.videos"))
                .unwrap_or_default()
                .into_iter()
                .enumerate()
            {
                if !is_http_url(&value) {
                    self.error(
                        format!("{path}.videos[{i}]"),
                        "Videos müssen http(s)-URLs sein.",
                        at.line,
                        at.column,
                    );
                } else if !vocab::is_video_url(&value) {
                    self.error(
                        format!("description.{lang}.videos[{i}]"),
                        format!("„{value}“ ist keine Video-Adresse eines oEmbed-Anbieters (z. B. YouTube, Vimeo)."),
                        at.line,
                        at.column,
                    );
                } else {
                    videos.push(value);
                }
            }
        }
        let awards = match get(map, "awards") {
            Some(node) => self
                .as_text_list(node, &format!("{path}.awards"))
                .unwrap_or_default()
                .into_iter()
                .map(|(v, _)| v)
                .collect(),
            None => Vec::new(),
        };
        Some(Description {
            localised_name,
            short_description: short.unwrap_or_default(),
            long_description: long.unwrap_or_default(),
            documentation,
            api_documentation,
            features,
            screenshots,
            videos,
            awards,
        })
    }

    fn legal(&mut self, entries: &Entries, top: At, pc: &mut Publiccode) {
        let (map, at) = match get(entries, "legal") {
            Some(node) => (self.as_map(node, "legal"), At::of(node)),
            None => (None, top),
        };
        let Some(map) = map else {
            self.missing("legal.license", at);
            return;
        };
        self.unknown_keys(
            map,
            "legal",
            &["license", "mainCopyrightOwner", "repoOwner", "authorsFile"],
        );
        if let Some(licence) = self.required_text(map, "legal", "license", at) {
            if is_spdx_expression(&licence) {
                pc.licence = licence;
            } else {
                let k = key_position(map, "license");
                self.error(
                    "legal.license",
                    format!("„{licence}“ ist kein gültiger SPDX-Lizenzausdruck."),
                    k.line,
                    k.column,
                );
            }
        }
        pc.main_copyright_owner = self.optional_text(map, "legal", "mainCopyrightOwner");
        if let Some((_, k)) = self.text_with_position(map, "legal", "repoOwner") {
            self.warn("legal.repoOwner", "Dieser Schlüssel ist veraltet und wird künftig entfernt; bitte „organisation.name“ verwenden.", k.line, k.column);
        }
        if let Some((file, k)) = self.text_with_position(map, "legal", "authorsFile") {
            self.warn(
                "legal.authorsFile",
                DEPRECATED_SAFE_TO_DROP,
                k.line,
                k.column,
            );
            if file.starts_with('/') || file.to_ascii_lowercase().starts_with("file:") {
                self.error(
                    "legal.authorsFile",
                    "„authorsFile“ muss ein relativer Pfad oder eine http(s)-URL sein.",
                    k.line,
                    k.column,
                );
            }
        }
    }

    fn maintenance(&mut self, entries: &Entries, top: At, pc: &mut Publiccode) {
        let (map, at) = match get(entries, "maintenance") {
            Some(node) => (self.as_map(node, "maintenance"), At::of(node)),
            None => (None, top),
        };
        let Some(map) = map else {
            self.missing("maintenance.type", at);
            return;
        };
        self.unknown_keys(map, "maintenance", &["type", "contractors", "contacts"]);
        let kind = self.one_of(map, "maintenance", "type", vocab::MAINTENANCE_TYPES, at);
        let contractors_node = get(map, "contractors").filter(|n| !n.is_null());
        let contacts_node = get(map, "contacts").filter(|n| !n.is_null());
        match (kind.as_deref(), contractors_node) {
            (Some("contract"), None) => {
                let k = key_position(map, "type");
                self.error(
                    "maintenance.contractors",
                    "„contractors“ ist Pflicht, wenn „type“ „contract“ ist.",
                    k.line,
                    k.column,
                );
            }
            (Some(other), Some(node)) if other != "contract" => {
                self.error(
                    "maintenance.contractors",
                    "„contractors“ ist nur erlaubt, wenn „type“ „contract“ ist.",
                    key_position(map, "contractors").line,
                    node.column,
                );
            }
            _ => {}
        }
        if matches!(kind.as_deref(), Some("community" | "internal")) && contacts_node.is_none() {
            let k = key_position(map, "type");
            self.error(
                "maintenance.contacts",
                format!(
                    "„contacts“ ist Pflicht, wenn „type“ „{}“ ist.",
                    kind.as_deref().unwrap_or_default()
                ),
                k.line,
                k.column,
            );
        }
        if let Some(node) = contractors_node {
            let items = self.list_of_maps(node, "maintenance.contractors");
            if items.is_empty()
                && kind.as_deref() == Some("contract")
                && matches!(node.value, Value::Seq(_))
            {
                self.error(
                    "maintenance.contractors",
                    "„contractors“ braucht mindestens einen Eintrag.",
                    node.line,
                    node.column,
                );
            }
            for (i, (map, item)) in items.into_iter().enumerate() {
                let path = format!("maintenance.contractors[{i}]");
                let at = At::of(item);
                self.unknown_keys(map, &path, &["name", "email", "website", "until"]);
                let name = self.required_text(map, &path, "name", at);
                let email = self.email(map, &path);
                let website = self.http_url(map, &path, "website");
                let until = self.date(map, &path, "until", true, at);
                if let (Some(name), Some(until)) = (name, until) {
                    pc.contractors.push(Contractor {
                        name,
                        email,
                        website,
                        until,
                    });
                }
            }
        }
        if let Some(node) = contacts_node {
            for (i, (map, item)) in self
                .list_of_maps(node, "maintenance.contacts")
                .into_iter()
                .enumerate()
            {
                let path = format!("maintenance.contacts[{i}]");
                let at = At::of(item);
                self.unknown_keys(map, &path, &["name", "email", "affiliation", "phone"]);
                let name = self.required_text(map, &path, "name", at);
                let email = self.email(map, &path);
                let affiliation = self.optional_text(map, &path, "affiliation");
                let phone = self.optional_text(map, &path, "phone");
                if let Some(name) = name {
                    pc.contacts.push(Contact {
                        name,
                        email,
                        affiliation,
                        phone,
                    });
                }
            }
        }
        pc.maintenance_type = kind.unwrap_or_default();
    }

    fn email(&mut self, map: &Entries, path: &str) -> Option<String> {
        let (value, at) = self.text_with_position(map, path, "email")?;
        if value.is_empty() {
            return None;
        }
        if is_email(&value) {
            Some(value)
        } else {
            self.error(
                format!("{path}.email"),
                format!("„{value}“ ist keine gültige E-Mail-Adresse."),
                at.line,
                at.column,
            );
            None
        }
    }

    /// The items of a list of maps; other items are type errors.
    fn list_of_maps<'n>(&mut self, node: &'n Node, path: &str) -> Vec<(&'n Entries, &'n Node)> {
        let Value::Seq(items) = &node.value else {
            self.wrong_type(path, node, "eine Liste");
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            match &item.value {
                Value::Map(map) => out.push((map.as_slice(), item)),
                _ => self.wrong_type(&item_path, item, "eine Zuordnung"),
            }
        }
        out
    }

    fn localisation(&mut self, entries: &Entries, top: At, pc: &mut Publiccode) {
        let (map, at) = match get(entries, "localisation") {
            Some(node) => (self.as_map(node, "localisation"), At::of(node)),
            None => (None, top),
        };
        let Some(map) = map else {
            self.missing("localisation.localisationReady", at);
            self.missing("localisation.availableLanguages", at);
            return;
        };
        self.unknown_keys(
            map,
            "localisation",
            &["localisationReady", "availableLanguages"],
        );
        match get(map, "localisationReady") {
            Some(node) if !node.is_null() => {
                pc.localisation_ready = self
                    .as_bool(node, "localisation.localisationReady")
                    .unwrap_or(false)
            }
            _ => self.missing("localisation.localisationReady", at),
        }
        match get(map, "availableLanguages") {
            Some(node) if !node.is_null() => {
                let list = self.as_text_list(node, "localisation.availableLanguages");
                if list.as_ref().is_some_and(Vec::is_empty) {
                    let k = key_position(map, "availableLanguages");
                    self.error(
                        "localisation.availableLanguages",
                        "„availableLanguages“ braucht mindestens eine Sprache.",
                        k.line,
                        k.column,
                    );
                }
                for (i, (value, at)) in list.unwrap_or_default().into_iter().enumerate() {
                    if is_bcp47(&value) {
                        pc.available_languages.push(value);
                    } else {
                        self.error(
                            format!("localisation.availableLanguages[{i}]"),
                            format!("„{value}“ ist kein gültiges Sprachkürzel nach BCP 47 (z. B. de, de-DE; nicht de_DE)."),
                            at.line,
                            at.column,
                        );
                    }
                }
            }
            _ => self.missing("localisation.availableLanguages", at),
        }
    }

    fn depends_on(&mut self, entries: &Entries) {
        let Some(node) = get(entries, "dependsOn") else {
            return;
        };
        let Some(map) = self.as_map(node, "dependsOn") else {
            return;
        };
        self.unknown_keys(map, "dependsOn", &["open", "proprietary", "hardware"]);
        for group in ["open", "proprietary", "hardware"] {
            let Some(list) = get(map, group).filter(|n| !n.is_null()) else {
                continue;
            };
            for (i, (dep, item)) in self
                .list_of_maps(list, &format!("dependsOn.{group}"))
                .into_iter()
                .enumerate()
            {
                let path = format!("dependsOn.{group}[{i}]");
                self.unknown_keys(
                    dep,
                    &path,
                    &["name", "versionMin", "versionMax", "optional", "version"],
                );
                self.required_text(dep, &path, "name", At::of(item));
                for key in ["versionMin", "versionMax", "version"] {
                    self.optional_text(dep, &path, key);
                }
                if let Some(optional) = get(dep, "optional") {
                    self.as_bool(optional, &format!("{path}.optional"));
                }
            }
        }
    }

    /// `IT` (and the deprecated lower-case `it`).
    fn country_sections(&mut self, entries: &Entries) {
        let upper = get_key(entries, "IT").zip(get(entries, "IT"));
        let lower = get_key(entries, "it").zip(get(entries, "it"));
        if let Some((key, _)) = lower {
            if upper.is_some() {
                self.error(
                    "it",
                    "Der Abschnitt „IT“ ist schon vorhanden; bitte „it“ entfernen.",
                    key.line,
                    key.column,
                );
            } else {
                self.warn(
                    "it",
                    "Länderabschnitte in Kleinbuchstaben sind veraltet; bitte „IT“ schreiben.",
                    key.line,
                    key.column,
                );
            }
        }
        for (name, section) in [("IT", upper), ("it", lower)] {
            let Some((_, node)) = section else { continue };
            let Some(map) = self.as_map(node, name) else {
                continue;
            };
            self.unknown_keys(
                map,
                name,
                &[
                    "countryExtensionVersion",
                    "conforme",
                    "riuso",
                    "piattaforme",
                ],
            );
            if let Some((version, at)) =
                self.text_with_position(map, name, "countryExtensionVersion")
                && !["0.2", "1.0"].contains(&version.as_str())
            {
                self.error(
                    format!("{name}.countryExtensionVersion"),
                    "„countryExtensionVersion“ muss „0.2“ oder „1.0“ sein.",
                    at.line,
                    at.column,
                );
            }
            if let Some(conforme) = get(map, "conforme") {
                let at = key_position(map, "conforme");
                if let Some(flags) = self.as_map(conforme, &format!("{name}.conforme")) {
                    let keys = [
                        "lineeGuidaDesign",
                        "modelloInteroperabilita",
                        "misureMinimeSicurezza",
                        "gdpr",
                    ];
                    self.bool_map(flags, &format!("{name}.conforme"), &keys);
                }
                self.warn("IT.conforme", DEPRECATED_SAFE_TO_DROP, at.line, at.column);
            }
            if let Some(riuso) = get(map, "riuso")
                && let Some(riuso) = self.as_map(riuso, &format!("{name}.riuso"))
            {
                self.unknown_keys(riuso, &format!("{name}.riuso"), &["codiceIPA"]);
                if let Some((code, at)) =
                    self.text_with_position(riuso, &format!("{name}.riuso"), "codiceIPA")
                {
                    if vocab::is_ipa_code(&code) {
                        self.warn(
                                "IT.riuso.codiceIPA",
                                format!("Dieser Schlüssel ist veraltet; bitte „organisation.uri: urn:x-italian-pa:{code}“ verwenden."),
                                at.line,
                                at.column,
                            );
                    } else if !code.is_empty() {
                        self.error(
                            format!("{name}.riuso.codiceIPA"),
                            format!("„{code}“ ist kein bekannter IPA-Code."),
                            at.line,
                            at.column,
                        );
                    }
                }
            }
            if let Some(platforms) = get(map, "piattaforme")
                && let Some(flags) = self.as_map(platforms, &format!("{name}.piattaforme"))
            {
                self.bool_map(
                    flags,
                    &format!("{name}.piattaforme"),
                    &["spid", "pagopa", "cie", "anpr", "io"],
                );
            }
        }
    }

    fn bool_map(&mut self, map: &Entries, path: &str, keys: &[&str]) {
        self.unknown_keys(map, path, keys);
        for (key, node) in map {
            if keys.contains(&key.name.as_str()) {
                self.as_bool(node, &join(path, &key.name));
            }
        }
    }
}

fn get<'n>(entries: &'n Entries, key: &str) -> Option<&'n Node> {
    entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
}

fn get_key<'n>(entries: &'n Entries, key: &str) -> Option<&'n Key> {
    entries.iter().find(|(k, _)| k.name == key).map(|(k, _)| k)
}

fn key_position(entries: &Entries, key: &str) -> At {
    get_key(entries, key).map_or(At { line: 0, column: 0 }, |k| At {
        line: k.line,
        column: k.column,
    })
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The last segment of a key path, for messages.
fn leaf(path: &str) -> &str {
    path.rsplit(['.', '['])
        .next()
        .unwrap_or(path)
        .trim_end_matches(']')
}

/// The path of the first key or list item (in document order) that starts on `line`.
pub fn key_at_line(node: &Node, line: usize, prefix: &str) -> Option<String> {
    match &node.value {
        Value::Map(entries) => entries.iter().find_map(|(key, value)| {
            let full = join(prefix, &key.name);
            if key.line == line {
                Some(full)
            } else {
                key_at_line(value, line, &full)
            }
        }),
        Value::Seq(items) => items.iter().enumerate().find_map(|(i, item)| {
            let full = format!("{prefix}[{i}]");
            if item.line == line {
                Some(full)
            } else {
                key_at_line(item, line, &full)
            }
        }),
        Value::Scalar { .. } => None,
    }
}
