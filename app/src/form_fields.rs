//! Form field values and typed input, converted by the input's serde shape.
//!
//! A publishing form posts flat pairs (`name=…`, repeated `categories=…`,
//! `contractors[0].name=…`), shows flat values, and the history keeps each version as a
//! JSON snapshot. This module turns all three into the input struct and back by walking the
//! struct's serialised shape, so a new field of an input struct needs no code here: only
//! the struct (and, for a list typed as one text or a group of rows, one line in its
//! [`FormFields`] impl).

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::entry_rules::{split_lines, split_list};

/// How a list typed into one text field separates its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `a, b, c` (tags, slugs).
    Commas,
    /// One item per line (features).
    Lines,
}

/// An input struct that publishing forms edit. Every field is a text, a list of texts or a
/// group of rows of texts; lists not named in [`FormFields::TEXT_LISTS`] come as repeated
/// keys (checkboxes).
pub trait FormFields: Serialize + DeserializeOwned + Default {
    /// Lists typed as one text, and how that text separates its items.
    const TEXT_LISTS: &'static [(&'static str, Separator)] = &[];
    /// Groups of rows (`contractors[0].name`) and the parts of each row.
    const ROWS: &'static [(&'static str, &'static [&'static str])] = &[];
}

/// Most rows a form may send per group.
pub const MAX_ROWS: usize = 20;

/// The fields of `T` with their default values, in declaration order.
fn shape<T: FormFields>() -> Map<String, Value> {
    match serde_json::to_value(T::default()) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    }
}

fn text_list<T: FormFields>(field: &str) -> Option<Separator> {
    T::TEXT_LISTS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, separator)| *separator)
}

fn row_parts<T: FormFields>(field: &str) -> Option<&'static [&'static str]> {
    T::ROWS
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, parts)| *parts)
}

/// Builds `T` from fields of the right types; a mismatch is a bug in `T`'s shape (a field
/// that is neither text nor list), so the fallback is the empty input.
fn build<T: FormFields>(fields: Map<String, Value>) -> T {
    serde_json::from_value(Value::Object(fields)).unwrap_or_default()
}

/// The input a form posted. The last of repeated single values wins; unknown keys are
/// ignored; at most [`MAX_ROWS`] rows per group are read.
pub fn from_pairs<T: FormFields>(pairs: &[(String, String)]) -> T {
    let one = |key: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut fields = shape::<T>();
    for (key, value) in fields.iter_mut() {
        *value = match value {
            Value::Array(_) => {
                if let Some(parts) = row_parts::<T>(key) {
                    let rows = pairs
                        .iter()
                        .filter_map(|(k, _)| {
                            k.strip_prefix(key.as_str())?
                                .strip_prefix('[')?
                                .split_once(']')?
                                .0
                                .parse::<usize>()
                                .ok()
                        })
                        .map(|i| i + 1)
                        .max()
                        .unwrap_or(0)
                        .min(MAX_ROWS);
                    Value::Array(
                        (0..rows)
                            .map(|i| {
                                Value::Object(
                                    parts
                                        .iter()
                                        .map(|part| {
                                            let cell = one(&format!("{key}[{i}].{part}"));
                                            ((*part).to_owned(), Value::String(cell))
                                        })
                                        .collect(),
                                )
                            })
                            .collect(),
                    )
                } else if text_list::<T>(key).is_some() {
                    Value::Array(vec![Value::String(one(key))])
                } else {
                    pairs
                        .iter()
                        .filter(|(k, _)| k == key)
                        .map(|(_, v)| Value::String(v.clone()))
                        .collect()
                }
            }
            _ => Value::String(one(key)),
        };
    }
    build(fields)
}

/// Plain text of a JSON value: strings as they are, structured values as indented JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(_) | Value::Number(_) => value.to_string(),
        _ => serde_json::to_string_pretty(value).unwrap_or_default(),
    }
}

/// The values a form shows for `input`: lists typed as one text are joined by their
/// separator, checkbox lists one item per line, rows as `group[i].part`.
pub fn to_values<T: FormFields>(input: &T) -> BTreeMap<String, String> {
    let mut values = BTreeMap::new();
    let Ok(Value::Object(fields)) = serde_json::to_value(input) else {
        return values;
    };
    for (key, value) in fields {
        match value {
            Value::Array(items) => {
                if row_parts::<T>(&key).is_some() {
                    for (i, row) in items.iter().enumerate() {
                        for (part, cell) in row.as_object().into_iter().flatten() {
                            values.insert(format!("{key}[{i}].{part}"), text_of(cell));
                        }
                    }
                    continue;
                }
                let texts = items.iter().map(text_of);
                let joined = match text_list::<T>(&key) {
                    Some(Separator::Commas) => texts
                        .flat_map(|t| split_list(&t))
                        .collect::<Vec<_>>()
                        .join(", "),
                    Some(Separator::Lines) => texts
                        .flat_map(|t| split_lines(&t))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    None => texts.collect::<Vec<_>>().join("\n"),
                };
                values.insert(key, joined);
            }
            other => {
                values.insert(key, text_of(&other));
            }
        }
    }
    values
}

