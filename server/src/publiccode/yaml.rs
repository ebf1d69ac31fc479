//! Untrusted YAML into a small tree that remembers where every node stood.
//!
//! The events come from `saphyr-parser` (a maintained, pure-Rust YAML 1.2 parser that never
//! recurses on input depth); this module builds the tree itself with an explicit stack, so it
//! can enforce limits and refuses duplicate keys and multiple documents. Plain scalars are
//! typed by the YAML 1.2 core schema: `yes`/`no`/`on`/`off` stay strings.
//!
//! The limits bound what the tree costs, not what the text looks like: an alias is a copy of
//! its anchor's node, so a few KiB of anchors referenced in chains ("billion laughs", or an
//! anchor holding a long text) would grow to gigabytes. Every node and every byte of scalar
//! and key text is charged to one budget ([`MAX_NODES`], [`MAX_EXPANDED_BYTES`]) — each alias
//! at its anchor's full weight, which is computed once when the anchor closes and kept with
//! it, and the copy kept for the anchor itself too — and the charge comes *before* the copy
//! is made. Nesting depth ([`MAX_DEPTH`]) and wall-clock time ([`MAX_PARSE_TIME`]) are bounded
//! as well.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Deepest nesting accepted (publiccode.yml needs five levels).
pub const MAX_DEPTH: usize = 32;
/// Most nodes in one document, counting every expansion of an alias and every anchor's copy.
pub const MAX_NODES: usize = 50_000;
/// Most text (scalar and key bytes) in one document, counted like [`MAX_NODES`]: four times the
/// largest accepted file, so an ordinary file never comes near it, however it uses anchors.
pub const MAX_EXPANDED_BYTES: usize = 4 * super::MAX_BYTES;
/// Longest one parse may take; a 256 KiB file takes milliseconds.
pub const MAX_PARSE_TIME: Duration = Duration::from_secs(2);
/// The clock is read once per this many events.
const EVENTS_PER_CLOCK_CHECK: usize = 256;

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
    Scalar {
        text: String,
        kind: ScalarType,
    },
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
    /// What is wrong, in German.
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// The limit the document exceeded, if that is the reason.
    pub limit: Option<Limit>,
}

/// A limit of the parser, each with its German message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Nested deeper than [`MAX_DEPTH`].
    Depth,
    /// More than [`MAX_NODES`] nodes.
    Nodes,
    /// More than [`MAX_EXPANDED_BYTES`] of text.
    Bytes,
    /// Took longer than [`MAX_PARSE_TIME`].
    Time,
}

impl Node {
    /// The string value of a scalar that is not null.
    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar {
                kind: ScalarType::Null,
                ..
            } => None,
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether the node is a null scalar (`~`, `null` or nothing).
    pub fn is_null(&self) -> bool {
        matches!(
            self.value,
            Value::Scalar {
                kind: ScalarType::Null,
                ..
            }
        )
    }

    /// A short German name of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar {
                kind: ScalarType::Null,
                ..
            } => "leer",
            Value::Scalar {
                kind: ScalarType::Bool(_),
                ..
            } => "Wahrheitswert",
            Value::Scalar {
                kind: ScalarType::Int | ScalarType::Float,
                ..
            } => "Zahl",
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
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => {
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
    if is_core_float(unsigned) {
        ScalarType::Float
    } else {
        ScalarType::Str
    }
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

/// What a node costs: itself and everything below it (a key counts as a scalar).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Weight {
    nodes: usize,
    bytes: usize,
}

impl Weight {
    const ONE_NODE: Weight = Weight { nodes: 1, bytes: 0 };

    fn plus(self, other: Weight) -> Weight {
        Weight {
            nodes: self.nodes.saturating_add(other.nodes),
            bytes: self.bytes.saturating_add(other.bytes),
        }
    }
}

/// The limits of one parse ([`LIMITS`] outside tests).
struct Limits {
    nodes: usize,
    bytes: usize,
    time: Duration,
}

const LIMITS: Limits = Limits {
    nodes: MAX_NODES,
    bytes: MAX_EXPANDED_BYTES,
    time: MAX_PARSE_TIME,
};

