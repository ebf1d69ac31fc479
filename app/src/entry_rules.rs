//! Rules for publishing and editing solutions: the raw form or API input
//! ([`SolutionInput`], every field as typed) is parsed into a [`SolutionDraft`] that is valid
//! by construction, or into field errors. The same code runs in the browser (immediate
//! feedback) and on the server (the decision).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::categories::is_category;
use crate::form_fields::Separator;
use crate::model::{DevelopmentStatus, MaintenanceType, SoftwareType};
use crate::validation::{FieldError, FieldErrors, is_slug, is_web_url, parse_text, slugify};

/// Platforms publiccode.yml knows.
pub const PLATFORMS: &[&str] = &["web", "windows", "mac", "linux", "ios", "android"];
/// Most categories per entry.
pub const MAX_CATEGORIES: usize = 10;
/// Most tags per entry, and their longest length.
pub const MAX_TAGS: usize = 20;
pub const TAG_CHARS: usize = 40;
/// Most features per entry, and their longest length.
pub const MAX_FEATURES: usize = 30;
pub const FEATURE_CHARS: usize = 200;

/// A solution as typed into the form or sent to the API. Lists come as lists; tags and
/// features may also come as one text (comma- or line-separated) from the form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SolutionInput {
    /// Slug of the owning organisation.
    pub organisation: String,
    pub name: String,
    /// Optional; generated from the name when empty.
    pub slug: String,
    pub short_description: String,
    pub short_description_en: String,
    pub long_description: String,
    pub long_description_en: String,
    pub repository_url: String,
    pub landing_url: String,
    /// SPDX licence expression.
    pub licence: String,
    pub development_status: String,
    pub software_type: String,
    pub categories: Vec<String>,
    pub platforms: Vec<String>,
    pub maintenance_type: String,
    pub contractors: Vec<ContractorInput>,
    pub contacts: Vec<ContactInput>,
    pub version: String,
    /// `YYYY-MM-DD`.
    pub release_date: String,
    pub tags: Vec<String>,
    pub features: Vec<String>,
    /// Slugs of data models whose data the solution writes.
    pub produces: Vec<String>,
    /// Slugs of data models whose data the solution reads.
    pub consumes: Vec<String>,
    /// Why this change was made (kept in the history).
    pub change_message: String,
}

impl crate::form_fields::FormFields for SolutionInput {
    const TEXT_LISTS: &'static [(&'static str, Separator)] = &[
        ("tags", Separator::Commas),
        ("features", Separator::Lines),
        ("produces", Separator::Commas),
        ("consumes", Separator::Commas),
    ];
    const ROWS: &'static [(&'static str, &'static [&'static str])] = &[
        ("contractors", &["name", "until", "email", "website"]),
        ("contacts", &["name", "email", "phone", "affiliation"]),
    ];
}

/// A maintenance contractor as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContractorInput {
    pub name: String,
    /// `YYYY-MM-DD`: until when the contract runs.
    pub until: String,
    pub email: String,
    pub website: String,
}

/// A technical contact as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactInput {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub affiliation: String,
}

impl ContractorInput {
    fn is_blank(&self) -> bool {
        [&self.name, &self.until, &self.email, &self.website]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

impl ContactInput {
    fn is_blank(&self) -> bool {
        [&self.name, &self.email, &self.phone, &self.affiliation]
            .iter()
            .all(|v| v.trim().is_empty())
    }
}

/// A valid contractor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContractorDraft {
    pub name: String,
    pub until: NaiveDate,
    pub email: Option<String>,
    pub website: Option<String>,
}

/// A valid contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactDraft {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub affiliation: Option<String>,
}

