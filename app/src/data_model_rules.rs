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

impl crate::form_fields::FormFields for DataModelInput {}

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
    let number_ok = |n: &&str| {
        !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && (n.len() == 1 || !n.starts_with('0'))
    };
    let extra_ok = rest.is_empty()
        || rest[1..]
            .split(['.', '+', '-'])
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()));
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
        Err(e) => Err(FieldError::InvalidJson {
            line: e.line(),
            column: e.column(),
        }),
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
        check(
            "organisation",
            if is_slug(&organisation) {
                Ok(())
            } else {
                Err(FieldError::Required)
            },
        );
        let name = parse_text(&self.name, 2, 100);
        check("name", name.as_ref().map(|_| ()).map_err(Clone::clone));
        let slug = match self.slug.trim() {
            "" => slugify(name.as_deref().unwrap_or_default()),
            given => given.to_owned(),
        };
        check(
            "slug",
            if is_slug(&slug) || name.is_err() {
                Ok(())
            } else {
                Err(FieldError::InvalidSlug)
            },
        );
        let short = parse_text(&self.short_description, 10, 150);
        check(
            "short_description",
            short.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        check(
            "description",
            crate::entry_rules::long_description(&self.description),
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
                Err(e) => Err(FieldError::InvalidJson {
                    line: e.line(),
                    column: e.column(),
                }),
            },
        };
        check(
            "json_schema",
            schema.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let examples = if self.examples.len() > 262_144 {
            Err(FieldError::TooLong { max: 262_144 })
        } else {
            parse_examples(&self.examples)
        };
        check(
            "examples",
            examples.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let version = self.version.trim().to_owned();
        check(
            "version",
            if version.is_empty() {
                Err(FieldError::Required)
            } else if is_semver(&version) {
                Ok(())
            } else {
                Err(FieldError::InvalidVersion)
            },
        );
        let licence = parse_licence(&self.licence);
        check(
            "licence",
            licence.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let message = self.change_message.trim();
        check(
            "change_message",
            if message.chars().count() > 500 {
                Err(FieldError::TooLong { max: 500 })
            } else {
                Ok(())
            },
        );
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

/// The bounded engine behind [`engine`]: limits, linear patterns and the step budget.
#[cfg(feature = "ssr")]
pub mod schema_guard;

/// The schema checks that need a JSON Schema engine (server only).
#[cfg(feature = "ssr")]
pub mod engine {
    use std::sync::Arc;

    use serde_json::Value;

    use super::schema_guard::{self, MAX_PATTERNS, MAX_SCHEMA_VALUES, Problem};
    pub use super::schema_guard::{Budget, MAX_PAYLOAD_VALUES, OverBudget, TIME_BUDGET};
    use crate::validation::{FieldError, FieldErrors};

    fn field_error(problem: Problem) -> FieldError {
        match problem {
            Problem::UnsupportedDialect => FieldError::UnsupportedDialect,
            Problem::RemoteRef { target } => FieldError::RemoteRef { target },
            Problem::TooComplex => FieldError::SchemaTooComplex {
                max_values: MAX_SCHEMA_VALUES,
                max_patterns: MAX_PATTERNS,
            },
            Problem::BacktrackingPattern { path } => FieldError::BacktrackingPattern { path },
            Problem::InvalidPattern { path } => FieldError::InvalidPattern { path },
            Problem::Invalid { path, detail } => FieldError::InvalidSchema { path, detail },
        }
    }

    fn over_budget() -> FieldError {
        FieldError::CheckOverBudget {
            seconds: TIME_BUDGET.as_secs(),
        }
    }

    /// Checks the schema itself; the compiled validator on success. Patterns run on a
    /// linear-time engine; look-around and back-references are refused. The validator has
    /// no step budget: for untrusted payloads use [`validate_payload`].
    pub fn compile(schema: &Value) -> Result<jsonschema::Validator, FieldError> {
        schema_guard::compile(schema, None).map_err(field_error)
    }

    /// Checks the schema and every example against it within `budget`; errors as
    /// `json_schema` and `examples[i]` (the first problem of each example, with its path),
    /// or `examples` when the examples are too large or the check ran out of budget.
    pub fn check(schema: &Value, examples: &[Value], budget: &Arc<Budget>) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let validator = match schema_guard::compile(schema, Some(budget.clone())) {
            Ok(validator) => validator,
            Err(problem) => {
                errors.insert("json_schema".into(), field_error(problem));
                return errors;
            }
        };
        let total = examples.iter().try_fold(0usize, |sum, e| {
            Some(sum + schema_guard::count_values(e, MAX_PAYLOAD_VALUES)?)
        });
        if total.is_none_or(|total| total > MAX_PAYLOAD_VALUES) {
            errors.insert(
                "examples".into(),
                FieldError::TooManyValues {
                    max: MAX_PAYLOAD_VALUES,
                },
            );
            return errors;
        }
        let first_errors: Result<Vec<_>, OverBudget> = examples
            .iter()
            .map(|example| schema_guard::first_error_within(&validator, example, budget))
            .collect();
        match first_errors {
            Ok(first_errors) => {
                for (i, error) in first_errors.into_iter().enumerate() {
                    if let Some((path, detail)) = error {
                        errors.insert(
                            format!("examples[{i}]"),
                            FieldError::ExampleInvalid {
                                index: i + 1,
                                path,
                                detail,
                            },
                        );
                    }
                }
            }
            Err(OverBudget) => {
                errors.insert("examples".into(), over_budget());
            }
        }
        errors
    }

    /// Every error of one payload against a schema (JSON pointer, message), within
    /// `budget`. Refused with [`FieldError::TooManyValues`] beyond [`MAX_PAYLOAD_VALUES`] and
    /// [`FieldError::CheckOverBudget`] when the budget ran out (the check stops there).
    pub fn validate_payload(
        schema: &Value,
        payload: &Value,
        budget: &Arc<Budget>,
    ) -> Result<Vec<(String, String)>, FieldError> {
        if schema_guard::count_values(payload, MAX_PAYLOAD_VALUES).is_none() {
            return Err(FieldError::TooManyValues {
                max: MAX_PAYLOAD_VALUES,
            });
        }
        let validator = schema_guard::compile(schema, Some(budget.clone())).map_err(field_error)?;
        schema_guard::errors_within(&validator, payload, budget).map_err(|OverBudget| over_budget())
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
        for ok in [
            "0.1.0",
            "1.0.0",
            "10.20.30",
            "1.0.0-beta.1",
            "1.0.0+build.5",
        ] {
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
        assert!(matches!(
            errors.get("json_schema"),
            Some(FieldError::InvalidJson { line: 1, .. })
        ));
        assert_eq!(errors.get("version"), Some(&FieldError::InvalidVersion));
        assert!(errors.contains_key("examples"));
        let mut array = valid();
        array.json_schema = "[]".into();
        assert_eq!(
            array.parse().unwrap_err().get("json_schema"),
            Some(&FieldError::SchemaNotObject)
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn schemas_and_examples_are_checked_by_the_engine() {
        let draft = valid().parse().unwrap();
        let check = |schema: &Value, examples: &[Value]| {
            engine::check(schema, examples, &engine::Budget::standard())
        };
        assert!(check(&draft.json_schema, &draft.examples).is_empty());
        let failing = vec![serde_json::json!({"hoehe_m": -3})];
        let errors = check(&draft.json_schema, &failing);
        assert!(
            matches!(
                errors.get("examples[0]"),
                Some(FieldError::ExampleInvalid { index: 1, .. })
            ),
            "{errors:?}"
        );
        let not_a_schema = serde_json::json!({"type": "gibt-es-nicht"});
        assert!(matches!(
            check(&not_a_schema, &[]).get("json_schema"),
            Some(FieldError::InvalidSchema { .. })
        ));
        let remote =
            serde_json::json!({"properties": {"a": {"$ref": "https://example.org/schema.json"}}});
        assert!(
            matches!(
                check(&remote, &[]).get("json_schema"),
                Some(FieldError::RemoteRef { .. })
            ),
            "remote refs are not fetched"
        );
        let draft7 = serde_json::json!({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "definitions": {}});
        assert!(check(&draft7, &[]).is_empty());
        let payload = serde_json::json!({"art": 5, "hoehe_m": "hoch"});
        let paths =
            engine::validate_payload(&draft.json_schema, &payload, &engine::Budget::standard())
                .unwrap();
        let pointers: Vec<&str> = paths.iter().map(|(p, _)| p.as_str()).collect();
        assert!(
            pointers.contains(&"/art") && pointers.contains(&"/hoehe_m"),
            "{paths:?}"
        );
    }

    #[cfg(feature = "ssr")]
    fn payload_errors(
        schema: &Value,
        payload: &Value,
    ) -> Result<Vec<(String, String)>, FieldError> {
        engine::validate_payload(schema, payload, &engine::Budget::standard())
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn catastrophic_patterns_run_in_linear_time_and_give_the_right_answer() {
        let started = std::time::Instant::now();
        let nested = serde_json::json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "^(a+)+$"}}});
        assert!(
            engine::compile(&nested).is_ok(),
            "a pattern without look-around or back-references is accepted"
        );
        let almost = format!("{}!", "a".repeat(50_000));
        let errors = payload_errors(&nested, &serde_json::json!({"a": almost})).unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "/a");
        assert!(
            payload_errors(&nested, &serde_json::json!({"a": "a".repeat(50_000)}))
                .unwrap()
                .is_empty()
        );
        let pairs = serde_json::json!({"pattern": "(x+x+)+y"});
        assert_eq!(
            payload_errors(&pairs, &Value::String("x".repeat(50_000)))
                .unwrap()
                .len(),
            1
        );
        assert!(
            payload_errors(&pairs, &Value::String(format!("{}y", "x".repeat(50_000))))
                .unwrap()
                .is_empty()
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn look_around_and_back_references_are_refused_with_the_pattern_pointer() {
        let schema = serde_json::json!({"type": "object", "properties": {"plz": {"type": "string", "pattern": "^(?=\\d)\\d{5}$"}}});
        let error = engine::check(&schema, &[], &engine::Budget::standard()).remove("json_schema");
        assert_eq!(
            error,
            Some(FieldError::BacktrackingPattern {
                path: "/properties/plz/pattern".into()
            })
        );
        let message = error.unwrap().message(crate::i18n::Lang::De);
        assert!(
            message.contains("/properties/plz/pattern")
                && message.contains("Rückverweise oder Lookaround"),
            "{message}"
        );
        let backref = serde_json::json!({"patternProperties": {"^(a)\\1$": {}}});
        assert!(
            matches!(engine::compile(&backref), Err(FieldError::BacktrackingPattern { path }) if path == "/patternProperties/^(a)\\1$")
        );
        let broken = serde_json::json!({"properties": {"x": {"pattern": "(unclosed"}}});
        assert_eq!(
            engine::compile(&broken).err(),
            Some(FieldError::InvalidPattern {
                path: "/properties/x/pattern".into()
            })
        );
        let huge = serde_json::json!({"pattern": "(\\w{100}){1000}"});
        assert!(
            matches!(
                engine::compile(&huge),
                Err(FieldError::InvalidPattern { .. })
            ),
            "patterns beyond the size limit are refused"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn exponential_schemas_are_stopped_by_the_budget_and_big_schemas_refused() {
        // Each definition tries the next one twice: 2^40 applications without a budget.
        let mut defs = serde_json::Map::new();
        for i in 0..40 {
            let next = format!("#/$defs/d{}", i + 1);
            defs.insert(
                format!("d{i}"),
                serde_json::json!({"anyOf": [{"$ref": next}, {"$ref": next}]}),
            );
        }
        defs.insert("d40".into(), serde_json::json!({"type": "string"}));
        let schema = serde_json::json!({"$defs": defs, "$ref": "#/$defs/d0"});
        let started = std::time::Instant::now();
        let result = payload_errors(&schema, &serde_json::json!(5));
        assert!(
            matches!(result, Err(FieldError::CheckOverBudget { .. })),
            "{result:?}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "took {:?}",
            started.elapsed()
        );
        assert!(
            payload_errors(&schema, &serde_json::json!("text"))
                .unwrap()
                .is_empty(),
            "the passing path stays cheap"
        );
        let errors = engine::check(
            &schema,
            &[serde_json::json!(5)],
            &engine::Budget::standard(),
        );
        assert!(
            matches!(
                errors.get("examples"),
                Some(FieldError::CheckOverBudget { .. })
            ),
            "{errors:?}"
        );

        let wide: serde_json::Map<String, Value> = (0..11_000)
            .map(|i| (format!("p{i}"), serde_json::json!({})))
            .collect();
        let too_big = serde_json::json!({"properties": wide});
        assert!(matches!(
            engine::compile(&too_big),
            Err(FieldError::SchemaTooComplex { .. })
        ));
        let many: serde_json::Map<String, Value> = (0..150)
            .map(|i| {
                (
                    format!("p{i}"),
                    serde_json::json!({"pattern": format!("^a{{{i}}}$")}),
                )
            })
            .collect();
        assert!(matches!(
            engine::compile(&serde_json::json!({"properties": many})),
            Err(FieldError::SchemaTooComplex { .. })
        ));
        let values: Vec<Value> = (0..25_000).map(Value::from).collect();
        let result = payload_errors(&serde_json::json!({"type": "array"}), &Value::Array(values));
        assert_eq!(
            result,
            Err(FieldError::TooManyValues {
                max: engine::MAX_PAYLOAD_VALUES
            })
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_hidden_counter_changes_no_verdict() {
        let schema = serde_json::json!({
            "type": "object", "required": ["a"], "additionalProperties": false,
            "properties": {"a": {"type": "string", "pattern": "^[0-9]{5}$"}, "b": {"enum": [{"k": 1}]}, "c": {"const": {"k": 1}},
                           "d": {"allOf": [{"type": "integer"}, {"minimum": 3}]}, "e": {"$ref": "#/properties/d/allOf/1"}},
            "$defs": {"unused": {"default": {"x": 1}}}
        });
        let pointers = |payload: Value| -> Vec<String> {
            payload_errors(&schema, &payload)
                .unwrap()
                .into_iter()
                .map(|(p, _)| p)
                .collect()
        };
        assert!(
            pointers(
                serde_json::json!({"a": "12345", "b": {"k": 1}, "c": {"k": 1}, "d": 4, "e": 3})
            )
            .is_empty()
        );
        assert_eq!(pointers(serde_json::json!({"a": "1234"})), vec!["/a"]);
        assert_eq!(
            pointers(serde_json::json!({"a": "12345", "b": {"k": 2}})),
            vec!["/b"]
        );
        assert_eq!(
            pointers(serde_json::json!({"a": "12345", "c": {"k": 1, "x-allmende-schritt": true}})),
            vec!["/c"]
        );
        assert_eq!(
            pointers(serde_json::json!({"a": "12345", "d": 2, "e": 1})),
            vec!["/d", "/e"]
        );
        assert_eq!(
            pointers(serde_json::json!({"a": "12345", "x": 1})),
            vec![""]
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn real_data_models_stay_within_the_limits() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/datamodels");
        let files = [
            "sdm/data-models/common-schema.json",
            "sdm/dataModel.Parking/OffStreetParking/schema.json",
            "sdm/dataModel.Parking/OnStreetParking/schema.json",
            "oparl/spec/branch-json-schema-draft-7/schema/Body.json",
        ];
        for file in files {
            let Ok(text) = std::fs::read_to_string(root.join(file)) else {
                continue;
            };
            let schema: Value = serde_json::from_str(&text).unwrap();
            assert!(
                !matches!(
                    engine::compile(&schema),
                    Err(FieldError::SchemaTooComplex { .. }
                        | FieldError::BacktrackingPattern { .. })
                ),
                "{file}"
            );
        }
    }
}
