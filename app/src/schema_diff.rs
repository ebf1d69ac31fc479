//! Structural comparison of two JSON Schemas: properties added or removed, types changed,
//! required fields added or removed, enumeration values changed — each marked as breaking
//! or not. "Breaking" means data or programs that worked with the old schema may fail with
//! the new one: a record valid before may be invalid now, or a field someone relies on is
//! gone.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::i18n::Lang;

/// What changed at one place of the schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    PropertyAdded { required: bool },
    PropertyRemoved,
    TypeChanged { from: String, to: String },
    RequiredAdded,
    RequiredRemoved,
    EnumValuesAdded { values: Vec<String> },
    EnumValuesRemoved { values: Vec<String> },
}

/// One change, where it is, and whether it breaks compatibility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SchemaChange {
    /// Property path, `adresse.plz`, with `[]` for array items (`baeume[].art`).
    pub path: String,
    #[serde(flatten)]
    pub kind: ChangeKind,
    pub breaking: bool,
}

impl SchemaChange {
    /// A sentence describing the change.
    pub fn describe(&self, lang: Lang) -> String {
        let p = &self.path;
        match (&self.kind, lang) {
            (ChangeKind::PropertyAdded { required: true }, Lang::De) => {
                format!("Pflichtfeld „{p}“ hinzugefügt")
            }
            (ChangeKind::PropertyAdded { required: true }, Lang::En) => {
                format!("required property \"{p}\" added")
            }
            (ChangeKind::PropertyAdded { required: false }, Lang::De) => {
                format!("optionales Feld „{p}“ hinzugefügt")
            }
            (ChangeKind::PropertyAdded { required: false }, Lang::En) => {
                format!("optional property \"{p}\" added")
            }
            (ChangeKind::PropertyRemoved, Lang::De) => format!("Feld „{p}“ entfernt"),
            (ChangeKind::PropertyRemoved, Lang::En) => format!("property \"{p}\" removed"),
            (ChangeKind::TypeChanged { from, to }, Lang::De) => {
                format!("Typ von „{p}“ geändert: {from} → {to}")
            }
            (ChangeKind::TypeChanged { from, to }, Lang::En) => {
                format!("type of \"{p}\" changed: {from} → {to}")
            }
            (ChangeKind::RequiredAdded, Lang::De) => format!("„{p}“ ist jetzt Pflichtfeld"),
            (ChangeKind::RequiredAdded, Lang::En) => format!("\"{p}\" is now required"),
            (ChangeKind::RequiredRemoved, Lang::De) => format!("„{p}“ ist kein Pflichtfeld mehr"),
            (ChangeKind::RequiredRemoved, Lang::En) => format!("\"{p}\" is no longer required"),
            (ChangeKind::EnumValuesAdded { values }, Lang::De) => {
                format!("„{p}“ erlaubt zusätzlich: {}", values.join(", "))
            }
            (ChangeKind::EnumValuesAdded { values }, Lang::En) => {
                format!("\"{p}\" also allows: {}", values.join(", "))
            }
            (ChangeKind::EnumValuesRemoved { values }, Lang::De) => {
                format!("„{p}“ erlaubt nicht mehr: {}", values.join(", "))
            }
            (ChangeKind::EnumValuesRemoved { values }, Lang::En) => {
                format!("\"{p}\" no longer allows: {}", values.join(", "))
            }
        }
    }
}

/// The JSON types a schema allows, sorted (`integer` is also a `number`).
fn types_of(schema: &Value) -> Vec<String> {
    let mut types: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    types.sort();
    types.dedup();
    types
}

fn type_label(types: &[String]) -> String {
    if types.is_empty() {
        "beliebig".to_owned()
    } else {
        types.join(" | ")
    }
}

/// Whether every value of the old types is also allowed by the new ones.
fn widens(old: &[String], new: &[String]) -> bool {
    if new.is_empty() {
        return true;
    }
    if old.is_empty() {
        return false;
    }
    old.iter()
        .all(|t| new.contains(t) || (t == "integer" && new.iter().any(|n| n == "number")))
}

fn enum_values(schema: &Value) -> Option<Vec<String>> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| values.iter().map(|v| v.to_string()).collect())
}