/// What one parse has spent so far.
struct Budget<'a> {
    limits: &'a Limits,
    spent: Weight,
    started: Instant,
    events: usize,
}

impl Budget<'_> {
    /// Charges `weight` (a node about to be built or copied), or refuses if it does not fit.
    fn charge(&mut self, weight: Weight, line: usize, column: usize) -> Result<(), YamlError> {
        let spent = self.spent.plus(weight);
        if spent.nodes > self.limits.nodes {
            let message = format!(
                "Zu viele Einträge (höchstens {}, Anker und Aliase mitgezählt)",
                self.limits.nodes
            );
            return Err(limit_error(Limit::Nodes, message, line, column));
        }
        if spent.bytes > self.limits.bytes {
            let message = format!(
                "Zu viel Text beim Auflösen von Ankern und Aliasen (höchstens {} KiB, jede Verwendung eines Alias \
                 voll gezählt)",
                self.limits.bytes / 1024
            );
            return Err(limit_error(Limit::Bytes, message, line, column));
        }
        self.spent = spent;
        Ok(())
    }

    /// Counts one event and, now and then, looks at the clock.
    fn tick(&mut self, line: usize, column: usize) -> Result<(), YamlError> {
        self.events += 1;
        if self.events.is_multiple_of(EVENTS_PER_CLOCK_CHECK)
            && self.started.elapsed() > self.limits.time
        {
            let message = format!(
                "Das Lesen der Datei dauert zu lange (höchstens {} Sekunden); bitte Anker, Aliase und \
                 Verschachtelung vereinfachen",
                self.limits.time.as_secs_f32()
            );
            return Err(limit_error(Limit::Time, message, line, column));
        }
        Ok(())
    }
}

/// A collection under construction, with the weight of what it holds so far.
enum Open {
    Seq {
        items: Vec<Node>,
        weight: Weight,
        anchor: usize,
        line: usize,
        column: usize,
    },
    Map {
        entries: Vec<(Key, Node)>,
        /// The keys so far, so a duplicate is found without a scan over all entries.
        keys: HashSet<String>,
        pending_key: Option<Key>,
        weight: Weight,
        anchor: usize,
        line: usize,
        column: usize,
    },
}

fn position(span: &Span) -> (usize, usize) {
    (span.start.line(), span.start.col() + 1)
}

fn error_at(message: impl Into<String>, line: usize, column: usize) -> YamlError {
    YamlError {
        message: message.into(),
        line,
        column,
        limit: None,
    }
}

fn limit_error(limit: Limit, message: String, line: usize, column: usize) -> YamlError {
    YamlError {
        limit: Some(limit),
        ..error_at(message, line, column)
    }
}

/// Parses one YAML document. An empty document gives `Ok(None)`.
pub fn parse(text: &str) -> Result<Option<Node>, YamlError> {
    parse_within(text, &LIMITS)
}