/// A solution that passed every rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolutionDraft {
    pub organisation: String,
    pub name: String,
    pub slug: String,
    pub short_description: String,
    pub short_description_en: Option<String>,
    pub long_description: String,
    pub long_description_en: Option<String>,
    pub repository_url: String,
    pub landing_url: Option<String>,
    pub licence: String,
    pub development_status: DevelopmentStatus,
    pub software_type: SoftwareType,
    pub categories: Vec<String>,
    pub platforms: Vec<String>,
    pub maintenance_type: MaintenanceType,
    pub contractors: Vec<ContractorDraft>,
    pub contacts: Vec<ContactDraft>,
    pub version: Option<String>,
    pub release_date: Option<NaiveDate>,
    pub tags: Vec<String>,
    pub features: Vec<String>,
    pub produces: Vec<String>,
    pub consumes: Vec<String>,
    pub change_message: String,
}

/// Reads a list of data model slugs (commas, semicolons or lines).
fn parse_slugs(items: &[String]) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for slug in items
        .iter()
        .flat_map(|i| split_list(i))
        .map(|s| s.to_lowercase())
    {
        if !is_slug(&slug) {
            return Err(FieldError::InvalidSlug);
        }
        if !out.contains(&slug) {
            out.push(slug);
        }
    }
    if out.len() > 20 {
        Err(FieldError::TooMany { max: 20 })
    } else {
        Ok(out)
    }
}

/// Splits a typed list: commas or line breaks separate items; blanks are dropped.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Splits features: one per line (they may contain commas).
pub fn split_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn optional_text(raw: &str, max: usize) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_text(raw, 1, max).map(Some)
    }
}

fn optional_url(raw: &str) -> Result<Option<String>, FieldError> {
    match raw.trim() {
        "" => Ok(None),
        url if is_web_url(url) => Ok(Some(url.to_owned())),
        _ => Err(FieldError::InvalidUrl),
    }
}

fn optional_email(raw: &str) -> Result<Option<String>, FieldError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        crate::validation::parse_email(raw).map(Some)
    }
}

/// A date `YYYY-MM-DD`.
pub fn parse_date(raw: &str) -> Result<NaiveDate, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::Required);
    }
    if raw.len() != 10 {
        return Err(FieldError::InvalidDate);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| FieldError::InvalidDate)
}

/// A licence: a syntactically valid SPDX expression of known identifiers.
pub fn parse_licence(raw: &str) -> Result<String, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FieldError::Required);
    }
    if raw.chars().count() > 200 {
        return Err(FieldError::TooLong { max: 200 });
    }
    match crate::licences::check_expression(raw) {
        Ok(_) => Ok(raw.to_owned()),
        Err(_) => Err(FieldError::InvalidLicence),
    }
}

