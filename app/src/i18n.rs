//! The one translation mechanism: every UI text lives in [`Texts`], once in German and once
//! in English, reached through [`Lang::texts`] or [`use_texts`]. Larger areas are groups
//! inside it ([`Texts::account`], [`Texts::entry`], [`Texts::reuse`] …), each a struct with
//! a German and an English constant. A missing translation is a compile error, because
//! both constants must fill every field. Texts with values carry `{name}` placeholders
//! for [`fill`]. Also: language detection and German/English number and date formatting.

mod import;
mod model_tools;
mod notices;
mod reuse;

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::account_texts::AccountTexts;
pub use crate::entry_texts::EntryTexts;
pub use import::ImportTexts;
pub use model_tools::ModelToolsTexts;
pub use notices::Notices;
pub use reuse::ReuseTexts;

/// The languages of the user interface. German is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    De,
    En,
}

/// Name of the cookie that stores an explicit language choice (set only by the switch).
pub const LANG_COOKIE: &str = "allmende_lang";

impl Lang {
    /// BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// Parses "de"/"en" (case-insensitive, region ignored).
    pub fn parse(value: &str) -> Option<Lang> {
        let primary = value.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language, offered by the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::De => Lang::En,
            Lang::En => Lang::De,
        }
    }

    /// Chooses the language from the language cookie first, then `Accept-Language`
    /// (highest q-value among de/en), else German.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(chosen) = cookie_header.and_then(|cookies| {
            cookies.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == LANG_COOKIE).then(|| Lang::parse(value)).flatten()
            })
        }) {
            return chosen;
        }
        let Some(accept) = accept_language else {
            return Lang::De;
        };
        let mut best: Option<(Lang, f32)> = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(_, best_q)| q > best_q) {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang).unwrap_or_default()
    }

    /// All UI texts in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::De => &DE,
            Lang::En => &EN,
        }
    }
}

/// The language of the current request (provided by the app root).
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The texts of the current request's language.
pub fn use_texts() -> &'static Texts {
    use_lang().texts()
}

/// Formats an integer with the language's thousands separator: 12.345 / 12,345.
pub fn format_int(value: i64, lang: Lang) -> String {
    let sep = match lang {
        Lang::De => '.',
        Lang::En => ',',
    };
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// Formats a date: 23.11.2026 in German, 23 November 2026 in English.
pub fn format_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::De => format!("{:02}.{:02}.{}", date.day(), date.month(), date.year()),
        Lang::En => {
            const MONTHS: [&str; 12] = [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ];
            format!(
                "{} {} {}",
                date.day(),
                MONTHS[date.month0() as usize],
                date.year()
            )
        }
    }
}

/// Every text of the user interface. Field names say where a text is used.
pub struct Texts {
    pub site_name: &'static str,
    pub site_tagline: &'static str,
    pub skip_to_content: &'static str,
    pub official_bar: &'static str,
    pub nav_label: &'static str,
    pub nav_solutions: &'static str,
    pub nav_data_models: &'static str,
    pub nav_organisations: &'static str,
    pub nav_search: &'static str,
    pub header_search_label: &'static str,
    pub header_search_button: &'static str,
    pub language_switch_label: &'static str,
    pub language_switch_button: &'static str,
    pub footer_label: &'static str,
    pub footer_imprint: &'static str,
    pub footer_privacy: &'static str,
    pub footer_accessibility: &'static str,
    pub footer_api: &'static str,
    pub footer_about: &'static str,
    pub breadcrumb_label: &'static str,
    pub breadcrumb_home: &'static str,
    pub demo_notice: &'static str,

    pub home_title: &'static str,
    pub home_meta: &'static str,
    pub home_lead: &'static str,
    pub home_intro: &'static str,
    pub home_stats_heading: &'static str,
    pub home_newest_solutions: &'static str,
    pub home_newest_data_models: &'static str,
    pub home_all_solutions: &'static str,
    pub home_all_data_models: &'static str,
    pub home_how_heading: &'static str,
    pub home_how_find: &'static str,
    pub home_how_reuse: &'static str,
    pub home_how_share: &'static str,
    pub stat_solutions: &'static str,
    pub stat_data_models: &'static str,
    pub stat_organisations: &'static str,
    pub stat_adoptions: &'static str,
    pub stat_forks: &'static str,

    pub solutions_title: &'static str,
    pub solutions_meta: &'static str,
    pub solutions_lead: &'static str,
    pub data_models_title: &'static str,
    pub data_models_meta: &'static str,
    pub data_models_lead: &'static str,
    pub organisations_title: &'static str,
    pub organisations_meta: &'static str,
    pub organisations_lead: &'static str,