fn parse_within(text: &str, limits: &Limits) -> Result<Option<Node>, YamlError> {
    let mut stack: Vec<Open> = Vec::new();
    // Each anchor's node with its weight, computed once when the anchor's node was finished.
    let mut anchors: HashMap<usize, (Node, Weight)> = HashMap::new();
    let mut budget = Budget {
        limits,
        spent: Weight::default(),
        started: Instant::now(),
        events: 0,
    };
    let mut documents = 0usize;
    let mut root: Option<Node> = None;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            let mark = e.marker();
            error_at(
                format!("Kein gültiges YAML: {}", e.info()),
                mark.line(),
                mark.col() + 1,
            )
        })?;
        let (line, column) = position(&span);
        budget.tick(line, column)?;
        let finished: Option<(Node, Weight, usize)> = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(error_at(
                        "Mehrere YAML-Dokumente in einer Datei werden nicht unterstützt",
                        line,
                        column,
                    ));
                }
                None
            }
            Event::Alias(id) => {
                let (anchored, weight) = anchors.get(&id).ok_or_else(|| {
                    error_at("Verweis (Alias) auf einen unbekannten Anker", line, column)
                })?;
                // Charge the full expansion before copying anything.
                budget.charge(*weight, line, column)?;
                Some((
                    Node {
                        line,
                        column,
                        ..anchored.clone()
                    },
                    *weight,
                    0,
                ))
            }
            Event::Scalar(value, style, anchor, tag) => {
                let weight = Weight {
                    nodes: 1,
                    bytes: value.len(),
                };
                budget.charge(weight, line, column)?;
                // A double-quoted "\0" is a NUL character, which no stored text may hold.
                if value.contains('\0') {
                    return Err(error_at(
                        "Texte dürfen kein Nullzeichen (\\0) enthalten",
                        line,
                        column,
                    ));
                }
                let text = value.into_owned();
                let forced_string = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let kind = if style == ScalarStyle::Plain && !forced_string {
                    resolve_plain(&text)
                } else {
                    ScalarType::Str
                };
                Some((
                    Node {
                        value: Value::Scalar { text, kind },
                        line,
                        column,
                    },
                    weight,
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Open::Seq {
                    items: Vec::new(),
                    weight: Weight::ONE_NODE,
                    anchor,
                    line,
                    column,
                });
                None
            }
            Event::MappingStart(anchor, _) => {
                let (entries, keys, weight) = (Vec::new(), HashSet::new(), Weight::ONE_NODE);
                stack.push(Open::Map {
                    entries,
                    keys,
                    pending_key: None,
                    weight,
                    anchor,
                    line,
                    column,
                });
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq {
                    items,
                    weight,
                    anchor,
                    line,
                    column,
                }) => {
                    budget.charge(Weight::ONE_NODE, line, column)?;
                    Some((
                        Node {
                            value: Value::Seq(items),
                            line,
                            column,
                        },
                        weight,
                        anchor,
                    ))
                }
                _ => return Err(error_at("Unerwartetes Ende einer Liste", line, column)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map {
                    entries,
                    weight,
                    anchor,
                    line,
                    column,
                    ..
                }) => {
                    budget.charge(Weight::ONE_NODE, line, column)?;
                    Some((
                        Node {
                            value: Value::Map(entries),
                            line,
                            column,
                        },
                        weight,
                        anchor,
                    ))
                }
                _ => return Err(error_at("Unerwartetes Ende einer Zuordnung", line, column)),
            },
        };
        if stack.len() > MAX_DEPTH {
            let message = format!("Zu tief verschachtelt (höchstens {MAX_DEPTH} Ebenen)");
            return Err(limit_error(Limit::Depth, message, line, column));
        }
        let Some((node, weight, anchor)) = finished else {
            continue;
        };
        if anchor != 0 {
            // The anchor keeps its own copy: that costs as much as one more use.
            budget.charge(weight, line, column)?;
            anchors.insert(anchor, (node.clone(), weight));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq {
                items,
                weight: held,
                ..
            }) => {
                *held = held.plus(weight);
                items.push(node);
            }
            Some(Open::Map {
                entries,
                keys,
                pending_key,
                weight: held,
                ..
            }) => {
                *held = held.plus(weight);
                match pending_key.take() {
                    None => {
                        let Node {
                            value,
                            line,
                            column,
                        } = node;
                        let Value::Scalar { text: name, .. } = value else {
                            return Err(error_at(
                                "Schlüssel müssen einfache Texte sein",
                                line,
                                column,
                            ));
                        };
                        if !keys.insert(name.clone()) {
                            return Err(error_at(
                                format!("Der Schlüssel „{name}“ kommt doppelt vor"),
                                line,
                                column,
                            ));
                        }
                        *pending_key = Some(Key { name, line, column });
                    }
                    Some(key) => entries.push((key, node)),
                }
            }
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
        let doc =
            parse("a: yes\nb: true\nc: 0.2\nd: \"0.2\"\ne: ~\nf: 12\ng: 2017-04-15\nh: !!str 3\n")
                .unwrap()
                .unwrap();
        let Value::Map(entries) = &doc.value else {
            panic!()
        };
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
        let Value::Map(entries) = &doc.value else {
            panic!()
        };
        assert_eq!((entries[1].0.line, entries[1].0.column), (2, 1));
        let Value::Seq(items) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!((items[1].line, items[1].column), (4, 5));
    }

    #[test]
    fn duplicate_keys_and_several_documents_are_refused() {
        assert!(
            parse("a: 1\na: 2\n")
                .unwrap_err()
                .message
                .contains("doppelt")
        );
        assert!(
            parse("a: 1\n---\nb: 2\n")
                .unwrap_err()
                .message
                .contains("Mehrere")
        );
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

    /// `a: &a "x…"` (`text` bytes), then each further level a list of `width` uses of the one before.
    fn text_alias_chain(text: usize, width: usize, levels: usize) -> String {
        let mut doc = format!("l0: &l0 \"{}\"\n", "x".repeat(text));
        for i in 1..=levels {
            let uses = vec![format!("*l{}", i - 1); width].join(", ");
            doc.push_str(&format!("l{i}: &l{i} [{uses}]\n"));
        }
        doc
    }

    #[test]
    fn a_long_text_used_through_chains_of_aliases_is_refused_by_the_byte_budget() {
        // 10 KiB, then 100 KiB, 1 MiB, 10 MiB: few nodes, but the copies would hold 11 MiB.
        let chain = text_alias_chain(10 * 1024, 10, 3);
        assert!(chain.len() < 12 * 1024);
        let err = parse(&chain).unwrap_err();
        assert_eq!(err.limit, Some(Limit::Bytes), "{err:?}");
        assert!(
            err.message.contains("1024 KiB") && err.message.contains("Alias"),
            "{err:?}"
        );
        assert_eq!(err.line, 3, "the list that would pass 1 MiB: {err:?}");
    }

    #[test]
    fn an_alias_chain_that_would_grow_to_terabytes_is_refused_at_the_budget() {
        // 10 KiB · 10⁸: the budget stops it on the third line, before any large copy.
        let err = parse(&text_alias_chain(10 * 1024, 10, 8)).unwrap_err();
        assert_eq!((err.limit, err.line), (Some(Limit::Bytes), 3), "{err:?}");
    }

    #[test]
    fn a_document_with_a_few_aliases_still_parses() {
        let doc = "contact: &who\n  name: Petra Schmid\n  email: petra@ulm.de\n\
                   maintainers: [*who, *who]\nlanguages: &langs [de, en]\nalso: *langs\n";
        let root = parse(doc).unwrap().unwrap();
        let Value::Map(entries) = &root.value else {
            panic!()
        };
        let Value::Seq(maintainers) = &entries[1].1.value else {
            panic!()
        };
        assert_eq!(maintainers[1].value, entries[0].1.value);
        assert_eq!(
            (maintainers[1].line, maintainers[1].column),
            (4, 21),
            "an alias stands where it is used"
        );
        assert_eq!(entries[3].1.value, entries[2].1.value);
    }

    #[test]
    fn text_just_under_the_byte_budget_parses_and_just_over_is_refused() {
        let chain = |text| format!("a: &a \"{}\"\nb: [*a, *a]\n", "x".repeat(text));
        // The text, the anchor's copy and two uses: four times the text, and the keys `a` and `b`.
        let fits = (MAX_EXPANDED_BYTES - 2) / 4;
        assert!(parse(&chain(fits)).is_ok());
        assert_eq!(
            parse(&chain(fits + 1)).unwrap_err().limit,
            Some(Limit::Bytes)
        );
    }

    #[test]
    fn a_parse_that_overruns_its_time_budget_is_stopped_with_a_position() {
        let list = format!("[{}]", vec!["x"; 2 * EVENTS_PER_CLOCK_CHECK].join(", "));
        let no_time = Limits {
            time: Duration::ZERO,
            ..LIMITS
        };
        let err = parse_within(&list, &no_time).unwrap_err();
        assert_eq!(err.limit, Some(Limit::Time), "{err:?}");
        assert!(err.message.contains("dauert zu lange"), "{err:?}");
        assert_eq!(err.line, 1);
        assert!(err.column > 1, "{err:?}");
        assert!(parse(&list).is_ok());
    }

    #[test]
    fn a_nul_character_in_a_text_is_refused_with_its_position() {
        let err = parse("name: ok\nurl: \"a\\0b\"\n").unwrap_err();
        assert!(err.message.contains("Nullzeichen"), "{err:?}");
        assert_eq!(err.line, 2);
    }

    #[test]
    fn broken_yaml_gives_a_position() {
        let err = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line >= 1, "{err:?}");
        assert!(parse("").unwrap().is_none());
    }
}