fn enum_value<T>(raw: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, FieldError> {
    match raw.trim() {
        "" => Err(FieldError::Required),
        value => parse(value).ok_or(FieldError::InvalidChoice),
    }
}

/// A Markdown description: at most 20 000 characters, within the Markdown bounds
/// ([`crate::markdown::check`]: nesting, and on the server the size of its HTML).
pub fn long_description(text: &str) -> Result<(), FieldError> {
    if text.chars().count() > 20_000 {
        return Err(FieldError::TooLong { max: 20_000 });
    }
    crate::markdown::check(text).map_err(FieldError::from)
}

impl SolutionInput {
    /// Applies every rule; all field errors at once. Field names of list items are
    /// `contractors[0].name` and the like.
    pub fn parse(&self) -> Result<SolutionDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut check = |field: &str, result: Result<(), FieldError>| {
            if let Err(e) = result {
                errors.entry(field.to_owned()).or_insert(e);
            }
        };
        let organisation = self.organisation.trim().to_owned();
        check(
            "organisation",
            if is_slug(&organisation) {
                Ok(())
            } else {
                Err(FieldError::Required)
            },
        );
        let name = parse_text(&self.name, 2, 100);
        check("name", name.as_ref().map(|_| ()).map_err(Clone::clone));
        let slug = match self.slug.trim() {
            "" => slugify(name.as_deref().unwrap_or_default()),
            given => given.to_owned(),
        };
        check(
            "slug",
            if is_slug(&slug) || name.is_err() {
                Ok(())
            } else {
                Err(FieldError::InvalidSlug)
            },
        );
        let short = parse_text(&self.short_description, 10, 150);
        check(
            "short_description",
            short.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let short_en = optional_text(&self.short_description_en, 150);
        check(
            "short_description_en",
            short_en.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check("long_description", long_description(&self.long_description));
        check(
            "long_description_en",
            long_description(&self.long_description_en),
        );
        let repository = match self.repository_url.trim() {
            "" => Err(FieldError::Required),
            url if is_web_url(url) => Ok(url.to_owned()),
            _ => Err(FieldError::InvalidUrl),
        };
        check(
            "repository_url",
            repository.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let landing = optional_url(&self.landing_url);
        check(
            "landing_url",
            landing.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let licence = parse_licence(&self.licence);
        check(
            "licence",
            licence.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let status = enum_value(&self.development_status, DevelopmentStatus::parse);
        check("development_status", status.clone().map(|_| ()));
        let software_type = enum_value(&self.software_type, SoftwareType::parse);
        check("software_type", software_type.clone().map(|_| ()));
        let mut categories: Vec<String> = Vec::new();
        for c in self
            .categories
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
        {
            if !is_category(c) {
                check("categories", Err(FieldError::InvalidChoice));
            } else if !categories.iter().any(|k| k == c) {
                categories.push(c.to_owned());
            }
        }
        check(
            "categories",
            if categories.len() > MAX_CATEGORIES {
                Err(FieldError::TooMany {
                    max: MAX_CATEGORIES,
                })
            } else {
                Ok(())
            },
        );
        let mut platforms: Vec<String> = Vec::new();
        for p in self
            .platforms
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
        {
            if !PLATFORMS.contains(&p) {
                check("platforms", Err(FieldError::InvalidChoice));
            } else if !platforms.iter().any(|k| k == p) {
                platforms.push(p.to_owned());
            }
        }
        let maintenance = enum_value(&self.maintenance_type, MaintenanceType::parse);
        check("maintenance_type", maintenance.clone().map(|_| ()));
        let mut contractors = Vec::new();
        for (i, c) in self
            .contractors
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_blank())
        {
            let name = parse_text(&c.name, 1, 200);
            let until = parse_date(&c.until);
            let email = optional_email(&c.email);
            let website = optional_url(&c.website);
            check(
                &format!("contractors[{i}].name"),
                name.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                &format!("contractors[{i}].until"),
                until.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                &format!("contractors[{i}].email"),
                email.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                &format!("contractors[{i}].website"),
                website.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            if let (Ok(name), Ok(until), Ok(email), Ok(website)) = (name, until, email, website) {
                contractors.push(ContractorDraft {
                    name,
                    until,
                    email,
                    website,
                });
            }
        }
        // publiccode.yml: contractors exactly when the maintenance is by contract.
        let blank_contractors = self.contractors.iter().all(ContractorInput::is_blank);
        match maintenance.clone() {
            Ok(MaintenanceType::Contract) if blank_contractors => {
                check("contractors", Err(FieldError::ContractorsRequired))
            }
            Ok(m) if m != MaintenanceType::Contract && !blank_contractors => {
                check("contractors", Err(FieldError::ContractorsOnlyForContract))
            }
            _ => {}
        }
        let mut contacts = Vec::new();
        for (i, c) in self
            .contacts
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_blank())
        {
            let name = parse_text(&c.name, 1, 200);
            let email = optional_email(&c.email);
            let phone = optional_text(&c.phone, 50);
            let affiliation = optional_text(&c.affiliation, 200);
            check(
                &format!("contacts[{i}].name"),
                name.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                &format!("contacts[{i}].email"),
                email.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                &format!("contacts[{i}].phone"),
                phone.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            check(
                &format!("contacts[{i}].affiliation"),
                affiliation.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            if let (Ok(name), Ok(email), Ok(phone), Ok(affiliation)) =
                (name, email, phone, affiliation)
            {
                contacts.push(ContactDraft {
                    name,
                    email,
                    phone,
                    affiliation,
                });
            }
        }
        let version = optional_text(&self.version, 50);
        check(
            "version",
            version.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let release_date = if self.release_date.trim().is_empty() {
            Ok(None)
        } else {
            parse_date(&self.release_date).map(Some)
        };
        check(
            "release_date",
            release_date.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let tags: Vec<String> = self.tags.iter().flat_map(|t| split_list(t)).collect();
        let mut unique_tags: Vec<String> = Vec::new();
        for t in tags {
            if !unique_tags
                .iter()
                .any(|u| u.to_lowercase() == t.to_lowercase())
            {
                unique_tags.push(t);
            }
        }
        check(
            "tags",
            if unique_tags.len() > MAX_TAGS {
                Err(FieldError::TooMany { max: MAX_TAGS })
            } else {
                Ok(())
            },
        );
        check(
            "tags",
            if unique_tags.iter().any(|t| t.chars().count() > TAG_CHARS) {
                Err(FieldError::ItemTooLong { max: TAG_CHARS })
            } else {
                Ok(())
            },
        );
        let features: Vec<String> = self.features.iter().flat_map(|f| split_lines(f)).collect();
        check(
            "features",
            if features.len() > MAX_FEATURES {
                Err(FieldError::TooMany { max: MAX_FEATURES })
            } else {
                Ok(())
            },
        );
        check(
            "features",
            if features.iter().any(|f| f.chars().count() > FEATURE_CHARS) {
                Err(FieldError::ItemTooLong { max: FEATURE_CHARS })
            } else {
                Ok(())
            },
        );
        let produces = parse_slugs(&self.produces);
        check(
            "produces",
            produces.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let consumes = parse_slugs(&self.consumes);
        check(
            "consumes",
            consumes.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let message = self.change_message.trim();
        check(
            "change_message",
            if message.chars().count() > 500 {
                Err(FieldError::TooLong { max: 500 })
            } else {
                Ok(())
            },
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        // Every rule passed: the values below are all `Ok`.
        let ok = |r: Result<String, FieldError>| r.unwrap_or_default();
        Ok(SolutionDraft {
            organisation,
            name: ok(name),
            slug,
            short_description: ok(short),
            short_description_en: short_en.unwrap_or_default(),
            long_description: self.long_description.trim().to_owned(),
            long_description_en: Some(self.long_description_en.trim().to_owned())
                .filter(|s| !s.is_empty()),
            repository_url: ok(repository),
            landing_url: landing.unwrap_or_default(),
            licence: ok(licence),
            development_status: status.unwrap_or(DevelopmentStatus::Development),
            software_type: software_type.unwrap_or(SoftwareType::StandaloneWeb),
            categories,
            platforms,
            maintenance_type: maintenance.unwrap_or(MaintenanceType::None),
            contractors,
            contacts,
            version: version.unwrap_or_default(),
            release_date: release_date.unwrap_or_default(),
            tags: unique_tags,
            features,
            produces: produces.unwrap_or_default(),
            consumes: consumes.unwrap_or_default(),
            change_message: message.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> SolutionInput {
        SolutionInput {
            organisation: "stadt-ulm".into(),
            name: "Sperrmüll online".into(),
            short_description: "Sperrmüll-Termine online buchen".into(),
            repository_url: "https://gitlab.opencode.de/ulm/sperrmuell".into(),
            licence: "EUPL-1.2".into(),
            development_status: "stable".into(),
            software_type: "standalone/web".into(),
            maintenance_type: "internal".into(),
            tags: vec!["Abfall, Termine".into()],
            features: vec!["Termin buchen\nErinnerung per E-Mail".into()],
            ..SolutionInput::default()
        }
    }

    #[test]
    fn a_valid_solution_gets_a_slug_and_clean_lists() {
        let draft = valid().parse().unwrap();
        assert_eq!(draft.slug, "sperrmuell-online");
        assert_eq!(draft.tags, ["Abfall", "Termine"]);
        assert_eq!(draft.features, ["Termin buchen", "Erinnerung per E-Mail"]);
    }

    /// One broken rule: the field, how the input is changed, the error expected.
    type Case = (&'static str, Box<dyn Fn(&mut SolutionInput)>, FieldError);

    #[test]
    fn every_rule_reports_on_its_field() {
        let cases: Vec<Case> = vec![
            (
                "name",
                Box::new(|s| s.name = "X".into()),
                FieldError::TooShort { min: 2 },
            ),
            (
                "name",
                Box::new(|s| s.name = "x".repeat(101)),
                FieldError::TooLong { max: 100 },
            ),
            (
                "short_description",
                Box::new(|s| s.short_description = String::new()),
                FieldError::Required,
            ),
            (
                "short_description",
                Box::new(|s| s.short_description = "y".repeat(151)),
                FieldError::TooLong { max: 150 },
            ),
            (
                "repository_url",
                Box::new(|s| s.repository_url = "javascript:alert(1)".into()),
                FieldError::InvalidUrl,
            ),
            (
                "landing_url",
                Box::new(|s| s.landing_url = "ftp://ulm.de".into()),
                FieldError::InvalidUrl,
            ),
            (
                "licence",
                Box::new(|s| s.licence = "EUPL-1.2 OR Quatsch-9".into()),
                FieldError::InvalidLicence,
            ),
            (
                "licence",
                Box::new(|s| s.licence = "MIT AND".into()),
                FieldError::InvalidLicence,
            ),
            (
                "development_status",
                Box::new(|s| s.development_status = "fertig".into()),
                FieldError::InvalidChoice,
            ),
            (
                "categories",
                Box::new(|s| s.categories = vec!["kochen".into()]),
                FieldError::InvalidChoice,
            ),
            (
                "slug",
                Box::new(|s| s.slug = "Mit Leerzeichen".into()),
                FieldError::InvalidSlug,
            ),
            (
                "release_date",
                Box::new(|s| s.release_date = "31.12.2025".into()),
                FieldError::InvalidDate,
            ),
            (
                "contractors",
                Box::new(|s| s.maintenance_type = "contract".into()),
                FieldError::ContractorsRequired,
            ),
            (
                "tags",
                Box::new(|s| s.tags = vec!["a".repeat(41)]),
                FieldError::ItemTooLong { max: 40 },
            ),
            (
                "long_description",
                Box::new(|s| s.long_description = "y".repeat(20_001)),
                FieldError::TooLong { max: 20_000 },
            ),
        ];
        for (field, change, expected) in cases {
            let mut input = valid();
            change(&mut input);
            let errors = input.parse().unwrap_err();
            assert_eq!(errors.get(field), Some(&expected), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_too_deeply_nested_description_is_refused_with_a_german_message() {
        let mut input = valid();
        input.long_description = ">".repeat(20_000);
        input.long_description_en = "- ".repeat(17) + "tief";
        let errors = input.parse().unwrap_err();
        let expected = FieldError::MarkdownTooDeep {
            max: crate::markdown::MAX_DEPTH,
        };
        assert_eq!(
            errors.get("long_description"),
            Some(&expected),
            "{errors:?}"
        );
        assert_eq!(
            errors.get("long_description_en"),
            Some(&expected),
            "{errors:?}"
        );
        let message = expected.message(crate::i18n::Lang::De);
        assert!(
            message.contains("zu tief verschachtelt") && message.contains("16 Ebenen"),
            "{message}"
        );
        input.long_description =
            "- eins\n  - zwei\n    - drei\n      - vier\n        - fünf".into();
        input.long_description_en.clear();
        assert!(input.parse().is_ok());
    }

    #[test]
    fn contractors_are_checked_row_by_row() {
        let mut input = valid();
        input.maintenance_type = "contract".into();
        input.contractors = vec![ContractorInput {
            name: "Dataport".into(),
            until: "2027-13-01".into(),
            ..Default::default()
        }];
        let errors = input.parse().unwrap_err();
        assert_eq!(
            errors.get("contractors[0].until"),
            Some(&FieldError::InvalidDate)
        );
        input.contractors[0].until = "2027-12-31".into();
        assert_eq!(input.parse().unwrap().contractors[0].name, "Dataport");
    }

    #[test]
    fn unknown_api_fields_are_rejected() {
        let json = r#"{"name": "X", "colour": "blau"}"#;
        assert!(serde_json::from_str::<SolutionInput>(json).is_err());
    }
}
