//! Untrusted YAML into a small tree that remembers where every node stood.
//!
//! The events come from `saphyr-parser` (a maintained, pure-Rust YAML 1.2 parser that never
//! recurses on input depth); this module builds the tree itself with an explicit stack, so it
//! can enforce limits on nesting depth, on the number of nodes (aliases included, which stops
//! "billion laughs") and refuses duplicate keys and multiple documents. Plain scalars are
//! typed by the YAML 1.2 core schema: `yes`/`no`/`on`/`off` stay strings.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Deepest nesting accepted (publiccode.yml needs five levels).
pub const MAX_DEPTH: usize = 32;
/// Most nodes in one document, counting every expansion of an alias.
pub const MAX_NODES: usize = 50_000;

/// A scalar's type under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScalarType {
    Null,
    Bool(bool),
    Int,
    Float,
    Str,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// The text as written (after YAML unescaping and folding) and its resolved type.
    Scalar { text: String, kind: ScalarType },
    Seq(Vec<Node>),
    /// Entries in document order; keys are scalars (their text) with their own position.
    Map(Vec<(Key, Node)>),
}

/// A mapping key and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub line: usize,
    pub column: usize,
}

/// A node with its 1-based line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
    pub column: usize,
}

/// Why a text is not a usable YAML document.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl Node {
    /// The string value of a scalar that is not null.
    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { kind: ScalarType::Null, .. } => None,
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether the node is a null scalar (`~`, `null` or nothing).
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Scalar { kind: ScalarType::Null, .. })
    }

    /// A short German name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar { kind: ScalarType::Null, .. } => "leer",
            Value::Scalar { kind: ScalarType::Bool(_), .. } => "Wahrheitswert",
            Value::Scalar { kind: ScalarType::Int | ScalarType::Float, .. } => "Zahl",
            Value::Scalar { .. } => "Text",
            Value::Seq(_) => "Liste",
            Value::Map(_) => "Zuordnung",
        }
    }
}

/// Resolves a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(text: &str) -> ScalarType {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarType::Null,
        "true" | "True" | "TRUE" => return ScalarType::Bool(true),
        "false" | "False" | "FALSE" => return ScalarType::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" | ".nan" | ".NaN" | ".NAN" => {
            return ScalarType::Float;
        }
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    if digits(unsigned, 10)
        || text.strip_prefix("0o").is_some_and(|s| digits(s, 8))
        || text.strip_prefix("0x").is_some_and(|s| digits(s, 16))
    {
        return ScalarType::Int;
    }
    if is_core_float(unsigned) { ScalarType::Float } else { ScalarType::Str }
}

/// `( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit()))
                && (!int.is_empty() || !frac.is_empty())
        }
        None => !mantissa.is_empty() && mantissa.chars().all(|c| c.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok && s != "."
}

/// A collection under construction.
enum Open {
    Seq { items: Vec<Node>, anchor: usize, line: usize, column: usize },
    Map { entries: Vec<(Key, Node)>, pending_key: Option<Key>, anchor: usize, line: usize, column: usize },
}

fn position(span: &Span) -> (usize, usize) {
    (span.start.line(), span.start.col() + 1)
}

fn error_at(message: impl Into<String>, line: usize, column: usize) -> YamlError {
    YamlError { message: message.into(), line, column }
}

fn count_nodes(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Seq(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Map(entries) => 1 + entries.iter().map(|(_, v)| 1 + count_nodes(v)).sum::<usize>(),
    }
}