fn required_of(schema: &Value) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Resolves a local `$ref` (`#/$defs/x`, `#/definitions/x`) against the root document.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..8 {
        let Some(pointer) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            break;
        };
        match root.pointer(pointer) {
            Some(target) => current = target,
            None => break,
        }
    }
    current
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

struct Walker<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    out: Vec<SchemaChange>,
}

impl Walker<'_> {
    fn push(&mut self, path: &str, kind: ChangeKind, breaking: bool) {
        self.out.push(SchemaChange {
            path: path.to_owned(),
            kind,
            breaking,
        });
    }

    fn compare(&mut self, old: &Value, new: &Value, path: &str, depth: usize) {
        if depth > 16 {
            return;
        }
        let (old, new) = (resolve(self.old_root, old), resolve(self.new_root, new));
        let (old_types, new_types) = (types_of(old), types_of(new));
        if old_types != new_types && !path.is_empty() {
            let breaking = !widens(&old_types, &new_types);
            self.push(
                path,
                ChangeKind::TypeChanged {
                    from: type_label(&old_types),
                    to: type_label(&new_types),
                },
                breaking,
            );
        }
        match (enum_values(old), enum_values(new)) {
            (Some(before), Some(after)) => {
                let added: Vec<String> = after
                    .iter()
                    .filter(|v| !before.contains(v))
                    .cloned()
                    .collect();
                let removed: Vec<String> = before
                    .iter()
                    .filter(|v| !after.contains(v))
                    .cloned()
                    .collect();
                if !added.is_empty() {
                    self.push(path, ChangeKind::EnumValuesAdded { values: added }, false);
                }
                if !removed.is_empty() {
                    self.push(
                        path,
                        ChangeKind::EnumValuesRemoved { values: removed },
                        true,
                    );
                }
            }
            (None, Some(after)) => self.push(
                path,
                ChangeKind::EnumValuesRemoved {
                    values: vec![format!("alles außer {}", after.join(", "))],
                },
                true,
            ),
            (Some(before), None) => self.push(
                path,
                ChangeKind::EnumValuesAdded {
                    values: vec![format!("beliebige statt {}", before.join(", "))],
                },
                false,
            ),
            (None, None) => {}
        }
        let empty = serde_json::Map::new();
        let old_props = old
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new_props = new
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let (old_required, new_required) = (required_of(old), required_of(new));
        for (name, schema) in old_props {
            let child = join(path, name);
            match new_props.get(name) {
                None => self.push(&child, ChangeKind::PropertyRemoved, true),
                Some(new_schema) => {
                    let (was, is) = (old_required.contains(name), new_required.contains(name));
                    if !was && is {
                        self.push(&child, ChangeKind::RequiredAdded, true);
                    } else if was && !is {
                        self.push(&child, ChangeKind::RequiredRemoved, false);
                    }
                    self.compare(schema, new_schema, &child, depth + 1);
                }
            }
        }
        for name in new_props.keys().filter(|n| !old_props.contains_key(*n)) {
            let required = new_required.contains(name);
            self.push(
                &join(path, name),
                ChangeKind::PropertyAdded { required },
                required,
            );
        }
        if let (Some(old_items), Some(new_items)) = (old.get("items"), new.get("items")) {
            self.compare(old_items, new_items, &format!("{path}[]"), depth + 1);
        }
    }
}

/// The changes from `old` to `new`, in document order.
pub fn diff(old: &Value, new: &Value) -> Vec<SchemaChange> {
    let mut walker = Walker {
        old_root: old,
        new_root: new,
        out: Vec::new(),
    };
    walker.compare(old, new, "", 0);
    walker.out
}