/// The input a stored snapshot (a serialised draft) describes. Fields the snapshot lacks
/// (older versions) stay empty; dates, numbers and enums become their text; structured
/// values of a text field (a JSON Schema) become indented JSON; keys the input does not
/// know are ignored.
pub fn from_snapshot<T: FormFields>(snapshot: &Value) -> T {
    let mut fields = shape::<T>();
    for (key, value) in fields.iter_mut() {
        let Some(stored) = snapshot.get(key.as_str()).filter(|v| !v.is_null()) else {
            continue;
        };
        *value = match value {
            Value::Array(_) => {
                let items = stored.as_array().map(Vec::as_slice).unwrap_or_default();
                match row_parts::<T>(key) {
                    Some(parts) => Value::Array(
                        items
                            .iter()
                            .map(|row| {
                                Value::Object(
                                    parts
                                        .iter()
                                        .map(|part| {
                                            let cell =
                                                row.get(*part).map(text_of).unwrap_or_default();
                                            ((*part).to_owned(), Value::String(cell))
                                        })
                                        .collect(),
                                )
                            })
                            .collect(),
                    ),
                    None => items
                        .iter()
                        .filter_map(|i| i.as_str().map(|s| Value::String(s.to_owned())))
                        .collect(),
                }
            }
            _ => Value::String(text_of(stored)),
        };
    }
    build(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data_model_rules::DataModelInput;
    use crate::entry_rules::{ContactInput, ContractorInput, SolutionInput};

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_form_post_becomes_input_with_lists_rows_and_the_last_single_value() {
        let input: SolutionInput = from_pairs(&pairs(&[
            ("name", "Erst"),
            ("name", "Mängelmelder"),
            ("categories", "it-development"),
            ("categories", "e-government"),
            ("tags", "Bürger, Karte"),
            ("contractors[1].name", "Dataport"),
            ("contractors[1].until", "2027-01-31"),
            ("contractors[1].unknown", "ignored"),
            ("unknown", "ignored"),
        ]));
        assert_eq!(input.name, "Mängelmelder");
        assert_eq!(input.categories, ["it-development", "e-government"]);
        assert_eq!(input.tags, ["Bürger, Karte"]);
        assert_eq!(input.features, [""]);
        assert_eq!(input.contractors.len(), 2);
        assert_eq!(input.contractors[0], ContractorInput::default());
        assert_eq!(input.contractors[1].name, "Dataport");
        assert_eq!(input.contractors[1].until, "2027-01-31");
        assert!(input.contacts.is_empty());
    }

    #[test]
    fn rows_beyond_the_limit_are_not_read() {
        let input: SolutionInput = from_pairs(&pairs(&[("contacts[5000].name", "x")]));
        assert_eq!(input.contacts.len(), MAX_ROWS);
    }

    #[test]
    fn input_shown_in_a_form_and_posted_again_is_unchanged() {
        let input = SolutionInput {
            name: "Mängelmelder".into(),
            categories: vec!["it-development".into(), "e-government".into()],
            tags: vec!["Bürger, Karte".into()],
            features: vec!["Fotos\nKarte".into()],
            contacts: vec![ContactInput {
                name: "Erika Muster".into(),
                email: "erika@example.org".into(),
                ..ContactInput::default()
            }],
            ..SolutionInput::default()
        };
        let values = to_values(&input);
        assert_eq!(values["tags"], "Bürger, Karte");
        assert_eq!(values["features"], "Fotos\nKarte");
        assert_eq!(values["categories"], "it-development\ne-government");
        assert_eq!(values["contacts[0].email"], "erika@example.org");
        let mut posted: Vec<(String, String)> = values
            .into_iter()
            .filter(|(k, _)| k != "categories")
            .collect();
        posted.extend(pairs(&[
            ("categories", "it-development"),
            ("categories", "e-government"),
        ]));
        let again: SolutionInput = from_pairs(&posted);
        assert_eq!(again.tags, input.tags);
        assert_eq!(again.features, input.features);
        assert_eq!(again.categories, input.categories);
        assert_eq!(again.contacts, input.contacts);
        assert_eq!(again.name, input.name);
    }

    #[test]
    fn a_snapshot_becomes_input_with_nulls_empty_and_structured_text_indented() {
        let snapshot = serde_json::json!({
            "name": "Mängelmelder",
            "landing_url": null,
            "release_date": "2024-05-01",
            "contractors": [{"name": "Dataport", "until": "2027-01-31", "email": null}],
            "tags": ["karte", 3],
            "no_longer_a_field": "x"
        });
        let input: SolutionInput = from_snapshot(&snapshot);
        assert_eq!(input.name, "Mängelmelder");
        assert_eq!(input.landing_url, "");
        assert_eq!(input.release_date, "2024-05-01");
        assert_eq!(input.tags, ["karte"]);
        assert_eq!(input.contractors[0].name, "Dataport");
        assert_eq!(input.contractors[0].email, "");
        let model: DataModelInput =
            from_snapshot(&serde_json::json!({"json_schema": {"type": "object"}}));
        assert_eq!(model.json_schema, "{\n  \"type\": \"object\"\n}");
    }
}