    pub filter_heading: &'static str,
    pub filter_category: &'static str,
    pub filter_licence: &'static str,
    pub filter_status: &'static str,
    pub filter_organisation: &'static str,
    pub filter_bundesland: &'static str,
    pub filter_domain: &'static str,
    pub filter_kind: &'static str,
    pub filter_any: &'static str,
    pub filter_apply: &'static str,
    pub filter_reset: &'static str,
    pub sort_label: &'static str,
    pub sort_newest: &'static str,
    pub sort_name: &'static str,
    pub sort_reused: &'static str,
    pub results_count_one: &'static str,
    pub results_count_many: &'static str,
    pub no_results: &'static str,
    pub no_results_hint: &'static str,
    pub pagination_label: &'static str,
    pub pagination_previous: &'static str,
    pub pagination_next: &'static str,
    pub pagination_page_of: &'static str,

    pub card_reuse_one: &'static str,
    pub card_reuse_many: &'static str,
    pub card_fork_badge: &'static str,
    pub card_by: &'static str,

    pub detail_overview: &'static str,
    pub detail_description: &'static str,
    pub detail_description_en: &'static str,
    pub detail_facts: &'static str,
    pub detail_organisation: &'static str,
    pub detail_licence: &'static str,
    pub detail_status: &'static str,
    pub detail_software_type: &'static str,
    pub detail_version: &'static str,
    pub detail_release_date: &'static str,
    pub detail_categories: &'static str,
    pub detail_platforms: &'static str,
    pub detail_tags: &'static str,
    pub detail_features: &'static str,
    pub detail_repository: &'static str,
    pub detail_landing: &'static str,
    pub detail_maintenance: &'static str,
    pub detail_contractors: &'static str,
    pub detail_contractor_until: &'static str,
    pub detail_contacts: &'static str,
    pub detail_lineage: &'static str,
    pub detail_forked_from: &'static str,
    pub detail_forks: &'static str,
    pub detail_no_forks: &'static str,
    pub detail_adopters: &'static str,
    pub detail_no_adopters: &'static str,
    pub detail_adopter_since: &'static str,
    pub detail_adopter_contact: &'static str,
    pub detail_data_models: &'static str,
    pub detail_no_data_models: &'static str,
    pub detail_used_by: &'static str,
    pub detail_not_used: &'static str,
    pub detail_reuse: &'static str,
    pub detail_revisions: &'static str,
    pub detail_updated: &'static str,
    pub detail_published: &'static str,
    pub detail_archived: &'static str,
    pub detail_not_specified: &'static str,
    pub detail_domain: &'static str,
    pub detail_schema: &'static str,
    pub detail_schema_table_caption: &'static str,
    pub detail_schema_field: &'static str,
    pub detail_schema_type: &'static str,
    pub detail_schema_required: &'static str,
    pub detail_schema_description: &'static str,
    pub detail_schema_allowed: &'static str,
    pub detail_schema_yes: &'static str,
    pub detail_schema_no: &'static str,
    pub detail_schema_raw: &'static str,
    pub detail_examples: &'static str,
    pub detail_example_n: &'static str,
    pub detail_no_properties: &'static str,
    pub copy_button: &'static str,
    pub copy_done: &'static str,
    pub copy_failed: &'static str,

    pub org_kind: &'static str,
    pub org_bundesland: &'static str,
    pub org_ags: &'static str,
    pub org_size: &'static str,
    pub org_website: &'static str,
    pub org_contact: &'static str,
    pub org_solutions: &'static str,
    pub org_data_models: &'static str,
    pub org_adoptions: &'static str,
    pub org_no_solutions: &'static str,
    pub org_no_data_models: &'static str,
    pub org_no_adoptions: &'static str,
    pub org_counts: &'static str,

    pub search_title: &'static str,
    pub search_meta: &'static str,
    pub search_label: &'static str,
    pub search_button: &'static str,
    pub search_hint: &'static str,
    pub search_results_for: &'static str,
    pub search_empty_hint: &'static str,
    pub search_did_you_mean: &'static str,
    pub search_without_filters: &'static str,
    pub sort_relevance: &'static str,
    pub facet_more: &'static str,
    pub facet_kind: &'static str,
    pub search_suggestions_label: &'static str,
    pub search_suggestions_count: &'static str,
    pub search_no_suggestions: &'static str,
    pub search_org_entries: &'static str,

    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub not_found_back: &'static str,
    pub error_title: &'static str,
    pub error_text: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_text: &'static str,

