//! Any bytes into the JSON Schema intake: read as JSON, compiled exactly as the server does
//! (app/src/data_model_rules/schema_guard.rs: linear-time patterns, size limits, the hidden
//! step counter) and used on payloads within the budget. It must never panic, hang or blow
//! up, and the counter must not change a verdict.
//!
//! Input: `[schema, payload, …]` checks the payloads against the schema; any other JSON value
//! is used as the schema and as its own payload.
#![no_main]
#![allow(dead_code)]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[path = "../../../app/src/data_model_rules/schema_guard.rs"]
mod schema_guard;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    let (schema, payloads) = match value {
        Value::Array(mut items) if items.len() >= 2 && items[0].is_object() => {
            let schema = items.remove(0);
            (schema, items)
        }
        other => (other.clone(), vec![other]),
    };
    let budget = schema_guard::Budget::standard();
    let budgeted = schema_guard::compile(&schema, Some(budget.clone()));
    let plain = schema_guard::compile(&schema, None);
    assert_eq!(budgeted.is_ok(), plain.is_ok(), "the counter changes whether a schema compiles");
    if let (Err(a), Err(b)) = (&budgeted, &plain) {
        assert_eq!(a, b, "the counter changes why a schema is refused");
    }
    let (Ok(budgeted), Ok(plain)) = (budgeted, plain) else { return };
    for payload in &payloads {
        if schema_guard::count_values(payload, schema_guard::MAX_PAYLOAD_VALUES).is_none() {
            continue;
        }
        let before = budget.used();
        let Ok(errors) = schema_guard::errors_within(&budgeted, payload, &budget) else { return };
        assert!(errors.len() <= schema_guard::MAX_ERRORS);
        // Without the counter nothing stops the work: compare only where it was small.
        if budget.used() - before < 50_000 {
            assert_eq!(plain.is_valid(payload), errors.is_empty(), "the counter changes the verdict");
        }
    }
});