/// Whether any change breaks compatibility.
pub fn is_breaking(changes: &[SchemaChange]) -> bool {
    changes.iter().any(|c| c.breaking)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn base() -> Value {
        json!({
            "type": "object",
            "properties": {
                "art": {"type": "string"},
                "hoehe_m": {"type": "integer"},
                "zustand": {"enum": ["gut", "mittel", "schlecht"]},
                "standort": {"type": "object", "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}, "required": ["lat", "lon"]},
                "pflege": {"type": "array", "items": {"type": "object", "properties": {"datum": {"type": "string"}}}}
            },
            "required": ["art"]
        })
    }

    /// Each row: a change to the schema, the expected change kind at a path, breaking or not.
    #[test]
    fn every_kind_of_change_is_found_and_classified() {
        type Edit = fn(&mut Value);
        let cases: Vec<(&str, Edit, &str, ChangeKind, bool)> = vec![
            (
                "optional property added",
                |s| s["properties"]["foto"] = json!({"type": "string"}),
                "foto",
                ChangeKind::PropertyAdded { required: false },
                false,
            ),
            (
                "required property added",
                |s| {
                    s["properties"]["id"] = json!({"type": "string"});
                    s["required"] = json!(["art", "id"]);
                },
                "id",
                ChangeKind::PropertyAdded { required: true },
                true,
            ),
            (
                "property removed",
                |s| {
                    s["properties"].as_object_mut().unwrap().remove("hoehe_m");
                },
                "hoehe_m",
                ChangeKind::PropertyRemoved,
                true,
            ),
            (
                "type narrowed",
                |s| s["properties"]["art"] = json!({"type": "integer"}),
                "art",
                ChangeKind::TypeChanged {
                    from: "string".into(),
                    to: "integer".into(),
                },
                true,
            ),
            (
                "type widened",
                |s| s["properties"]["hoehe_m"] = json!({"type": "number"}),
                "hoehe_m",
                ChangeKind::TypeChanged {
                    from: "integer".into(),
                    to: "number".into(),
                },
                false,
            ),
            (
                "type made nullable",
                |s| s["properties"]["art"] = json!({"type": ["string", "null"]}),
                "art",
                ChangeKind::TypeChanged {
                    from: "string".into(),
                    to: "null | string".into(),
                },
                false,
            ),
            (
                "required added",
                |s| s["required"] = json!(["art", "hoehe_m"]),
                "hoehe_m",
                ChangeKind::RequiredAdded,
                true,
            ),
            (
                "required removed",
                |s| s["required"] = json!([]),
                "art",
                ChangeKind::RequiredRemoved,
                false,
            ),
            (
                "enum value added",
                |s| {
                    s["properties"]["zustand"] =
                        json!({"enum": ["gut", "mittel", "schlecht", "abgängig"]})
                },
                "zustand",
                ChangeKind::EnumValuesAdded {
                    values: vec!["\"abgängig\"".into()],
                },
                false,
            ),
            (
                "enum value removed",
                |s| s["properties"]["zustand"] = json!({"enum": ["gut", "schlecht"]}),
                "zustand",
                ChangeKind::EnumValuesRemoved {
                    values: vec!["\"mittel\"".into()],
                },
                true,
            ),
            (
                "nested property removed",
                |s| {
                    s["properties"]["standort"]["properties"]
                        .as_object_mut()
                        .unwrap()
                        .remove("lon");
                },
                "standort.lon",
                ChangeKind::PropertyRemoved,
                true,
            ),
            (
                "array item property added",
                |s| {
                    s["properties"]["pflege"]["items"]["properties"]["art"] =
                        json!({"type": "string"})
                },
                "pflege[].art",
                ChangeKind::PropertyAdded { required: false },
                false,
            ),
        ];
        for (name, edit, path, kind, breaking) in cases {
            let mut changed = base();
            edit(&mut changed);
            let changes = diff(&base(), &changed);
            let found = changes.iter().find(|c| c.path == path && c.kind == kind);
            assert!(found.is_some(), "{name}: {changes:?}");
            assert_eq!(found.unwrap().breaking, breaking, "{name}");
            assert_eq!(is_breaking(&changes), breaking, "{name}: only this change");
        }
        assert!(diff(&base(), &base()).is_empty());
    }

    #[test]
    fn local_references_are_followed() {
        let old = json!({"type": "object", "properties": {"ort": {"$ref": "#/$defs/ort"}}, "$defs": {"ort": {"type": "object", "properties": {"plz": {"type": "string"}}}}});
        let mut new = old.clone();
        new["$defs"]["ort"]["properties"]["plz"] = json!({"type": "integer"});
        let changes = diff(&old, &new);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].path, "ort.plz");
        assert!(changes[0].breaking);
        assert_eq!(
            changes[0].describe(Lang::De),
            "Typ von „ort.plz“ geändert: string → integer"
        );
    }
}