    pub imprint_title: &'static str,
    pub imprint_provider: &'static str,
    pub imprint_represented_by: &'static str,
    pub imprint_contact: &'static str,
    pub imprint_email: &'static str,
    pub imprint_phone: &'static str,
    pub imprint_content_note: &'static str,
    pub imprint_unconfigured: &'static str,
    pub privacy_title: &'static str,
    pub privacy_body: &'static [&'static str],
    pub accessibility_title: &'static str,
    pub accessibility_body: &'static [&'static str],
    pub accessibility_feedback: &'static str,

    /// The account and organisation management pages.
    pub account: AccountTexts,
    /// The publishing forms, the history and the comparison.
    pub entry: EntryTexts,
    /// Reusing an entry, the reuse statistics and the reuse parts of a solution's page.
    pub reuse: ReuseTexts,
    /// The data model tools (compatibility, checking data).
    pub model_tools: ModelToolsTexts,
    /// The publiccode.yml import.
    pub import: ImportTexts,
    /// Notices after an action, shown by the server's page handlers.
    pub notices: Notices,
}

/// German texts (the default).
pub static DE: Texts = Texts {
    site_name: "Allmende",
    site_tagline: "Einmal gebaut – vielfach genutzt",
    skip_to_content: "Zum Inhalt springen",
    official_bar: "Offener Katalog für Lösungen der öffentlichen Verwaltung",
    nav_label: "Hauptnavigation",
    nav_solutions: "Lösungen",
    nav_data_models: "Datenmodelle",
    nav_organisations: "Organisationen",
    nav_search: "Suche",
    header_search_label: "Katalog durchsuchen",
    header_search_button: "Suchen",
    language_switch_label: "Sprache",
    language_switch_button: "English",
    footer_label: "Rechtliches und Informationen",
    footer_imprint: "Impressum",
    footer_privacy: "Datenschutzerklärung",
    footer_accessibility: "Erklärung zur Barrierefreiheit",
    footer_api: "Offene Schnittstelle (API)",
    footer_about: "Allmende ist Open Source (EUPL-1.2). Alle Inhalte sind über die offene Schnittstelle exportierbar.",
    breadcrumb_label: "Brotkrumennavigation",
    breadcrumb_home: "Startseite",
    demo_notice: "Demo-Katalog: Die Einträge zeigen beispielhaft, wie Behörden Lösungen und Datenmodelle teilen. Organisationsnamen sind echt, die Einträge sind Beispiele.",

    home_title: "Allmende – Open-Source-Katalog der öffentlichen Verwaltung",
    home_meta: "Finden, teilen und nachnutzen: Open-Source-Lösungen und Datenmodelle von Kommunen, Landkreisen, Ländern und kommunalen IT-Dienstleistern.",
    home_lead: "Einmal gebaut – vielfach genutzt.",
    home_intro: "Allmende ist der offene Katalog, in dem Kommunen, Landkreise, Länder, Stadtwerke und kommunale IT-Dienstleister ihre Open-Source-Lösungen und Datenmodelle veröffentlichen. Finden Sie erprobte Software, sehen Sie, wer sie schon betreibt, und nutzen Sie sie nach – ohne Herstellerbindung.",
    home_stats_heading: "Der Katalog in Zahlen",
    home_newest_solutions: "Neue Lösungen",
    home_newest_data_models: "Neue Datenmodelle",
    home_all_solutions: "Alle Lösungen ansehen",
    home_all_data_models: "Alle Datenmodelle ansehen",
    home_how_heading: "So funktioniert Allmende",
    home_how_find: "Finden: Suchen Sie in deutschen Begriffen nach Aufgaben wie „Sperrmüll“ oder „Ratsinformation“ und filtern Sie nach Kategorie, Lizenz und Bundesland.",
    home_how_reuse: "Nachnutzen: Sehen Sie, welche Kommunen eine Lösung schon einsetzen, und übernehmen Sie sie als Abspaltung (Fork) in Ihre Organisation.",
    home_how_share: "Teilen: Veröffentlichen Sie eigene Lösungen und Datenmodelle in offenen Formaten wie publiccode.yml und JSON Schema.",
    stat_solutions: "Lösungen",
    stat_data_models: "Datenmodelle",
    stat_organisations: "Organisationen",
    stat_adoptions: "Nutzungen",
    stat_forks: "Abspaltungen",

    solutions_title: "Lösungen",
    solutions_meta: "Open-Source-Lösungen der öffentlichen Verwaltung: filtern nach Kategorie, Lizenz, Entwicklungsstand, Organisation und Bundesland.",
    solutions_lead: "Open-Source-Software, die Behörden veröffentlichen und nachnutzen.",
    data_models_title: "Datenmodelle",
    data_models_meta: "Datenmodelle der öffentlichen Verwaltung als JSON Schema mit Beispielen: filtern nach Themenbereich, Organisation und Bundesland.",
    data_models_lead: "Gemeinsame Datenstrukturen als JSON Schema – damit Daten zwischen Verwaltungen zusammenpassen.",
    organisations_title: "Organisationen",
    organisations_meta: "Kommunen, Landkreise, Länder, Stadtwerke und IT-Dienstleister, die im Katalog Allmende Lösungen teilen und nutzen.",
    organisations_lead: "Öffentliche Stellen, die Lösungen und Datenmodelle teilen und nutzen.",

    filter_heading: "Filter",
    filter_category: "Kategorie",
    filter_licence: "Lizenz",
    filter_status: "Entwicklungsstand",
    filter_organisation: "Organisation",
    filter_bundesland: "Bundesland",
    filter_domain: "Themenbereich",
    filter_kind: "Art der Organisation",
    filter_any: "Alle",
    filter_apply: "Filter anwenden",
    filter_reset: "Filter zurücksetzen",
    sort_label: "Sortierung",
    sort_newest: "Neueste zuerst",
    sort_name: "Name (A–Z)",
    sort_reused: "Meistgenutzt",
    results_count_one: "1 Eintrag",
    results_count_many: "{n} Einträge",
    no_results: "Keine Einträge gefunden.",
    no_results_hint: "Entfernen Sie einzelne Filter oder setzen Sie alle Filter zurück.",
    pagination_label: "Seiten",
    pagination_previous: "Vorherige Seite",
    pagination_next: "Nächste Seite",
    pagination_page_of: "Seite {page} von {pages}",

    card_reuse_one: "1 Organisation nutzt dies nach",
    card_reuse_many: "{n} Organisationen nutzen dies nach",
    card_fork_badge: "Abspaltung",
    card_by: "von",

    detail_overview: "Überblick",
    detail_description: "Beschreibung",
    detail_description_en: "Beschreibung auf Englisch",
    detail_facts: "Steckbrief",
    detail_organisation: "Organisation",
    detail_licence: "Lizenz",
    detail_status: "Entwicklungsstand",
    detail_software_type: "Art der Software",
    detail_version: "Version",
    detail_release_date: "Veröffentlicht am",
    detail_categories: "Kategorien",
    detail_platforms: "Plattformen",
    detail_tags: "Schlagwörter",
    detail_features: "Funktionen",
    detail_repository: "Quellcode",
    detail_landing: "Projektseite",
    detail_maintenance: "Pflege",
    detail_contractors: "Beauftragte Dienstleister",
    detail_contractor_until: "Vertrag bis",
    detail_contacts: "Ansprechpersonen",
    detail_lineage: "Herkunft und Abspaltungen",
    detail_forked_from: "Abgeleitet von",
    detail_forks: "Abspaltungen",
    detail_no_forks: "Noch keine Abspaltungen.",
    detail_adopters: "Wer nutzt das?",
    detail_no_adopters: "Noch keine Organisation hat eine Nutzung eingetragen.",
    detail_adopter_since: "seit",
    detail_adopter_contact: "Ansprechperson",
    detail_data_models: "Verwendete Datenmodelle",
    detail_no_data_models: "Keine Datenmodelle verknüpft.",
    detail_used_by: "Lösungen, die dieses Datenmodell verwenden",
    detail_not_used: "Noch keine Lösung verknüpft.",
    detail_reuse: "Nachnutzung",
    detail_revisions: "Versionen im Verlauf",
    detail_updated: "Zuletzt geändert",
    detail_published: "Im Katalog seit",
    detail_archived: "Dieser Eintrag ist archiviert und wird nicht mehr gepflegt.",
    detail_not_specified: "keine Angabe",
    detail_domain: "Themenbereich",
    detail_schema: "Struktur",
    detail_schema_table_caption: "Felder des Datenmodells",
    detail_schema_field: "Feld",
    detail_schema_type: "Typ",
    detail_schema_required: "Pflichtfeld",
    detail_schema_description: "Beschreibung",
    detail_schema_allowed: "Erlaubte Werte",
    detail_schema_yes: "ja",
    detail_schema_no: "nein",
    detail_schema_raw: "JSON Schema (Rohfassung)",
    detail_examples: "Beispieldaten",
    detail_example_n: "Beispiel {n}",
    detail_no_properties: "Das Schema beschreibt keine einzelnen Felder.",
    copy_button: "In die Zwischenablage kopieren",
    copy_done: "Kopiert.",
    copy_failed: "Kopieren war nicht möglich. Bitte markieren Sie den Text und kopieren Sie ihn selbst.",

    org_kind: "Art",
    org_bundesland: "Bundesland",
    org_ags: "Amtlicher Gemeindeschlüssel",
    org_size: "Größenklasse",
    org_website: "Website",
    org_contact: "Kontakt",
    org_solutions: "Lösungen dieser Organisation",
    org_data_models: "Datenmodelle dieser Organisation",
    org_adoptions: "Was diese Organisation nutzt",
    org_no_solutions: "Diese Organisation hat noch keine Lösungen veröffentlicht.",
    org_no_data_models: "Diese Organisation hat noch keine Datenmodelle veröffentlicht.",
    org_no_adoptions: "Diese Organisation hat noch keine Nutzung eingetragen.",
    org_counts: "{s} Lösungen · {d} Datenmodelle · {a} Nutzungen",

    search_title: "Suche",
    search_meta: "Den Katalog Allmende nach Lösungen und Datenmodellen durchsuchen.",
    search_label: "Suchbegriff",
    search_button: "Suchen",
    search_hint: "Zum Beispiel „Sperrmüll“, „Ratsinformationssystem“ oder „Parkplatz“.",
    search_results_for: "Ergebnisse für „{q}“",
    search_empty_hint: "Prüfen Sie die Schreibweise oder versuchen Sie einen allgemeineren Begriff.",
    search_did_you_mean: "Meinten Sie",
    search_without_filters: "Ohne Filter suchen",
    sort_relevance: "Beste Treffer",
    facet_more: "{n} weitere anzeigen",
    facet_kind: "Art des Eintrags",
    search_suggestions_label: "Suchvorschläge",
    search_suggestions_count: "{n} Vorschläge. Mit den Pfeiltasten auswählen, mit Eingabe übernehmen.",
    search_no_suggestions: "Keine Vorschläge.",
    search_org_entries: "{n} veröffentlichte Einträge",

    not_found_title: "Seite nicht gefunden",
    not_found_text: "Die aufgerufene Seite gibt es nicht (mehr). Vielleicht wurde der Eintrag umbenannt oder die Adresse ist unvollständig.",
    not_found_back: "Zur Startseite",
    error_title: "Es ist ein Fehler aufgetreten",
    error_text: "Die Seite konnte gerade nicht geladen werden. Bitte versuchen Sie es in einigen Minuten erneut.",
    unavailable_title: "Vorübergehend nicht verfügbar",
    unavailable_text: "Die Datenbank ist gerade nicht erreichbar, oder der Suchindex wird noch aufgebaut. Bitte versuchen Sie es in einigen Sekunden erneut.",

    imprint_title: "Impressum",
    imprint_provider: "Anbieter",
    imprint_represented_by: "Vertreten durch",
    imprint_contact: "Kontakt",
    imprint_email: "E-Mail",
    imprint_phone: "Telefon",
    imprint_content_note: "Für die Inhalte der einzelnen Einträge sind die jeweils veröffentlichenden Organisationen verantwortlich.",
    imprint_unconfigured: "Die Betreiberangaben dieser Installation sind noch nicht vollständig konfiguriert. Der Betrieb setzt ALLMENDE_OPERATOR_NAME, ALLMENDE_OPERATOR_ADDRESS und ALLMENDE_OPERATOR_EMAIL.",
    privacy_title: "Datenschutzerklärung",
    privacy_body: &[
        "Allmende erhebt beim bloßen Lesen des Katalogs keine personenbezogenen Daten über Sie, außer den technisch notwendigen Angaben, die jeder Webserver verarbeitet (IP-Adresse, Zeitpunkt, aufgerufene Adresse). Diese Angaben dienen nur dem sicheren Betrieb und werden nicht mit anderen Daten zusammengeführt.",
        "Es werden keine Tracking-Dienste, keine externen Schriftarten und keine Inhalte anderer Anbieter eingebunden. Alle Dateien kommen vom Server dieser Installation.",
        "Ein Cookie wird nur gesetzt, wenn Sie ausdrücklich die Sprache umstellen; es speichert nur diese Wahl für ein Jahr.",
        "Verantwortlich im Sinne der DSGVO ist der im Impressum genannte Anbieter. Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung und Beschwerde bei einer Datenschutzaufsichtsbehörde.",
    ],
    accessibility_title: "Erklärung zur Barrierefreiheit",
    accessibility_body: &[
        "Der Anbieter ist bemüht, Allmende im Einklang mit der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu machen. Maßstab ist die Konformitätsstufe AA der WCAG 2.1.",
        "Stand der Vereinbarkeit: Die Seiten werden bei jeder Änderung automatisiert mit axe-core auf Verstöße gegen WCAG 2.1 A und AA geprüft. Alle Inhalte lassen sich ohne JavaScript lesen und mit der Tastatur bedienen.",
        "Bekannte Einschränkungen: Beschreibungstexte und Beispieldaten stammen von den veröffentlichenden Organisationen und können Fachbegriffe enthalten, die nicht in Leichter Sprache erläutert sind.",
    ],
    accessibility_feedback: "Barrieren melden: Wenn Ihnen Mängel auffallen, schreiben Sie bitte an die im Impressum genannte Kontaktadresse. Wird Ihre Meldung nicht zufriedenstellend beantwortet, können Sie sich an die Schlichtungsstelle nach § 16 BGG wenden.",

    account: crate::account_texts::DE,
    entry: crate::entry_texts::DE,
    reuse: reuse::DE,
    model_tools: model_tools::DE,
    import: import::DE,
    notices: notices::DE,
};

