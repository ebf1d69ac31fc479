//! The bounded JSON Schema engine under [`super::engine`]: linear-time patterns, limits on
//! schema and payload size, and a step budget that stops a running check from inside.
//!
//! Depends only on `jsonschema`, `serde_json` and `std`, so that the fuzz target
//! (`server/fuzz/fuzz_targets/json_schema.rs`) compiles this very file.
//!
//! Why the work of one check is bounded: patterns run on the `regex` crate (no
//! backtracking; time linear in the text, each compiled pattern at most
//! [`REGEX_SIZE_LIMIT`] bytes), schemas have at most [`MAX_SCHEMA_VALUES`] JSON values,
//! payloads at most [`MAX_PAYLOAD_VALUES`], and every schema object carries a hidden
//! counter that runs each time the object is applied to a value. Past [`MAX_STEPS`]
//! applications, [`MAX_COPIED_BYTES`] copied into error reports or the deadline, the check
//! unwinds and reports [`OverBudget`]; nothing else runs after that. (Without the counter,
//! `anyOf` branches that `$ref` the same definitions make the work exponential in the
//! schema size, and `anyOf` error reports copy the value for every branch.)

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Most JSON values (objects, arrays, strings, numbers, …) a schema may have. The largest
/// real models we know (Smart Data Models' common schema) have under 1 000.
pub const MAX_SCHEMA_VALUES: usize = 10_000;
/// Most JSON values a checked payload (or all examples together) may have.
pub const MAX_PAYLOAD_VALUES: usize = 20_000;
/// Most different patterns (`pattern` values and `patternProperties` names) in a schema.
pub const MAX_PATTERNS: usize = 100;
/// Most bytes one compiled pattern may take (the `regex` crate's size limit).
pub const REGEX_SIZE_LIMIT: usize = 256 * 1024;
/// Most bytes of lazy-DFA cache per pattern.
pub const REGEX_DFA_SIZE_LIMIT: usize = 256 * 1024;
/// Most applications of schema objects to values in one check.
pub const MAX_STEPS: u64 = 2_000_000;
/// Most bytes of payload the engine may copy into error reports in one check (each error
/// carries a copy of the value it is about, and `anyOf` errors keep their branches' errors).
pub const MAX_COPIED_BYTES: u64 = 32 * 1024 * 1024;
/// Most errors listed for one payload.
pub const MAX_ERRORS: usize = 200;
/// Longest error message kept (longer ones are cut).
const MAX_MESSAGE_CHARS: usize = 500;
/// Longest time one check may run.
pub const TIME_BUDGET: Duration = Duration::from_secs(2);

/// The hidden keyword that counts applications (added to a copy of the schema only).
const STEP_KEYWORD: &str = "x-allmende-schritt";

/// Why a schema is not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// `$schema` names a dialect other than draft 2020-12 or draft-07.
    UnsupportedDialect,
    /// A `$ref` to another document.
    RemoteRef { target: String },
    /// More than [`MAX_SCHEMA_VALUES`] JSON values or [`MAX_PATTERNS`] different patterns.
    TooComplex,
    /// A pattern needs backtracking (look-around, back-references); `path` is its JSON pointer.
    BacktrackingPattern { path: String },
    /// A pattern is no regular expression, or too large once compiled.
    InvalidPattern { path: String },
    /// Not a valid schema otherwise.
    Invalid { path: String, detail: String },
}

/// A check ran out of steps, copied bytes or time and was stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget;

/// Steps, copies and time one check may use; shared with the schema's counter keyword.
#[derive(Debug)]
pub struct Budget {
    steps: AtomicU64,
    max_steps: u64,
    copied: AtomicU64,
    max_copied: u64,
    deadline: Instant,
    /// Bytes of each container in the payload (by address), to charge the copies.
    sizes: Mutex<HashMap<usize, u64>>,
}

impl Budget {
    /// A budget of `max_steps` applications, `max_copied` bytes and `time` from now.
    pub fn new(max_steps: u64, max_copied: u64, time: Duration) -> Arc<Budget> {
        Arc::new(Budget {
            steps: AtomicU64::new(0),
            max_steps,
            copied: AtomicU64::new(0),
            max_copied,
            deadline: Instant::now() + time,
            sizes: Mutex::new(HashMap::new()),
        })
    }

