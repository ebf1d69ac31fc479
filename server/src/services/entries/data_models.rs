//! Publishing and editing data models: the same write path as solutions (authorisation,
//! revision with full snapshot, slug history), plus the schema checks: the JSON Schema must
//! be a valid schema and every example must conform, or nothing is saved.

use app::data_model_rules::{DataModelDraft, DataModelInput};

use super::{
    Entries, EntryError, EntryKind, add_version, editable_org, free_slug, remember_old_slug,
};
use crate::accounts::authz::{Action, Actor, allowed};
use crate::db;

impl Entries {
    /// The draft with the schema engine's verdict added (run off the async workers, within
    /// the checking service's budget).
    async fn checked(&self, input: &DataModelInput) -> Result<DataModelDraft, EntryError> {
        let draft = input.parse().map_err(EntryError::Invalid)?;
        let errors = self
            .checks
            .check_model(draft.json_schema.clone(), draft.examples.clone())
            .await;
        if errors.is_empty() {
            Ok(draft)
        } else {
            Err(EntryError::Invalid(errors))
        }
    }

    /// Publishes a data model; returns its slug.
    pub async fn create_data_model(
        &self,
        actor: &Actor,
        input: &DataModelInput,
    ) -> Result<String, EntryError> {
        let draft = self.checked(input).await?;
        let mut tx = self.pool.begin().await?;
        let org = editable_org(&mut tx, actor, &draft.organisation).await?;
        let slug = free_slug(
            &mut tx,
            EntryKind::DataModel,
            &draft.slug,
            !input.slug.trim().is_empty(),
            None,
        )
        .await?;
        let schema = schema_text(input, &draft);
        let id = db::data_models::save(&mut tx, None, &slug, org, &draft, &schema).await?;
        let snapshot = DataModelDraft {
            slug: slug.clone(),
            ..draft.clone()
        };
        add_version(
            &mut tx,
            EntryKind::DataModel,
            id,
            actor,
            &draft.change_message,
            "Veröffentlicht",
            &snapshot,
        )
        .await?;
        tx.commit().await?;
        Ok(slug)
    }

    /// Saves a new version of a data model; returns its (possibly new) slug.
    pub async fn update_data_model(
        &self,
        actor: &Actor,
        slug: &str,
        input: &DataModelInput,
    ) -> Result<String, EntryError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query!(
            "select id, organisation_id from data_models where slug = $1 for update",
            slug
        )
        .map(|r| (r.id, r.organisation_id))
        .fetch_optional(&mut *tx)
        .await?;
        let (id, owner) = row.ok_or(EntryError::NotFound)?;
        if !allowed(actor, Action::EditEntries, owner) {
            return Err(EntryError::Forbidden);
        }
        let draft = self.checked(input).await?;
        // Breaking changes need a new major version.
        let (old_schema, old_version): (serde_json::Value, String) = sqlx::query!(
            r#"select json_schema::jsonb as "json_schema!", version from data_models where id = $1"#,
            id
        )
        .map(|r| (r.json_schema, r.version))
        .fetch_one(&mut *tx)
        .await?;
        let changes = app::schema_diff::diff(&old_schema, &draft.json_schema);
        let old_major = app::data_model_rules::major(&old_version).unwrap_or(0);
        if let Some(first) = changes.iter().find(|c| c.breaking)
            && app::data_model_rules::major(&draft.version).unwrap_or(0) <= old_major
        {
            return Err(EntryError::Invalid(app::validation::FieldErrors::from([(
                "version".to_owned(),
                app::validation::FieldError::BreakingNeedsMajor {
                    count: changes.iter().filter(|c| c.breaking).count(),
                    first_de: first.describe(app::i18n::Lang::De),
                    first_en: first.describe(app::i18n::Lang::En),
                    next_major: old_major + 1,
                },
            )])));
        }
        let org = editable_org(&mut tx, actor, &draft.organisation).await?;
        let new_slug = if draft.slug == slug {
            slug.to_owned()
        } else {
            free_slug(&mut tx, EntryKind::DataModel, &draft.slug, true, Some(id)).await?
        };
        let schema = schema_text(input, &draft);
        db::data_models::save(&mut tx, Some(id), &new_slug, org, &draft, &schema).await?;
        if new_slug != slug {
            remember_old_slug(&mut tx, EntryKind::DataModel, slug, id).await?;
        }
        let snapshot = DataModelDraft {
            slug: new_slug.clone(),
            ..draft.clone()
        };
        add_version(
            &mut tx,
            EntryKind::DataModel,
            id,
            actor,
            &draft.change_message,
            "Bearbeitet",
            &snapshot,
        )
        .await?;
        tx.commit().await?;
        Ok(new_slug)
    }

    /// The current state of a data model as form input.
    pub async fn data_model_input(&self, slug: &str) -> Result<DataModelInput, EntryError> {
        let row = sqlx::query!(
            r#"
            select o.slug as org_slug, d.name, d.slug, d.short_description, d.description, d.domain,
                   d.json_schema::text as "json_schema!", d.examples::text as "examples!", d.version
            from data_models d join organisations o on o.id = d.organisation_id
            where d.slug = $1
            "#,
            slug,
        )
        .map(|r| {
            (
                r.org_slug,
                r.name,
                r.slug,
                r.short_description,
                r.description,
                r.domain,
                r.json_schema,
                r.examples,
                r.version,
            )
        })
        .fetch_optional(&self.pool)
        .await?;
        let (
            organisation,
            name,
            slug,
            short_description,
            description,
            domain,
            json_schema,
            examples,
            version,
        ) = row.ok_or(EntryError::NotFound)?;
        let licence: String =
            sqlx::query_scalar!("select licence from data_models where slug = $1", &slug,)
                .fetch_one(&self.pool)
                .await?;
        let pretty = |text: &str| {
            serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| text.to_owned())
        };
        // The schema keeps its authored text (stored as `json`, key order intact).
        Ok(DataModelInput {
            organisation,
            name,
            slug,
            short_description,
            description,
            domain,
            json_schema,
            examples: if examples.trim() == "[]" {
                String::new()
            } else {
                pretty(&examples)
            },
            version,
            licence,
            change_message: String::new(),
        })
    }

    /// Restores a data model to an old revision by saving it as a new revision.
    pub async fn restore_data_model(
        &self,
        actor: &Actor,
        slug: &str,
        number: i32,
    ) -> Result<String, EntryError> {
        self.authorize_edit(actor, EntryKind::DataModel, slug)
            .await?;
        let snapshot = self.snapshot(EntryKind::DataModel, slug, number).await?;
        let mut input = data_model_input_from_snapshot(&snapshot);
        input.slug = slug.to_owned();
        input.change_message = format!("Wiederhergestellt aus Version {number}");
        self.update_data_model(actor, slug, &input).await
    }
}

/// The schema as stored: the typed text when it parses to the same value (keeps the
/// authors' formatting and key order), else the compact serialisation.
fn schema_text(input: &DataModelInput, draft: &DataModelDraft) -> String {
    let typed = input.json_schema.trim();
    match serde_json::from_str::<serde_json::Value>(typed) {
        Ok(value) if value == draft.json_schema => typed.to_owned(),
        _ => draft.json_schema.to_string(),
    }
}

/// Form input from a stored data model snapshot.
pub fn data_model_input_from_snapshot(snapshot: &serde_json::Value) -> DataModelInput {
    DataModelInput {
        change_message: String::new(),
        ..app::form_fields::from_snapshot(snapshot)
    }
}
