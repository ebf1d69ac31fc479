//! Data of the publishing, history and comparison pages (the server loads it and puts it
//! into context, like the account pages).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::licences::LicenceVerdict;

/// The solution form: new (no slug) or editing an existing entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SolutionFormData {
    /// The slug of the entry being edited; `None` when publishing.
    pub editing: Option<String>,
    /// The organisations the person may publish for: (slug, name).
    pub organisations: Vec<(String, String)>,
    /// What the typed licence means (after a submission).
    pub licence: Option<LicenceVerdict>,
}

/// The data model form: new (no slug) or editing an existing entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataModelFormData {
    pub editing: Option<String>,
    pub organisations: Vec<(String, String)>,
}

/// One row of an entry's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevisionRow {
    pub number: i32,
    pub author: Option<String>,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

/// Data of a history page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryData {
    /// `loesungen` or `datenmodelle`: the path segment of the entry's pages.
    pub section: String,
    pub slug: String,
    pub name: String,
    pub revisions: Vec<RevisionRow>,
    /// Whether the viewer may edit (and so restore).
    pub can_edit: bool,
    pub archived: bool,
    /// Whether the viewer may archive (organisation admins).
    pub can_archive: bool,
}

/// A piece of a line diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// One changed field between two revisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
    /// For long texts (Markdown, schemas): the change line by line.
    pub lines: Option<Vec<DiffLine>>,
}

/// Data of a comparison page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareData {
    pub section: String,
    pub slug: String,
    pub name: String,
    pub from: i32,
    pub to: i32,
    pub changes: Vec<FieldChange>,
    pub can_edit: bool,
}

/// A line diff (longest common subsequence of lines).
pub fn diff_lines(before: &str, after: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    // Lengths of common subsequences of the suffixes.
    let mut table = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i] == b[j] {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(DiffLine::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            out.push(DiffLine::Removed(a[i].to_owned()));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j].to_owned()));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|l| DiffLine::Removed((*l).to_owned())));
    out.extend(b[j..].iter().map(|l| DiffLine::Added((*l).to_owned())));
    out
}

/// Fields that are compared line by line.
const LONG_FIELDS: &[&str] = &[
    "long_description",
    "long_description_en",
    "json_schema",
    "description",
    "examples",
];

/// The changed fields between two snapshots (JSON objects), in the order of `after`.
pub fn compare_snapshots(
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let (a, b) = (
        before.as_object().unwrap_or(&empty),
        after.as_object().unwrap_or(&empty),
    );
    let mut keys: Vec<&String> = b.keys().collect();
    keys.extend(a.keys().filter(|k| !b.contains_key(*k)));
    keys.into_iter()
        .filter(|k| k.as_str() != "change_message")
        .filter_map(|key| {
            let (old, new) = (
                a.get(key).unwrap_or(&serde_json::Value::Null),
                b.get(key).unwrap_or(&serde_json::Value::Null),
            );
            if old == new {
                return None;
            }
            let (before, after) = (display(old), display(new));
            let lines = LONG_FIELDS
                .contains(&key.as_str())
                .then(|| diff_lines(&before, &after));
            Some(FieldChange {
                field: key.clone(),
                before,
                after,
                lines,
            })
        })
        .collect()
}

/// A value as text: strings as they are, lists one item per line, objects as JSON.
fn display(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) if items.iter().all(|i| i.is_string()) => items
            .iter()
            .filter_map(|i| i.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_diffs_keep_common_lines() {
        let diff = diff_lines("a\nb\nc", "a\nx\nc\nd");
        assert_eq!(
            diff,
            [
                DiffLine::Same("a".into()),
                DiffLine::Removed("b".into()),
                DiffLine::Added("x".into()),
                DiffLine::Same("c".into()),
                DiffLine::Added("d".into())
            ]
        );
    }

    #[test]
    fn snapshots_are_compared_field_by_field() {
        let before = serde_json::json!({"name": "A", "tags": ["x"], "long_description": "eins\nzwei", "change_message": "m1"});
        let after = serde_json::json!({"name": "B", "tags": ["x"], "long_description": "eins\ndrei", "change_message": "m2"});
        let changes = compare_snapshots(&before, &after);
        assert_eq!(
            changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
            ["name", "long_description"]
        );
        assert!(changes[0].lines.is_none());
        assert!(
            changes[1]
                .lines
                .as_ref()
                .unwrap()
                .contains(&DiffLine::Added("drei".into()))
        );
    }
}