/// Parses one YAML document. An empty document gives `Ok(None)`.
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut nodes = 0usize;
    let mut documents = 0usize;
    let mut root: Option<Node> = None;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            let mark = e.marker();
            error_at(format!("Kein gültiges YAML: {}", e.info()), mark.line(), mark.col() + 1)
        })?;
        let (line, column) = position(&span);
        let finished: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(error_at("Mehrere YAML-Dokumente in einer Datei werden nicht unterstützt", line, column));
                }
                None
            }
            Event::Alias(id) => {
                let node = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| error_at("Verweis (Alias) auf einen unbekannten Anker", line, column))?;
                nodes += count_nodes(&node);
                Some((Node { line, column, ..node }, 0))
            }
            Event::Scalar(value, style, anchor, tag) => {
                let text = value.into_owned();
                let forced_string = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let kind = if style == ScalarStyle::Plain && !forced_string { resolve_plain(&text) } else { ScalarType::Str };
                nodes += 1;
                Some((Node { value: Value::Scalar { text, kind }, line, column }, anchor))
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::Seq { items: Vec::new(), anchor, line, column });
                None
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Open::Map { entries: Vec::new(), pending_key: None, anchor, line, column });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq { items, anchor, line, column }) => {
                    nodes += 1;
                    Some((Node { value: Value::Seq(items), line, column }, anchor))
                }
                _ => return Err(error_at("Unerwartetes Ende einer Liste", line, column)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map { entries, anchor, line, column, .. }) => {
                    nodes += 1;
                    Some((Node { value: Value::Map(entries), line, column }, anchor))
                }
                _ => return Err(error_at("Unerwartetes Ende einer Zuordnung", line, column)),
            },
        };
        if stack.len() > MAX_DEPTH {
            return Err(error_at(format!("Zu tief verschachtelt (höchstens {MAX_DEPTH} Ebenen)"), line, column));
        }
        if nodes > MAX_NODES {
            return Err(error_at(format!("Zu viele Einträge (höchstens {MAX_NODES}, Aliase mitgezählt)"), line, column));
        }
        let Some((node, anchor)) = finished else { continue };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map { entries, pending_key, .. }) => match pending_key.take() {
                None => {
                    let name = match &node.value {
                        Value::Scalar { text, .. } => text.clone(),
                        _ => return Err(error_at("Schlüssel müssen einfache Texte sein", node.line, node.column)),
                    };
                    if entries.iter().any(|(k, _)| k.name == name) {
                        return Err(error_at(format!("Der Schlüssel „{name}“ kommt doppelt vor"), node.line, node.column));
                    }
                    *pending_key = Some(Key { name, line: node.line, column: node.column });
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
    match root {
        Some(node) if node.is_null() => Ok(None),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(node: &Node) -> (&str, ScalarType) {
        match &node.value {
            Value::Scalar { text, kind } => (text, *kind),
            other => panic!("no scalar: {other:?}"),
        }
    }

    #[test]
    fn scalars_follow_the_yaml_1_2_core_schema() {
        let doc = parse("a: yes\nb: true\nc: 0.2\nd: \"0.2\"\ne: ~\nf: 12\ng: 2017-04-15\nh: !!str 3\n").unwrap().unwrap();
        let Value::Map(entries) = &doc.value else { panic!() };
        let kinds: Vec<_> = entries.iter().map(|(_, v)| scalar(v).1).collect();
        assert_eq!(
            kinds,
            [
                ScalarType::Str,
                ScalarType::Bool(true),
                ScalarType::Float,
                ScalarType::Str,
                ScalarType::Null,
                ScalarType::Int,
                ScalarType::Str,
                ScalarType::Str
            ]
        );
    }

    #[test]
    fn positions_are_one_based() {
        let doc = parse("name: x\nlist:\n  - a\n  - b\n").unwrap().unwrap();
        let Value::Map(entries) = &doc.value else { panic!() };
        assert_eq!((entries[1].0.line, entries[1].0.column), (2, 1));
        let Value::Seq(items) = &entries[1].1.value else { panic!() };
        assert_eq!((items[1].line, items[1].column), (4, 5));
    }

    #[test]
    fn duplicate_keys_and_several_documents_are_refused() {
        assert!(parse("a: 1\na: 2\n").unwrap_err().message.contains("doppelt"));
        assert!(parse("a: 1\n---\nb: 2\n").unwrap_err().message.contains("Mehrere"));
    }

    #[test]
    fn alias_bombs_and_deep_nesting_hit_the_limits() {
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let p = i - 1;
            bomb.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert!(parse(&bomb).unwrap_err().message.contains("Zu viele"));
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&deep).unwrap_err().message.contains("verschachtelt"));
    }

    #[test]
    fn broken_yaml_gives_a_position() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line >= 1, "{err:?}");
        assert!(parse("").unwrap().is_none());
    }
}
