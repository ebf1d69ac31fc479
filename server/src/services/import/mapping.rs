//! From a validated publiccode.yml to Allmende's solution input: which key goes where, and a
//! plain German note for everything the catalogue does not keep.

use app::entry_rules::{
    ContactInput, ContractorInput, MAX_CATEGORIES, MAX_FEATURES, PLATFORMS, SolutionInput,
};

use crate::publiccode::Publiccode;
use crate::publiccode::model::primary_language;

/// Top-level keys that map onto the solution (or are only metadata of the file itself).
const MAPPED_KEYS: &[&str] = &[
    "publiccodeYmlVersion",
    "name",
    "url",
    "landingURL",
    "softwareVersion",
    "releaseDate",
    "platforms",
    "categories",
    "developmentStatus",
    "softwareType",
    "description",
    "legal",
    "maintenance",
    "localisation",
    "organisation",
];

/// The input for saving, and what was not taken over.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub input: SolutionInput,
    /// German sentences, one per thing the catalogue does not keep.
    pub notes: Vec<String>,
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Maps a valid publiccode.yml onto `base`: the existing entry when updating (so fields the
/// file cannot carry — tags, linked data models, the slug — stay as they are), or a fresh
/// input with only the owning organisation set.
pub fn to_input(pc: &Publiccode, base: SolutionInput) -> Mapped {
    let mut notes = Vec::new();
    let mut input = base;
    input.name = pc.name.trim().to_owned();
    let german = pc.description_in(&["de"]);
    let english = pc.description_in(&["en"]);
    let main = german
        .or(english)
        .or_else(|| pc.descriptions.first().map(|(lang, d)| (lang.as_str(), d)));
    if let (None, Some((lang, _))) = (german, main) {
        notes.push(format!(
            "Die Datei hat keine deutsche Beschreibung; die Beschreibung in „{lang}“ wurde übernommen. Bitte ergänzen Sie eine deutsche Fassung."
        ));
    }
    if let Some((_, main)) = main {
        input.short_description = one_line(&main.short_description);
        input.long_description = main.long_description.trim().to_owned();
        let mut features: Vec<String> = main
            .features
            .iter()
            .map(|f| one_line(f))
            .filter(|f| !f.is_empty())
            .collect();
        if features.len() > MAX_FEATURES {
            notes.push(format!(
                "Nur die ersten {MAX_FEATURES} von {} Funktionen wurden übernommen.",
                features.len()
            ));
            features.truncate(MAX_FEATURES);
        }
        input.features = features;
    }
    // Without an English description in the file, the entry keeps the English texts it has
    // (the standard needs 150 characters, so a short English text cannot be exported).
    if let (Some(_), Some((_, en))) = (german, english) {
        input.short_description_en = one_line(&en.short_description);
        input.long_description_en = en.long_description.trim().to_owned();
    } else if german.is_none() {
        input.short_description_en.clear();
        input.long_description_en.clear();
    }
    let main_lang = main.map(|(lang, _)| lang);
    let other_languages: Vec<&str> = pc
        .descriptions
        .iter()
        .map(|(lang, _)| lang.as_str())
        .filter(|lang| {
            !["de", "en"].contains(&primary_language(lang).to_ascii_lowercase().as_str())
                && main_lang != Some(*lang)
        })
        .collect();
    if !other_languages.is_empty() {
        notes.push(format!(
            "Beschreibungen in weiteren Sprachen werden nicht gespeichert: {}.",
            other_languages.join(", ")
        ));
    }
    input.repository_url = pc.url.trim().to_owned();
    input.landing_url = pc.landing_url.clone().unwrap_or_default();
    input.licence = pc.licence.clone();
    input.development_status = pc.development_status.clone();
    input.software_type = pc.software_type.clone();
    input.maintenance_type = pc.maintenance_type.clone();
    let mut categories = Vec::new();
    for category in &pc.categories {
        if !app::categories::is_category(category) {
            notes.push(format!(
                "Die Kategorie „{category}“ kennt Allmende nicht; sie wurde nicht übernommen."
            ));
        } else if !categories.contains(category) {
            categories.push(category.clone());
        }
    }
    if categories.len() > MAX_CATEGORIES {
        notes.push(format!(
            "Nur die ersten {MAX_CATEGORIES} von {} Kategorien wurden übernommen.",
            categories.len()
        ));
        categories.truncate(MAX_CATEGORIES);
    }
    input.categories = categories;
    let mut platforms = Vec::new();
    for platform in &pc.platforms {
        let lower = platform.trim().to_lowercase();
        if PLATFORMS.contains(&lower.as_str()) {
            if !platforms.contains(&lower) {
                platforms.push(lower);
            }
        } else {
            notes.push(format!(
                "Die Plattform „{platform}“ ist in Allmende nicht vorgesehen (web, windows, mac, linux, ios, android); sie wurde nicht übernommen."
            ));
        }
    }
    input.platforms = platforms;
    input.contractors = pc
        .contractors
        .iter()
        .map(|c| ContractorInput {
            name: c.name.clone(),
            until: c.until.clone(),
            email: c.email.clone().unwrap_or_default(),
            website: c.website.clone().unwrap_or_default(),
        })
        .collect();
    input.contacts = pc
        .contacts
        .iter()
        .map(|c| ContactInput {
            name: c.name.clone(),
            email: c.email.clone().unwrap_or_default(),
            phone: c.phone.clone().unwrap_or_default(),
            affiliation: c.affiliation.clone().unwrap_or_default(),
        })
        .collect();
    input.version = pc.software_version.clone().unwrap_or_default();
    input.release_date = pc.release_date.clone().unwrap_or_default();
    for key in pc
        .keys
        .iter()
        .filter(|k| !MAPPED_KEYS.contains(&k.as_str()))
    {
        notes.push(match key.as_str() {
            "usedBy" => "„usedBy“ wird nicht übernommen: Nutzende Organisationen erfassen ihre Nutzung selbst mit „Wir nutzen das“.".to_owned(),
            "isBasedOn" => "„isBasedOn“ wird nicht übernommen: Eine Ableitung erfassen Sie mit „Fork anlegen“ auf der Seite des Originals.".to_owned(),
            other => format!("„{other}“ wird in Allmende nicht gespeichert."),
        });
    }
    if pc.main_copyright_owner.is_some() {
        notes.push("„legal.mainCopyrightOwner“ wird in Allmende nicht gespeichert.".to_owned());
    }
    Mapped { input, notes }
}
