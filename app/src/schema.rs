//! Reads a JSON Schema into a flat list of properties for the readable table on a data
//! model's page. Only local structure is read (no `$ref` is fetched).

use serde_json::Value;

use crate::model::SchemaProperty;

/// Deepest nesting shown in the table; deeper structures stay visible in the raw schema.
const MAX_DEPTH: usize = 4;

/// Flattens the `properties` of an object schema (recursing into nested objects and
/// array items) in document order.
pub fn properties(schema: &Value) -> Vec<SchemaProperty> {
    let mut out = Vec::new();
    walk(schema, "", 0, &mut out);
    out
}

fn walk(schema: &Value, prefix: &str, depth: usize, out: &mut Vec<SchemaProperty>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, prop) in props {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        out.push(SchemaProperty {
            path: path.clone(),
            depth,
            type_label: type_label(prop),
            required: required.contains(&name.as_str()),
            description: prop
                .get("description")
                .or_else(|| prop.get("title"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            allowed_values: prop
                .get("enum")
                .and_then(Value::as_array)
                .map(|values| values.iter().map(|v| v.to_string()).collect())
                .unwrap_or_default(),
        });
        walk(prop, &path, depth + 1, out);
        if let Some(items) = prop.get("items") {
            walk(items, &format!("{path}[]"), depth + 1, out);
        }
    }
}

/// `string (date-time)`, `array of object`, `integer | null`, `$ref: #/$defs/Adresse`.
fn type_label(prop: &Value) -> String {
    let base = match prop.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => {
            if let Some(r) = prop.get("$ref").and_then(Value::as_str) {
                return format!("$ref: {r}");
            }
            if prop.get("const").is_some() {
                return "const".to_owned();
            }
            if prop.get("enum").is_some() {
                return "enum".to_owned();
            }
            ["oneOf", "anyOf", "allOf"]
                .into_iter()
                .find(|k| prop.get(*k).is_some())
                .unwrap_or("any")
                .to_owned()
        }
    };
    let mut label = base;
    if let Some(format) = prop.get("format").and_then(Value::as_str) {
        label = format!("{label} ({format})");
    }
    if let Some(items) = prop.get("items") {
        label = format!("{label} of {}", type_label(items));
    }
    label
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_and_arrays_are_flattened_with_paths() {
        let schema = json!({
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "description": "Kennung"},
                "zeit": {"type": "string", "format": "date-time"},
                "status": {"type": "string", "enum": ["frei", "belegt"]},
                "ort": {"type": "object", "required": ["lat"], "properties": {"lat": {"type": "number"}}},
                "werte": {"type": "array", "items": {"type": "object", "properties": {"wert": {"type": ["number", "null"]}}}}
            }
        });
        let props = properties(&schema);
        let paths: Vec<&str> = props.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "id",
                "zeit",
                "status",
                "ort",
                "ort.lat",
                "werte",
                "werte[].wert"
            ]
        );
        assert!(props[0].required);
        assert_eq!(props[0].description.as_deref(), Some("Kennung"));
        assert_eq!(props[1].type_label, "string (date-time)");
        assert_eq!(props[2].allowed_values, ["\"frei\"", "\"belegt\""]);
        assert!(props[4].required);
        assert_eq!(props[4].depth, 1);
        assert_eq!(props[5].type_label, "array of object");
        assert_eq!(props[6].type_label, "number | null");
    }

    #[test]
    fn a_schema_without_properties_gives_an_empty_table() {
        assert!(properties(&json!({"type": "string"})).is_empty());
    }
}
