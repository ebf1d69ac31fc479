//! Rules for publishing and editing data models: the raw input ([`DataModelInput`]) is
//! parsed into a [`DataModelDraft`] or field errors. JSON syntax, lengths, the semantic
//! version and the licence are checked everywhere (browser and server); whether the JSON
//! Schema is a valid schema (draft 2020-12 or draft-07, no remote `$ref`) and whether each
//! example conforms is checked on the server with the `jsonschema` crate.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::entry_rules::parse_licence;
use crate::model::Domain;
use crate::validation::{FieldError, FieldErrors, is_slug, parse_text, slugify};

/// A data model as typed into the form or sent to the API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DataModelInput {
    /// Slug of the owning organisation.
    pub organisation: String,
    pub name: String,
    /// Optional; generated from the name when empty.
    pub slug: String,
    pub short_description: String,
    /// Markdown.
    pub description: String,
    pub domain: String,
    /// The JSON Schema as text.
    pub json_schema: String,
    /// Example payloads as text: a JSON array of examples (or one JSON object).
    pub examples: String,
    /// Semantic version, e.g. 1.2.0.
    pub version: String,
    /// SPDX licence expression, e.g. CC-BY-4.0 or EUPL-1.2.
    pub licence: String,
    pub change_message: String,
}

/// A data model that passed every rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataModelDraft {
    pub organisation: String,
    pub name: String,
    pub slug: String,
    pub short_description: String,
    pub description: String,
    pub domain: Domain,
    pub json_schema: Value,
    pub examples: Vec<Value>,
    pub version: String,
    pub licence: String,
    pub change_message: String,
}

/// Whether `version` is a semantic version 2.0.0 (the database checks the same shape).
pub fn is_semver(version: &str) -> bool {
    let (core, rest) = match version.find(['-', '+']) {
        Some(i) => (&version[..i], &version[i..]),
        None => (version, ""),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let number_ok = |n: &&str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n.len() == 1 || !n.starts_with('0'));
    let extra_ok = rest.is_empty()
        || rest[1..].split(['.', '+', '-']).all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()));
    numbers.len() == 3 && numbers.iter().all(number_ok) && extra_ok && version.len() <= 50
}

/// The major version number.
pub fn major(version: &str) -> Option<u64> {
    version.split('.').next()?.parse().ok()
}

/// Reads the examples text: an array of examples, one object, or nothing.
pub fn parse_examples(text: &str) -> Result<Vec<Value>, FieldError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => Ok(items),
        Ok(other) => Ok(vec![other]),
        Err(e) => Err(FieldError::InvalidJson { line: e.line(), column: e.column() }),
    }
}

