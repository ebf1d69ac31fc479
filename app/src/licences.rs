//! Licences as SPDX expressions: syntax and known identifiers (the SPDX licence list of the
//! `spdx` crate), whether a licence is OSI-approved or FSF-free, and whether an expression
//! as a whole leaves the user an open-source choice.

use serde::{Deserialize, Serialize};

/// One licence of an expression, with what the SPDX list says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceFacts {
    pub id: String,
    pub name: String,
    pub osi_approved: bool,
    pub fsf_libre: bool,
}

/// What an expression means for a reuser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceVerdict {
    pub licences: Vec<LicenceFacts>,
    /// At least one way through the expression uses only OSI- or FSF-approved licences.
    pub open_source: bool,
}

/// Why an expression was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{0}")]
pub struct LicenceError(pub String);

/// Checks an SPDX expression: `EUPL-1.2`, `MIT OR Apache-2.0`, `GPL-3.0-or-later WITH Classpath-exception-2.0`.
pub fn check_expression(expression: &str) -> Result<LicenceVerdict, LicenceError> {
    let parsed =
        spdx::Expression::parse(expression.trim()).map_err(|e| LicenceError(e.to_string()))?;
    let mut licences: Vec<LicenceFacts> = Vec::new();
    for requirement in parsed.requirements() {
        match &requirement.req.license {
            spdx::LicenseItem::Spdx { id, .. } => {
                if !licences.iter().any(|l| l.id == id.name) {
                    licences.push(LicenceFacts {
                        id: id.name.to_owned(),
                        name: id.full_name.to_owned(),
                        osi_approved: id.is_osi_approved(),
                        fsf_libre: id.is_fsf_free_libre(),
                    });
                }
            }
            // `LicenseRef-…` is a licence outside the SPDX list: not checkable.
            spdx::LicenseItem::Other { .. } => {
                return Err(LicenceError("LicenseRef is not accepted".into()));
            }
        }
    }
    let open_source = parsed.evaluate(|req| match &req.license {
        spdx::LicenseItem::Spdx { id, .. } => id.is_osi_approved() || id.is_fsf_free_libre(),
        spdx::LicenseItem::Other { .. } => false,
    });
    Ok(LicenceVerdict {
        licences,
        open_source,
    })
}

/// SPDX identifiers starting with `prefix` (case-insensitive), open-source ones first, for
/// the licence picker: (id, full name, osi, fsf).
pub fn suggest(prefix: &str, limit: usize) -> Vec<LicenceFacts> {
    let prefix = prefix.trim().to_lowercase();
    let mut found: Vec<LicenceFacts> = spdx::identifiers::LICENSES
        .iter()
        .filter_map(|entry| {
            let id = spdx::license_id(entry.name)?;
            (!id.is_deprecated() && id.name.to_lowercase().starts_with(&prefix)).then(|| {
                LicenceFacts {
                    id: id.name.to_owned(),
                    name: id.full_name.to_owned(),
                    osi_approved: id.is_osi_approved(),
                    fsf_libre: id.is_fsf_free_libre(),
                }
            })
        })
        .collect();
    found.sort_by_key(|l| (!(l.osi_approved || l.fsf_libre), l.id.len(), l.id.clone()));
    found.truncate(limit);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_are_parsed_and_judged() {
        let eupl = check_expression("EUPL-1.2").unwrap();
        assert!(eupl.open_source && eupl.licences[0].osi_approved);
        let dual = check_expression("MIT OR Apache-2.0").unwrap();
        assert_eq!(dual.licences.len(), 2);
        assert!(
            check_expression("GPL-3.0-or-later WITH Classpath-exception-2.0")
                .unwrap()
                .open_source
        );
        // Not open source: a licence that forbids commercial use.
        let nc = check_expression("CC-BY-NC-4.0").unwrap();
        assert!(!nc.open_source, "open-washing is recognised");
        for bad in [
            "",
            "MIT AND",
            "Quatsch-1.0",
            "MIT OR OR GPL-3.0",
            "LicenseRef-Eigene",
        ] {
            assert!(check_expression(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_picker_offers_open_licences_first() {
        let found = suggest("eupl", 5);
        assert!(found.iter().any(|l| l.id == "EUPL-1.2"));
        assert!(
            found
                .iter()
                .all(|l| l.id.to_lowercase().starts_with("eupl"))
        );
    }
}
