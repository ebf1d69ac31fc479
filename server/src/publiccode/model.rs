//! A publiccode.yml 0.x document after validation, normalised: lists are lists, absent
//! optional values are `None`, `isBasedOn` is always a list, the deprecated `it` section is
//! read as `IT`.

use serde::Serialize;

/// The fields of a publiccode.yml that a catalogue can use.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Publiccode {
    pub version: String,
    pub name: String,
    pub application_suite: Option<String>,
    pub url: String,
    pub landing_url: Option<String>,
    pub is_based_on: Vec<String>,
    pub software_version: Option<String>,
    pub release_date: Option<String>,
    pub logo: Option<String>,
    pub organisation: Option<Organisation>,
    pub platforms: Vec<String>,
    pub categories: Vec<String>,
    pub used_by: Vec<String>,
    pub roadmap: Option<String>,
    pub development_status: String,
    pub software_type: String,
    /// Descriptions by BCP 47 language tag, in document order.
    pub descriptions: Vec<(String, Description)>,
    pub licence: String,
    pub main_copyright_owner: Option<String>,
    pub maintenance_type: String,
    pub contractors: Vec<Contractor>,
    pub contacts: Vec<Contact>,
    pub localisation_ready: bool,
    pub available_languages: Vec<String>,
    /// Top-level keys present in the file, in document order.
    pub keys: Vec<String>,
}

/// `organisation` (and each `fundedBy[]` entry).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Organisation {
    pub name: Option<String>,
    pub uri: String,
}

/// `description.<lang>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Description {
    pub localised_name: Option<String>,
    pub short_description: String,
    pub long_description: String,
    pub documentation: Option<String>,
    pub api_documentation: Option<String>,
    pub features: Vec<String>,
    pub screenshots: Vec<String>,
    pub videos: Vec<String>,
    pub awards: Vec<String>,
}

/// `maintenance.contractors[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Contractor {
    pub name: String,
    pub email: Option<String>,
    pub website: Option<String>,
    pub until: String,
}

/// `maintenance.contacts[]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Contact {
    pub name: String,
    pub email: Option<String>,
    pub affiliation: Option<String>,
    pub phone: Option<String>,
}

impl Publiccode {
    /// The description (with its language tag) in the first of the given languages that
    /// exists; a tag matches its primary language too: `de` finds `de-DE`.
    pub fn description_in(&self, languages: &[&str]) -> Option<(&str, &Description)> {
        languages.iter().find_map(|want| {
            self.descriptions
                .iter()
                .find(|(lang, _)| lang.eq_ignore_ascii_case(want))
                .or_else(|| {
                    self.descriptions
                        .iter()
                        .find(|(lang, _)| primary_language(lang).eq_ignore_ascii_case(want))
                })
                .map(|(lang, d)| (lang.as_str(), d))
        })
    }
}

/// The primary language of a tag: `de` of `de-DE`.
pub fn primary_language(tag: &str) -> &str {
    tag.split('-').next().unwrap_or(tag)
}