impl DataModelInput {
    /// Applies the rules that need no schema engine; all field errors at once.
    pub fn parse(&self) -> Result<DataModelDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut check = |field: &str, result: Result<(), FieldError>| {
            if let Err(e) = result {
                errors.entry(field.to_owned()).or_insert(e);
            }
        };
        let organisation = self.organisation.trim().to_owned();
        check("organisation", if is_slug(&organisation) { Ok(()) } else { Err(FieldError::Required) });
        let name = parse_text(&self.name, 2, 100);
        check("name", name.as_ref().map(|_| ()).map_err(Clone::clone));
        let slug = match self.slug.trim() {
            "" => slugify(name.as_deref().unwrap_or_default()),
            given => given.to_owned(),
        };
        check("slug", if is_slug(&slug) || name.is_err() { Ok(()) } else { Err(FieldError::InvalidSlug) });
        let short = parse_text(&self.short_description, 10, 150);
        check("short_description", short.as_ref().map(|_| ()).map_err(Clone::clone));
        check(
            "description",
            if self.description.chars().count() > 20_000 { Err(FieldError::TooLong { max: 20_000 }) } else { Ok(()) },
        );
        let domain = match self.domain.trim() {
            "" => Err(FieldError::Required),
            d => Domain::parse(d).ok_or(FieldError::InvalidChoice),
        };
        check("domain", domain.clone().map(|_| ()));
        let schema = match self.json_schema.trim() {
            "" => Err(FieldError::Required),
            text if text.len() > 262_144 => Err(FieldError::TooLong { max: 262_144 }),
            text => match serde_json::from_str::<Value>(text) {
                Ok(value @ Value::Object(_)) => Ok(value),
                Ok(_) => Err(FieldError::SchemaNotObject),
                Err(e) => Err(FieldError::InvalidJson { line: e.line(), column: e.column() }),
            },
        };
        check("json_schema", schema.as_ref().map(|_| ()).map_err(Clone::clone));
        let examples = if self.examples.len() > 262_144 { Err(FieldError::TooLong { max: 262_144 }) } else { parse_examples(&self.examples) };
        check("examples", examples.as_ref().map(|_| ()).map_err(Clone::clone));
        let version = self.version.trim().to_owned();
        check("version", if version.is_empty() { Err(FieldError::Required) } else if is_semver(&version) { Ok(()) } else { Err(FieldError::InvalidVersion) });
        let licence = parse_licence(&self.licence);
        check("licence", licence.as_ref().map(|_| ()).map_err(Clone::clone));
        let message = self.change_message.trim();
        check("change_message", if message.chars().count() > 500 { Err(FieldError::TooLong { max: 500 }) } else { Ok(()) });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(DataModelDraft {
            organisation,
            name: name.unwrap_or_default(),
            slug,
            short_description: short.unwrap_or_default(),
            description: self.description.trim().to_owned(),
            domain: domain.unwrap_or(Domain::Verwaltung),
            json_schema: schema.unwrap_or_default(),
            examples: examples.unwrap_or_default(),
            version,
            licence: licence.unwrap_or_default(),
            change_message: message.to_owned(),
        })
    }
}

/// The schema checks that need a JSON Schema engine (server only).
#[cfg(feature = "ssr")]
pub mod engine {
    use serde_json::Value;

    use crate::validation::{FieldError, FieldErrors};

    /// Which dialect a schema declares (draft 2020-12 when it declares none).
    fn draft_of(schema: &Value) -> Result<jsonschema::Draft, FieldError> {
        match schema.get("$schema").and_then(Value::as_str) {
            None => Ok(jsonschema::Draft::Draft202012),
            Some(uri) if uri.contains("2020-12") => Ok(jsonschema::Draft::Draft202012),
            Some(uri) if uri.contains("draft-07") => Ok(jsonschema::Draft::Draft7),
            Some(_) => Err(FieldError::UnsupportedDialect),
        }
    }

    /// Whether `$ref`s point outside the document (they are not fetched).
    fn remote_ref(schema: &Value) -> Option<String> {
        match schema {
            Value::Object(map) => map
                .iter()
                .find_map(|(k, v)| match (k.as_str(), v) {
                    ("$ref" | "$dynamicRef", Value::String(target)) if !target.starts_with('#') => Some(target.clone()),
                    _ => remote_ref(v),
                }),
            Value::Array(items) => items.iter().find_map(remote_ref),
            _ => None,
        }
    }

    /// Checks the schema itself; the compiled validator on success.
    pub fn compile(schema: &Value) -> Result<jsonschema::Validator, FieldError> {
        let draft = draft_of(schema)?;
        if let Some(target) = remote_ref(schema) {
            return Err(FieldError::RemoteRef { target });
        }
        let meta_ok = match draft {
            jsonschema::Draft::Draft7 => jsonschema::draft7::meta::validate(schema).map_err(|e| (e.instance_path().to_string(), e.to_string())),
            _ => jsonschema::draft202012::meta::validate(schema).map_err(|e| (e.instance_path().to_string(), e.to_string())),
        };
        if let Err((path, detail)) = meta_ok {
            return Err(FieldError::InvalidSchema { path, detail });
        }
        jsonschema::options()
            .with_draft(draft)
            .build(schema)
            .map_err(|e| FieldError::InvalidSchema { path: e.instance_path().to_string(), detail: e.to_string() })
    }