    /// The standard budget: [`MAX_STEPS`], [`MAX_COPIED_BYTES`] and [`TIME_BUDGET`].
    pub fn standard() -> Arc<Budget> {
        Budget::new(MAX_STEPS, MAX_COPIED_BYTES, TIME_BUDGET)
    }

    /// Applications counted so far.
    pub fn used(&self) -> u64 {
        self.steps.load(Ordering::Relaxed)
    }

    fn stop() -> ! {
        // `resume_unwind` skips the panic hook: no log noise, [`within`] catches it.
        std::panic::resume_unwind(Box::new(OverBudget))
    }

    /// Counts one application; unwinds when the steps or the time are spent.
    fn tick(&self) {
        let used = self.steps.fetch_add(1, Ordering::Relaxed);
        if used >= self.max_steps || (used.is_multiple_of(64) && Instant::now() >= self.deadline) {
            Budget::stop();
        }
    }

    /// Charges an application that may copy `instance` into an error report.
    fn charge(&self, instance: &Value) {
        let bytes = match instance {
            Value::String(text) => text.len() as u64 + 16,
            Value::Array(_) | Value::Object(_) => {
                let address = instance as *const Value as usize;
                self.sizes
                    .lock()
                    .map(|sizes| sizes.get(&address).copied().unwrap_or(16))
                    .unwrap_or(16)
            }
            _ => 16,
        };
        if self.copied.fetch_add(bytes, Ordering::Relaxed) + bytes > self.max_copied {
            Budget::stop();
        }
    }

    /// Notes the size of every container in `payload` (without recursion).
    fn measure(&self, payload: &Value) {
        let Ok(mut sizes) = self.sizes.lock() else {
            return;
        };
        // Post-order: a container's size is known once its children's are.
        let mut stack: Vec<(&Value, bool)> = vec![(payload, false)];
        let mut own: Vec<u64> = Vec::new();
        while let Some((value, children_done)) = stack.pop() {
            match value {
                Value::Array(_) | Value::Object(_) if !children_done => {
                    stack.push((value, true));
                    let children: Vec<&Value> = match value {
                        Value::Array(items) => items.iter().collect(),
                        Value::Object(map) => map.values().collect(),
                        _ => Vec::new(),
                    };
                    stack.extend(children.into_iter().map(|child| (child, false)));
                    own.push(u64::MAX); // marks where this container's children begin
                }
                Value::Array(_) | Value::Object(_) => {
                    let mut total = 16u64;
                    while let Some(size) = own.pop() {
                        if size == u64::MAX {
                            break;
                        }
                        total += size;
                    }
                    if let Value::Object(map) = value {
                        total += map.keys().map(|k| k.len() as u64 + 16).sum::<u64>();
                    }
                    sizes.insert(value as *const Value as usize, total);
                    own.push(total);
                }
                Value::String(text) => own.push(text.len() as u64 + 16),
                _ => own.push(16),
            }
        }
    }
}

/// Runs `work` under a budget: [`OverBudget`] if the counter stopped it; other panics go on.
pub fn within<T>(work: impl FnOnce() -> T) -> Result<T, OverBudget> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(value) => Ok(value),
        Err(payload) if payload.is::<OverBudget>() => Err(OverBudget),
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

struct StepCounter(Arc<Budget>);

