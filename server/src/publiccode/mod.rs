//! publiccode.yml 0.2–0.7: a validator that follows the reference validator
//! (italia/publiccode-parser-go) without network access, and reads a valid file into a
//! normalised [`Publiccode`].
//!
//! This module tree depends on nothing else in the server (only on small parsing crates), so
//! the fuzz target in `server/fuzz/` compiles it on its own.

pub mod formats;
pub mod model;
pub mod rules;
pub mod vocab;
pub mod yaml;

pub use model::Publiccode;
use serde::Serialize;

/// Largest file accepted (the same limit as the validation API).
pub const MAX_BYTES: usize = 256 * 1024;

/// Whether a finding stops the file from being valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding: the key path in the reference notation (empty for the whole file), a German
/// message, and the 1-based line and column (0 when the key is absent from the file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Issue {
    #[serde(skip)]
    pub severity: Severity,
    pub key: String,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// The outcome of validating one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
    /// What the file says, as far as it could be read (complete when there are no errors).
    pub document: Option<Publiccode>,
}

impl Report {
    /// No errors (warnings allowed).
    pub fn valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// A report with one error about the whole file.
    pub fn file_error(message: impl Into<String>, line: usize, column: usize) -> Self {
        Self::key_error("", message, line, column)
    }

    fn key_error(key: &str, message: impl Into<String>, line: usize, column: usize) -> Self {
        Self {
            errors: vec![Issue {
                severity: Severity::Error,
                key: key.to_owned(),
                message: message.into(),
                line,
                column,
            }],
            ..Self::default()
        }
    }
}

/// Validates the bytes of a publiccode.yml.
pub fn validate(bytes: &[u8]) -> Report {
    if bytes.len() > MAX_BYTES {
        return Report::file_error(
            format!("Die Datei ist größer als {} KiB.", MAX_BYTES / 1024),
            0,
            0,
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let column = before.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            return Report::file_error(
                "Die Datei ist nicht in UTF-8 kodiert (bitte als UTF-8 speichern).",
                line,
                column,
            );
        }
    };
    let root = match yaml::parse(text) {
        Ok(Some(root)) => root,
        Ok(None) => {
            return Report::key_error(
                "publiccodeYmlVersion",
                "„publiccodeYmlVersion“ ist ein Pflichtfeld; die Datei ist leer.",
                0,
                0,
            );
        }
        Err(e) => return Report::file_error(e.message, e.line, e.column),
    };
    let yaml::Value::Map(entries) = &root.value else {
        return Report::file_error(
            "Eine publiccode.yml ist eine YAML-Zuordnung (Schlüssel: Wert).",
            root.line,
            root.column,
        );
    };
    let Some((key, node)) = entries
        .iter()
        .find(|(k, _)| k.name == "publiccodeYmlVersion")
    else {
        return Report::key_error(
            "publiccodeYmlVersion",
            "„publiccodeYmlVersion“ ist ein Pflichtfeld.",
            root.line,
            root.column,
        );
    };
    let version = match &node.value {
        yaml::Value::Scalar {
            text,
            kind: yaml::ScalarType::Str,
        } => text.clone(),
        yaml::Value::Scalar {
            text,
            kind: yaml::ScalarType::Int | yaml::ScalarType::Float,
        } => {
            return Report::key_error(
                "publiccodeYmlVersion",
                format!(
                    "„publiccodeYmlVersion“ muss ein Text sein: bitte in Anführungszeichen schreiben (\"{text}\")."
                ),
                key.line,
                key.column,
            );
        }
        _ => {
            return Report::key_error(
                "publiccodeYmlVersion",
                "Falscher Typ für „publiccodeYmlVersion“: erwartet einen Text.",
                key.line,
                key.column,
            );
        }
    };
    if !vocab::SUPPORTED_VERSIONS.contains(&version.as_str()) {
        return Report::key_error(
            "publiccodeYmlVersion",
            format!(
                "Version „{version}“ wird nicht unterstützt; unterstützt: {}.",
                vocab::SUPPORTED_VERSIONS.join(", ")
            ),
            key.line,
            key.column,
        );
    }
    let mut checker = rules::Checker::new(&root);
    if version != "0" && !version.starts_with("0.7") {
        checker.issues.push(Issue {
            severity: Severity::Warning,
            key: "publiccodeYmlVersion".into(),
            message: format!("Version {version} ist nicht die aktuelle; bitte „0“ angeben. Die Datei wird nach der aktuellen Version gelesen."),
            line: key.line,
            column: key.column,
        });
    }
    let document = checker.check(&version);
    let (errors, warnings) = checker
        .issues
        .into_iter()
        .partition(|i| i.severity == Severity::Error);
    Report {
        errors,
        warnings,
        document: Some(document),
    }
}