/// English texts.
pub static EN: Texts = Texts {
    site_name: "Allmende",
    site_tagline: "Built once – reused many times",
    skip_to_content: "Skip to content",
    official_bar: "Open catalogue of public-sector solutions",
    nav_label: "Main navigation",
    nav_solutions: "Solutions",
    nav_data_models: "Data models",
    nav_organisations: "Organisations",
    nav_search: "Search",
    header_search_label: "Search the catalogue",
    header_search_button: "Search",
    language_switch_label: "Language",
    language_switch_button: "Deutsch",
    footer_label: "Legal and information",
    footer_imprint: "Legal notice",
    footer_privacy: "Privacy policy",
    footer_accessibility: "Accessibility statement",
    footer_api: "Open interface (API)",
    footer_about: "Allmende is open source (EUPL-1.2). All content can be exported through the open interface.",
    breadcrumb_label: "Breadcrumb",
    breadcrumb_home: "Home",
    demo_notice: "Demo catalogue: the entries show how public bodies share solutions and data models. Organisation names are real; the entries are examples.",

    home_title: "Allmende – the open-source catalogue of the German public sector",
    home_meta: "Find, share and reuse open-source solutions and data models of German municipalities, districts, federal states and public IT service providers.",
    home_lead: "Built once – reused many times.",
    home_intro: "Allmende is the open catalogue where German municipalities, districts, federal states, municipal utilities and public IT service providers publish their open-source solutions and data models. Find proven software, see who already runs it, and reuse it – without vendor lock-in.",
    home_stats_heading: "The catalogue in numbers",
    home_newest_solutions: "New solutions",
    home_newest_data_models: "New data models",
    home_all_solutions: "See all solutions",
    home_all_data_models: "See all data models",
    home_how_heading: "How Allmende works",
    home_how_find: "Find: search for tasks such as “Sperrmüll” (bulky waste) or “Ratsinformation” (council information) and filter by category, licence and federal state.",
    home_how_reuse: "Reuse: see which municipalities already run a solution and take it into your own organisation as a fork.",
    home_how_share: "Share: publish your own solutions and data models in open formats such as publiccode.yml and JSON Schema.",
    stat_solutions: "Solutions",
    stat_data_models: "Data models",
    stat_organisations: "Organisations",
    stat_adoptions: "Adoptions",
    stat_forks: "Forks",

    solutions_title: "Solutions",
    solutions_meta: "Open-source solutions of the German public sector: filter by category, licence, development status, organisation and federal state.",
    solutions_lead: "Open-source software that public bodies publish and reuse.",
    data_models_title: "Data models",
    data_models_meta: "Public-sector data models as JSON Schema with examples: filter by subject area, organisation and federal state.",
    data_models_lead: "Shared data structures as JSON Schema – so that data fits together across administrations.",
    organisations_title: "Organisations",
    organisations_meta: "Municipalities, districts, federal states, utilities and IT service providers that share and use solutions in Allmende.",
    organisations_lead: "Public bodies that share and use solutions and data models.",

    filter_heading: "Filters",
    filter_category: "Category",
    filter_licence: "Licence",
    filter_status: "Development status",
    filter_organisation: "Organisation",
    filter_bundesland: "Federal state",
    filter_domain: "Subject area",
    filter_kind: "Kind of organisation",
    filter_any: "All",
    filter_apply: "Apply filters",
    filter_reset: "Reset filters",
    sort_label: "Sort by",
    sort_newest: "Newest first",
    sort_name: "Name (A–Z)",
    sort_reused: "Most reused",
    results_count_one: "1 entry",
    results_count_many: "{n} entries",
    no_results: "No entries found.",
    no_results_hint: "Remove some filters or reset all filters.",
    pagination_label: "Pages",
    pagination_previous: "Previous page",
    pagination_next: "Next page",
    pagination_page_of: "Page {page} of {pages}",

    card_reuse_one: "1 organisation reuses this",
    card_reuse_many: "{n} organisations reuse this",
    card_fork_badge: "Fork",
    card_by: "by",

    detail_overview: "Overview",
    detail_description: "Description",
    detail_description_en: "English description",
    detail_facts: "Key facts",
    detail_organisation: "Organisation",
    detail_licence: "Licence",
    detail_status: "Development status",
    detail_software_type: "Software type",
    detail_version: "Version",
    detail_release_date: "Released on",
    detail_categories: "Categories",
    detail_platforms: "Platforms",
    detail_tags: "Tags",
    detail_features: "Features",
    detail_repository: "Source code",
    detail_landing: "Project website",
    detail_maintenance: "Maintenance",
    detail_contractors: "Contracted providers",
    detail_contractor_until: "Contract until",
    detail_contacts: "Contacts",
    detail_lineage: "Origin and forks",
    detail_forked_from: "Forked from",
    detail_forks: "Forks",
    detail_no_forks: "No forks yet.",
    detail_adopters: "Who uses this?",
    detail_no_adopters: "No organisation has declared using this yet.",
    detail_adopter_since: "since",
    detail_adopter_contact: "Contact",
    detail_data_models: "Data models used",
    detail_no_data_models: "No data models linked.",
    detail_used_by: "Solutions using this data model",
    detail_not_used: "No solution linked yet.",
    detail_reuse: "Reuse",
    detail_revisions: "Revisions in history",
    detail_updated: "Last changed",
    detail_published: "In the catalogue since",
    detail_archived: "This entry is archived and no longer maintained.",
    detail_not_specified: "not specified",
    detail_domain: "Subject area",
    detail_schema: "Structure",
    detail_schema_table_caption: "Fields of the data model",
    detail_schema_field: "Field",
    detail_schema_type: "Type",
    detail_schema_required: "Required",
    detail_schema_description: "Description",
    detail_schema_allowed: "Allowed values",
    detail_schema_yes: "yes",
    detail_schema_no: "no",
    detail_schema_raw: "JSON Schema (raw)",
    detail_examples: "Example data",
    detail_example_n: "Example {n}",
    detail_no_properties: "The schema does not describe individual fields.",
    copy_button: "Copy to clipboard",
    copy_done: "Copied.",
    copy_failed: "Copying was not possible. Please select the text and copy it yourself.",

    org_kind: "Kind",
    org_bundesland: "Federal state",
    org_ags: "Official municipality key (AGS)",
    org_size: "Size class",
    org_website: "Website",
    org_contact: "Contact",
    org_solutions: "Solutions of this organisation",
    org_data_models: "Data models of this organisation",
    org_adoptions: "What this organisation uses",
    org_no_solutions: "This organisation has not published solutions yet.",
    org_no_data_models: "This organisation has not published data models yet.",
    org_no_adoptions: "This organisation has not declared any use yet.",
    org_counts: "{s} solutions · {d} data models · {a} adoptions",

    search_title: "Search",
    search_meta: "Search the Allmende catalogue for solutions and data models.",
    search_label: "Search term",
    search_button: "Search",
    search_hint: "For example “Sperrmüll”, “Ratsinformationssystem” or “Parkplatz”.",
    search_results_for: "Results for “{q}”",
    search_empty_hint: "Check the spelling or try a more general term.",
    search_did_you_mean: "Did you mean",
    search_without_filters: "Search without filters",
    sort_relevance: "Best match",
    facet_more: "Show {n} more",
    facet_kind: "Type of entry",
    search_suggestions_label: "Search suggestions",
    search_suggestions_count: "{n} suggestions. Use the arrow keys to choose, Enter to accept.",
    search_no_suggestions: "No suggestions.",
    search_org_entries: "{n} published entries",

    not_found_title: "Page not found",
    not_found_text: "This page does not exist (any more). The entry may have been renamed or the address is incomplete.",
    not_found_back: "Go to the home page",
    error_title: "Something went wrong",
    error_text: "The page could not be loaded just now. Please try again in a few minutes.",
    unavailable_title: "Temporarily unavailable",
    unavailable_text: "The database cannot be reached just now, or the search index is still being built. Please try again in a few seconds.",

    imprint_title: "Legal notice",
    imprint_provider: "Provider",
    imprint_represented_by: "Represented by",
    imprint_contact: "Contact",
    imprint_email: "E-mail",
    imprint_phone: "Phone",
    imprint_content_note: "The organisations that publish entries are responsible for their content.",
    imprint_unconfigured: "The operator details of this installation are not fully configured yet. The operator sets ALLMENDE_OPERATOR_NAME, ALLMENDE_OPERATOR_ADDRESS and ALLMENDE_OPERATOR_EMAIL.",
    privacy_title: "Privacy policy",
    privacy_body: &[
        "Reading the catalogue collects no personal data about you beyond the technically necessary details every web server processes (IP address, time, requested address). They serve only secure operation and are not combined with other data.",
        "No tracking services, external fonts or third-party content are embedded. Every file comes from this installation's own server.",
        "A cookie is set only when you explicitly switch the language; it stores only that choice for one year.",
        "The controller under the GDPR is the provider named in the legal notice. You have the right of access, rectification, erasure, restriction of processing and to lodge a complaint with a data protection authority.",
    ],
    accessibility_title: "Accessibility statement",
    accessibility_body: &[
        "The provider strives to make Allmende accessible in accordance with the German Barrier-Free Information Technology Ordinance (BITV 2.0), measured against WCAG 2.1 level AA.",
        "Compliance status: every change is checked automatically with axe-core for WCAG 2.1 A and AA violations. All content can be read without JavaScript and used with the keyboard.",
        "Known limitations: descriptions and example data come from the publishing organisations and may contain technical terms that are not explained in plain language.",
    ],
    accessibility_feedback: "Report barriers: if you notice problems, please write to the contact address in the legal notice. If your report is not answered satisfactorily, you can turn to the arbitration board under § 16 BGG.",

    account: crate::account_texts::EN,
    entry: crate::entry_texts::EN,
    reuse: reuse::EN,
    model_tools: model_tools::EN,
    import: import::EN,
    notices: notices::EN,
};

