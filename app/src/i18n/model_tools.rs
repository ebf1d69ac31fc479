//! Texts of the data model tools: compatibility (`/datenmodelle/:slug/aenderungen`) and
//! checking data against the schema (`/datenmodelle/:slug/pruefen`), in German and English.

/// Texts of the data model tools.
pub struct ModelToolsTexts {
    pub no_changes: &'static str,
    /// `{n}` changes, `{breaking}` of them breaking.
    pub change_count: &'static str,
    pub breaking_badge: &'static str,
    /// Title of the compatibility page, also the link to it.
    pub compatibility_title: &'static str,
    pub against_original_heading: &'static str,
    pub original_label: &'static str,
    pub between_versions_heading: &'static str,
    pub older_version: &'static str,
    pub newer_version: &'static str,
    pub compare_submit: &'static str,
    pub check_title: &'static str,
    pub check_link: &'static str,
    pub check_lead: &'static str,
    pub check_passed: &'static str,
    /// `{n}`: the number of errors.
    pub check_failed: &'static str,
    pub field_record: &'static str,
    pub check_submit: &'static str,
}

/// German texts.
pub(crate) const DE: ModelToolsTexts = ModelToolsTexts {
    no_changes: "Keine strukturellen Änderungen.",
    change_count: "{n} Änderung(en), davon {breaking} inkompatibel.",
    breaking_badge: "inkompatibel",
    compatibility_title: "Änderungen und Kompatibilität",
    against_original_heading: "Änderungen gegenüber dem Original",
    original_label: "Original: ",
    between_versions_heading: "Zwischen zwei Versionen",
    older_version: "Ältere Version",
    newer_version: "Neuere Version",
    compare_submit: "Vergleichen",
    check_title: "Daten prüfen",
    check_link: "Daten gegen das Schema prüfen",
    check_lead: "Fügen Sie einen Datensatz als JSON ein; er wird gegen das Schema des Modells geprüft. Nichts wird gespeichert.",
    check_passed: "Die Daten passen zum Schema.",
    check_failed: "Die Daten passen nicht zum Schema ({n} Fehler):",
    field_record: "Datensatz (JSON)",
    check_submit: "Prüfen",
};

/// English texts.
pub(crate) const EN: ModelToolsTexts = ModelToolsTexts {
    no_changes: "No structural changes.",
    change_count: "{n} change(s), {breaking} of them breaking.",
    breaking_badge: "breaking",
    compatibility_title: "Changes and compatibility",
    against_original_heading: "Changes against the original",
    original_label: "Original: ",
    between_versions_heading: "Between two versions",
    older_version: "Older version",
    newer_version: "Newer version",
    compare_submit: "Compare",
    check_title: "Check data",
    check_link: "Check data against the schema",
    check_lead: "Paste a record as JSON; it is checked against the model's schema. Nothing is stored.",
    check_passed: "The data conforms to the schema.",
    check_failed: "The data does not conform to the schema ({n} errors):",
    field_record: "Record (JSON)",
    check_submit: "Check",
};
