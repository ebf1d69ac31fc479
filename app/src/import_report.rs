//! Page data of the publiccode.yml import page: the pasted or uploaded file, its validation
//! report, and a preview of the solution as it would be saved.

use serde::{Deserialize, Serialize};

/// One error or warning of the validator (on the import page and in the API).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportLine {
    /// Key path in the reference notation, e.g. `description.de.shortDescription`,
    /// `maintenance.contractors[0].until`; empty for the whole file.
    pub key: String,
    /// What is wrong, in German.
    pub message: String,
    /// 1-based; 0 when the key is not in the file.
    pub line: usize,
    pub column: usize,
}

/// The solution as it would be saved.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub name: String,
    pub short_description: String,
    pub repository_url: String,
    pub licence: String,
    pub development_status: String,
    pub software_type: String,
    pub maintenance_type: String,
    pub version: String,
    pub categories: Vec<String>,
    pub platforms: Vec<String>,
    pub features: Vec<String>,
    pub has_english: bool,
}

/// The result of checking a file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub errors: Vec<ReportLine>,
    pub warnings: Vec<ReportLine>,
    /// Catalogue rules the mapped entry breaks: (field, message).
    pub rule_errors: Vec<(String, String)>,
    /// What is not taken over.
    pub notes: Vec<String>,
    pub preview: Option<ImportPreview>,
    /// A solution with the same repository: (slug, name, organisation name).
    pub existing: Option<(String, String, String)>,
    /// Whether "Importieren" would save.
    pub importable: bool,
}

/// Everything the import page shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportData {
    /// The organisations the person may publish for: (slug, name).
    pub organisations: Vec<(String, String)>,
    pub organisation: String,
    /// The file's text as pasted or uploaded.
    pub text: String,
    pub report: Option<ImportReport>,
    /// Why the last import did not happen, beyond the report (e.g. another organisation's
    /// entry has this repository).
    pub problem: Option<String>,
}