/// Replaces `{name}` placeholders in a text, in one pass: a value that itself contains
/// braces is inserted as it is. Unknown placeholders stay.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let value = after.find('}').and_then(|end| {
            let name = &after[..end];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, end))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_cookie_wins_over_accept_language() {
        let lang = Lang::negotiate(Some("x=1; allmende_lang=en"), Some("de-DE,de;q=0.9"));
        assert_eq!(lang, Lang::En);
    }

    #[test]
    fn accept_language_picks_the_highest_quality_supported_language() {
        assert_eq!(
            Lang::negotiate(None, Some("fr-FR,en;q=0.8,de;q=0.5")),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, Some("en;q=0.3,de-AT;q=0.9")),
            Lang::De
        );
    }

    #[test]
    fn unknown_or_missing_languages_fall_back_to_german() {
        assert_eq!(Lang::negotiate(None, Some("fr,it;q=0.5")), Lang::De);
        assert_eq!(Lang::negotiate(None, None), Lang::De);
        assert_eq!(Lang::negotiate(Some("allmende_lang=xx"), None), Lang::De);
    }

    #[test]
    fn numbers_use_the_languages_thousands_separator() {
        assert_eq!(format_int(1234567, Lang::De), "1.234.567");
        assert_eq!(format_int(1234567, Lang::En), "1,234,567");
        assert_eq!(format_int(999, Lang::De), "999");
        assert_eq!(format_int(-1000, Lang::De), "-1.000");
    }

    #[test]
    fn dates_are_written_the_german_way_in_german() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(format_date(date, Lang::De), "07.03.2026");
        assert_eq!(format_date(date, Lang::En), "7 March 2026");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill(DE.results_count_many, &[("n", "12")]), "12 Einträge");
        assert_eq!(
            fill("{a} und {b}, {c}", &[("a", "{b}"), ("b", "2")]),
            "{b} und 2, {c}"
        );
    }
}