    /// Checks the schema and every example against it; errors as `json_schema` and
    /// `examples[i]` (the first problem of each example, with its path).
    pub fn check(schema: &Value, examples: &[Value]) -> FieldErrors {
        let mut errors = FieldErrors::new();
        match compile(schema) {
            Err(e) => {
                errors.insert("json_schema".into(), e);
            }
            Ok(validator) => {
                for (i, example) in examples.iter().enumerate() {
                    if let Some(error) = validator.iter_errors(example).next() {
                        errors.insert(
                            format!("examples[{i}]"),
                            FieldError::ExampleInvalid { index: i + 1, path: error.instance_path().to_string(), detail: error.to_string() },
                        );
                    }
                }
            }
        }
        errors
    }

    /// Every error of one payload against a schema: (JSON pointer, message).
    pub fn validate_payload(schema: &Value, payload: &Value) -> Result<Vec<(String, String)>, FieldError> {
        let validator = compile(schema)?;
        Ok(validator.iter_errors(payload).map(|e| (e.instance_path().to_string(), e.to_string())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> DataModelInput {
        DataModelInput {
            organisation: "stadt-ulm".into(),
            name: "Baumkataster".into(),
            short_description: "Bäume einer Stadt mit Art, Standort und Zustand".into(),
            domain: "umwelt".into(),
            json_schema: r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                "properties": {"art": {"type": "string"}, "hoehe_m": {"type": "number", "minimum": 0}}, "required": ["art"]}"#
                .into(),
            examples: r#"[{"art": "Linde", "hoehe_m": 12.5}]"#.into(),
            version: "1.0.0".into(),
            licence: "CC-BY-4.0".into(),
            ..DataModelInput::default()
        }
    }

    #[test]
    fn semantic_versions_are_recognised() {
        for ok in ["0.1.0", "1.0.0", "10.20.30", "1.0.0-beta.1", "1.0.0+build.5"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in ["1.0", "01.0.0", "1.0.0-", "v1.0.0", "1.0.0.0", ""] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn a_valid_model_parses_and_broken_fields_are_named() {
        let draft = valid().parse().unwrap();
        assert_eq!(draft.slug, "baumkataster");
        assert_eq!(draft.examples.len(), 1);
        let mut broken = valid();
        broken.json_schema = "{\"type\": ".into();
        broken.version = "1.0".into();
        broken.examples = "[1, 2".into();
        let errors = broken.parse().unwrap_err();
        assert!(matches!(errors.get("json_schema"), Some(FieldError::InvalidJson { line: 1, .. })));
        assert_eq!(errors.get("version"), Some(&FieldError::InvalidVersion));
        assert!(errors.contains_key("examples"));
        let mut array = valid();
        array.json_schema = "[]".into();
        assert_eq!(array.parse().unwrap_err().get("json_schema"), Some(&FieldError::SchemaNotObject));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn schemas_and_examples_are_checked_by_the_engine() {
        let draft = valid().parse().unwrap();
        assert!(engine::check(&draft.json_schema, &draft.examples).is_empty());
        let failing = vec![serde_json::json!({"hoehe_m": -3})];
        let errors = engine::check(&draft.json_schema, &failing);
        assert!(matches!(errors.get("examples[0]"), Some(FieldError::ExampleInvalid { index: 1, .. })), "{errors:?}");
        let not_a_schema = serde_json::json!({"type": "gibt-es-nicht"});
        assert!(matches!(engine::check(&not_a_schema, &[]).get("json_schema"), Some(FieldError::InvalidSchema { .. })));
        let remote = serde_json::json!({"properties": {"a": {"$ref": "https://example.org/schema.json"}}});
        assert!(matches!(engine::check(&remote, &[]).get("json_schema"), Some(FieldError::RemoteRef { .. })), "remote refs are not fetched");
        let draft7 = serde_json::json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "definitions": {}});
        assert!(engine::check(&draft7, &[]).is_empty());
        let paths = engine::validate_payload(&draft.json_schema, &serde_json::json!({"art": 5, "hoehe_m": "hoch"})).unwrap();
        let pointers: Vec<&str> = paths.iter().map(|(p, _)| p.as_str()).collect();
        assert!(pointers.contains(&"/art") && pointers.contains(&"/hoehe_m"), "{paths:?}");
    }
}
