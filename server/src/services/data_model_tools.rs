//! Data-model tools: the compatibility of a model with its fork origin and between its
//! versions, and the facts a payload check needs — for the pages and the JSON API alike.

use app::editing::{ChangeRow, CompatibilityData};
use app::i18n::Lang;
use app::schema_diff::{SchemaChange, diff};
use serde_json::Value;

use crate::services::entries::{Entries, EntryError, EntryKind};

/// A data model the public may see: its name, current schema, and its fork origin as
/// (slug, name, organisation, schema).
pub struct ModelFacts {
    pub name: String,
    pub schema: Value,
    pub origin: Option<(String, String, String, Value)>,
}

/// The schema changes of one model against another.
pub struct SchemaComparison {
    /// Slug of the model compared against.
    pub against: String,
    pub changes: Vec<SchemaChange>,
}

impl Entries {
    /// A visible data model's facts (`None`: no such model, or hidden).
    pub async fn model_facts(&self, slug: &str) -> Result<Option<ModelFacts>, EntryError> {
        let row = sqlx::query!(
            r#"
            select d.name as "name!", d.json_schema::jsonb as "schema!",
                   f.slug as "origin_slug?", f.name as "origin_name?",
                   fo.name as "origin_org?", f.json_schema::jsonb as "origin_schema?"
            from visible_data_models d
            left join visible_data_models f on f.id = d.forked_from
            left join organisations fo on fo.id = f.organisation_id
            where d.slug = $1
            "#,
            slug
        )
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|row| ModelFacts {
            name: row.name,
            schema: row.schema,
            origin: match (
                row.origin_slug,
                row.origin_name,
                row.origin_org,
                row.origin_schema,
            ) {
                (Some(s), Some(n), Some(o), Some(schema)) => Some((s, n, o, schema)),
                _ => None,
            },
        }))
    }

    /// The compatibility page of a model: changes against its origin and, with `versions`
    /// (from, to), between two of its revisions, described in `lang`.
    pub async fn compatibility(
        &self,
        slug: &str,
        versions: Option<(i32, i32)>,
        lang: Lang,
    ) -> Result<CompatibilityData, EntryError> {
        let facts = self.model_facts(slug).await?.ok_or(EntryError::NotFound)?;
        let revisions = self
            .revisions(EntryKind::DataModel, slug)
            .await?
            .into_iter()
            .map(|r| r.number)
            .collect();
        let mut version_changes = Vec::new();
        if let Some((from, to)) = versions {
            let before = self.snapshot(EntryKind::DataModel, slug, from).await?;
            let after = self.snapshot(EntryKind::DataModel, slug, to).await?;
            let empty = Value::Object(Default::default());
            version_changes = rows(
                &diff(
                    before.get("json_schema").unwrap_or(&empty),
                    after.get("json_schema").unwrap_or(&empty),
                ),
                lang,
            );
        }
        Ok(CompatibilityData {
            slug: slug.to_owned(),
            name: facts.name,
            origin_changes: facts
                .origin
                .as_ref()
                .map(|(_, _, _, origin)| rows(&diff(origin, &facts.schema), lang))
                .unwrap_or_default(),
            origin: facts.origin.map(|(s, n, o, _)| (s, n, o)),
            versions,
            version_changes,
            revisions,
        })
    }

    /// The schema changes of a model against `against`, or against its fork origin.
    /// `NotFound` when either model is missing or there is no origin to compare with.
    pub async fn schema_comparison(
        &self,
        slug: &str,
        against: Option<&str>,
    ) -> Result<SchemaComparison, EntryError> {
        let facts = self.model_facts(slug).await?.ok_or(EntryError::NotFound)?;
        let (against, against_schema) = match against {
            Some(other) => {
                let other_facts = self.model_facts(other).await?.ok_or(EntryError::NotFound)?;
                (other.to_owned(), other_facts.schema)
            }
            None => {
                let (origin, _, _, schema) = facts.origin.ok_or(EntryError::NotFound)?;
                (origin, schema)
            }
        };
        Ok(SchemaComparison {
            against,
            changes: diff(&against_schema, &facts.schema),
        })
    }
}

fn rows(changes: &[SchemaChange], lang: Lang) -> Vec<ChangeRow> {
    changes
        .iter()
        .map(|c| ChangeRow {
            text: c.describe(lang),
            breaking: c.breaking,
        })
        .collect()
}