/// One described schema change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub text: String,
    pub breaking: bool,
}

/// Data of the compatibility page of a data model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompatibilityData {
    pub slug: String,
    pub name: String,
    /// The origin of a fork: (slug, name, organisation name) and the changes against it.
    pub origin: Option<(String, String, String)>,
    pub origin_changes: Vec<ChangeRow>,
    /// Versions compared (from, to) and their changes.
    pub versions: Option<(i32, i32)>,
    pub version_changes: Vec<ChangeRow>,
    /// All revision numbers, newest first.
    pub revisions: Vec<i32>,
}

/// Data of the payload check page of a data model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidateData {
    pub slug: String,
    pub name: String,
    pub payload: String,
    /// `None` before checking; the errors (path, message) after.
    pub result: Option<Result<Vec<(String, String)>, String>>,
}

/// An adoption as typed ("Wir nutzen das").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AdoptionInput {
    /// Slug of the adopting organisation.
    pub organisation: String,
    /// evaluating, pilot or production.
    pub status: String,
    /// `YYYY-MM-DD`.
    pub since: String,
    pub contact_name: String,
    pub contact_email: String,
    pub note: String,
}

/// One entry in a lineage tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LineageNode {
    /// Empty for an origin the public may not see (`public` false).
    pub slug: String,
    /// Empty for an origin the public may not see.
    pub name: String,
    /// Empty for an origin the public may not see.
    pub organisation: String,
    /// 0 for the root.
    pub depth: usize,
    /// The entry the tree was asked for.
    pub current: bool,
    /// Whether the public may see the entry. An entry hidden by moderation (or of a hidden
    /// organisation) appears only as the origin of visible forks, so the tree keeps its
    /// shape, and without slug, name or organisation: "Ursprung nicht öffentlich".
    pub public: bool,
}

impl LineageNode {
    /// The placeholder for an origin the public may not see, at `depth`.
    pub fn withheld(depth: usize) -> LineageNode {
        LineageNode {
            slug: String::new(),
            name: String::new(),
            organisation: String::new(),
            depth,
            current: false,
            public: false,
        }
    }
}

/// Data of the reuse page of an entry: fork, adopt, lineage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReuseData {
    pub section: String,
    pub slug: String,
    pub name: String,
    pub owner: String,
    /// The viewer's organisations (slug, name).
    pub organisations: Vec<(String, String)>,
    /// The viewer's organisations that already use the entry (slug).
    pub adopted_by: Vec<String>,
    pub lineage: Vec<LineageNode>,
}

/// A line of a reuse ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedEntry {
    pub slug: String,
    pub name: String,
    pub organisation: String,
    pub reuse_count: i64,
}

/// A recent reuse fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReuseEvent {
    /// `loesungen` or `datenmodelle`.
    pub section: String,
    pub slug: String,
    pub name: String,
    /// Who forked or adopted.
    pub organisation: String,
    pub at: chrono::NaiveDate,
}

/// Data of the reuse statistics page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReuseStats {
    pub top_solutions: Vec<RankedEntry>,
    pub top_data_models: Vec<RankedEntry>,
    /// (Bundesland code, reuse facts by organisations of that Land).
    pub by_state: Vec<(String, i64)>,
    pub newest_forks: Vec<ReuseEvent>,
    pub newest_adoptions: Vec<ReuseEvent>,
}