impl<'i> jsonschema::Keyword<'i> for StepCounter {
    /// Called when errors are collected: counts and charges the possible copy.
    fn validate(&self, instance: &'i Value) -> Result<(), jsonschema::ValidationError<'i>> {
        self.0.tick();
        self.0.charge(instance);
        Ok(())
    }

    /// Called for yes/no checks, which copy nothing.
    fn is_valid(&self, _instance: &'i Value) -> bool {
        self.0.tick();
        true
    }
}

/// Every value in `root`, itself first, depth-first and without recursion (a payload or
/// schema may nest deeper than the stack allows). The one walk the limits below share.
pub fn values(root: &Value) -> impl Iterator<Item = &Value> {
    let mut stack = vec![root];
    std::iter::from_fn(move || {
        let next = stack.pop()?;
        match next {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
        Some(next)
    })
}

/// How many JSON values `value` holds, counting without recursion; `None` beyond `max`.
pub fn count_values(value: &Value, max: usize) -> Option<usize> {
    let count = values(value).take(max.saturating_add(1)).count();
    (count <= max).then_some(count)
}

/// How many different patterns a schema may compile: string values of `pattern` and the
/// names in `patternProperties` (counted wherever they stand, which over-counts at most).
fn count_patterns(schema: &Value) -> usize {
    let mut seen = std::collections::HashSet::new();
    for map in values(schema).filter_map(Value::as_object) {
        if let Some(Value::String(pattern)) = map.get("pattern") {
            seen.insert(pattern.as_str());
        }
        if let Some(Value::Object(patterns)) = map.get("patternProperties") {
            seen.extend(patterns.keys().map(String::as_str));
        }
    }
    seen.len()
}

/// Which dialect a schema declares (draft 2020-12 when it declares none).
fn draft_of(schema: &Value) -> Result<jsonschema::Draft, Problem> {
    match schema.get("$schema").and_then(Value::as_str) {
        None => Ok(jsonschema::Draft::Draft202012),
        Some(uri) if uri.contains("2020-12") => Ok(jsonschema::Draft::Draft202012),
        Some(uri) if uri.contains("draft-07") => Ok(jsonschema::Draft::Draft7),
        Some(_) => Err(Problem::UnsupportedDialect),
    }
}

/// The first `$ref` that points outside the document (they are not fetched); no recursion.
fn remote_ref(schema: &Value) -> Option<String> {
    values(schema).filter_map(Value::as_object).find_map(|map| {
        map.iter()
            .find_map(|(key, value)| match (key.as_str(), value) {
                ("$ref" | "$dynamicRef", Value::String(target)) if !target.starts_with('#') => {
                    Some(target.clone())
                }
                _ => None,
            })
    })
}

/// Whether a pattern uses syntax only a backtracking engine offers: look-ahead, look-behind
/// or back-references (`\1`, `\k<name>`).
pub fn needs_backtracking(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    let mut in_class = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let next = bytes.get(i + 1).copied().unwrap_or(0);
                if !in_class
                    && (next.is_ascii_digit() && next != b'0'
                        || next == b'k' && bytes.get(i + 2) == Some(&b'<'))
                {
                    return true;
                }
                i += 2;
                continue;
            }
            b'[' => in_class = true,
            b']' => in_class = false,
            b'(' if !in_class => {
                let rest = &pattern[i + 1..];
                if ["?=", "?!", "?<=", "?<!"]
                    .iter()
                    .any(|p| rest.starts_with(p))
                {
                    return true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// A copy of the schema in which every object that may act as a schema ends its `allOf`
/// with `{"x-allmende-schritt": true}`, the counter. jsonschema runs `allOf` before
/// `anyOf`, `oneOf`, `not`, `if` and `$ref`, so every application that fans out counts
/// first. Appending keeps the user's `allOf` indices (and `$ref`s into them) intact; values
/// of `enum`, `const`, `default`, `examples` and the name maps of `properties` & co. stay
/// untouched, so the copy accepts exactly what the original accepts.
fn instrumented(schema: &Value) -> Value {
    let counter = || serde_json::json!({ STEP_KEYWORD: true });
    let mut copy = schema.clone();
    let mut stack: Vec<(&mut Value, bool)> = vec![(&mut copy, true)];
    while let Some((value, is_schema)) = stack.pop() {
        if !is_schema {
            // A map of names to schemas.
            if let Value::Object(map) = value {
                stack.extend(map.values_mut().map(|child| (child, true)));
            }
            continue;
        }
        match value {
            Value::Object(map) => {
                if map.contains_key(STEP_KEYWORD) {
                    continue;
                }
                match map.get_mut("allOf") {
                    Some(Value::Array(items)) => items.push(counter()),
                    _ => {
                        map.insert("allOf".to_owned(), Value::Array(vec![counter()]));
                    }
                }
                for (key, child) in map.iter_mut() {
                    match key.as_str() {
                        "enum" | "const" | "default" | "examples" | "example" | "required"
                        | "dependentRequired" | "$vocabulary" => {}
                        "properties" | "patternProperties" | "$defs" | "definitions"
                        | "dependentSchemas" | "dependencies" => stack.push((child, false)),
                        _ => stack.push((child, true)),
                    }
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut().map(|child| (child, true))),
            _ => {}
        }
    }
    copy
}

/// The JSON pointer and text of a pattern the engine refused, if `error` is about one.
fn refused_pattern(error: &jsonschema::ValidationError<'_>) -> Option<(String, String)> {
    match error.kind() {
        jsonschema::error::ValidationErrorKind::Format { format } if format == "regex" => {
            let pattern = error.instance().as_str().unwrap_or_default().to_owned();
            Some((error.schema_path().to_string(), pattern))
        }
        _ => None,
    }
}

/// Checks a schema and compiles it; with `budget`, every application of the validator counts
/// against it (so run the validator inside [`within`]).
pub fn compile(
    schema: &Value,
    budget: Option<Arc<Budget>>,
) -> Result<jsonschema::Validator, Problem> {
    let draft = draft_of(schema)?;
    if count_values(schema, MAX_SCHEMA_VALUES).is_none() || count_patterns(schema) > MAX_PATTERNS {
        return Err(Problem::TooComplex);
    }
    if let Some(target) = remote_ref(schema) {
        return Err(Problem::RemoteRef { target });
    }
    let meta = match draft {
        jsonschema::Draft::Draft7 => jsonschema::draft7::meta::validate(schema),
        _ => jsonschema::draft202012::meta::validate(schema),
    };
    if let Err(e) = meta {
        return Err(Problem::Invalid {
            path: e.instance_path().to_string(),
            detail: e.to_string(),
        });
    }
    let options = || {
        let patterns = jsonschema::PatternOptions::regex()
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(REGEX_DFA_SIZE_LIMIT);
        jsonschema::options()
            .with_draft(draft)
            .with_pattern_options(patterns)
    };
    let refused = |e: jsonschema::ValidationError<'_>| match refused_pattern(&e) {
        Some((path, pattern)) if needs_backtracking(&pattern) => {
            Problem::BacktrackingPattern { path }
        }
        Some((path, _)) => Problem::InvalidPattern { path },
        None => Problem::Invalid {
            path: e.instance_path().to_string(),
            detail: e.to_string(),
        },
    };
    // The schema as written decides whether it is accepted (a `$ref` into the counter's
    // `allOf` entries must not resolve); the copy with counters only runs the checks.
    let plain = options().build(schema).map_err(refused)?;
    match budget {
        None => Ok(plain),
        Some(budget) => options()
            .with_keyword(STEP_KEYWORD, move |_, _, _| {
                Ok(Box::new(StepCounter(budget.clone())))
            })
            .build(&instrumented(schema))
            .map_err(refused),
    }
}

/// The first [`MAX_ERRORS`] errors of `payload` (JSON pointer, message), stopped at the
/// budget; `validator` must be compiled with the same `budget`. A cheap yes/no pass runs
/// first, so a valid payload never builds error reports.
pub fn errors_within(
    validator: &jsonschema::Validator,
    payload: &Value,
    budget: &Budget,
) -> Result<Vec<(String, String)>, OverBudget> {
    budget.measure(payload);
    within(|| {
        if validator.is_valid(payload) {
            return Vec::new();
        }
        validator
            .iter_errors(payload)
            .take(MAX_ERRORS)
            .map(|e| (e.instance_path().to_string(), short(e.to_string())))
            .collect()
    })
}

/// The first error of `payload`, if any, within the budget (as [`errors_within`]).
pub fn first_error_within(
    validator: &jsonschema::Validator,
    payload: &Value,
    budget: &Budget,
) -> Result<Option<(String, String)>, OverBudget> {
    budget.measure(payload);
    within(|| {
        if validator.is_valid(payload) {
            return None;
        }
        validator
            .iter_errors(payload)
            .next()
            .map(|e| (e.instance_path().to_string(), short(e.to_string())))
    })
}

/// A message cut to [`MAX_MESSAGE_CHARS`] (messages may quote the whole value).
fn short(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((end, _)) => format!("{} …", &message[..end]),
        None => message,
    }
}
