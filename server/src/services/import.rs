//! Import and export of publiccode.yml: validate a file, map it onto a solution, and create
//! it — or, when a solution with the same repository URL exists, save a new revision of that
//! one. The web page, the JSON API and the CLI all call [`Importer`].

pub mod export;
pub mod mapping;

use app::entry_rules::SolutionInput;
use app::i18n::Lang;
use app::import_report::ReportLine;
use app::validation::FieldErrors;
use sqlx::PgPool;

use crate::accounts::Actor;
use crate::publiccode::{self, Issue, Report};
use crate::services::entries::{Entries, EntryError};
pub use export::{ExportContext, to_yaml};
pub use mapping::{Mapped, to_input};

/// A solution that already has the file's repository URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub slug: String,
    pub name: String,
    pub organisation_slug: String,
    pub organisation_name: String,
}

/// Everything the import page shows before saving.
#[derive(Debug, Clone)]
pub struct Preview {
    pub report: Report,
    /// The entry as it would be saved (when the file is valid).
    pub mapped: Option<Mapped>,
    /// Catalogue rules the mapped entry breaks (on top of the standard's rules).
    pub rule_errors: FieldErrors,
    pub existing: Option<Existing>,
}

impl Preview {
    /// Whether importing would succeed (as far as the file and the rules go).
    pub fn importable(&self) -> bool {
        self.report.valid() && self.mapped.is_some() && self.rule_errors.is_empty()
    }

    /// The catalogue rule errors as (field, message).
    pub fn rule_messages(&self, lang: Lang) -> Vec<(String, String)> {
        self.rule_errors
            .iter()
            .map(|(field, e)| (field.clone(), e.message(lang)))
            .collect()
    }
}

/// The validator's findings as the import page and the API show them.
pub fn report_lines(issues: &[Issue]) -> Vec<ReportLine> {
    issues
        .iter()
        .map(|i| ReportLine {
            key: i.key.clone(),
            message: i.message.clone(),
            line: i.line,
            column: i.column,
        })
        .collect()
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Created { slug: String, notes: Vec<String> },
    Updated { slug: String, notes: Vec<String> },
}

impl Outcome {
    /// The solution's slug.
    pub fn slug(&self) -> &str {
        match self {
            Outcome::Created { slug, .. } | Outcome::Updated { slug, .. } => slug,
        }
    }
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file breaks the standard or the catalogue's rules.
    #[error("the file cannot be imported")]
    Rejected(Box<Preview>),
    /// A solution with this repository (`preview.existing`) belongs to an organisation the
    /// actor may not edit.
    #[error("the repository belongs to another organisation's solution")]
    Foreign(Box<Preview>),
    /// The actor may not publish for the organisation.
    #[error("forbidden")]
    Forbidden(Box<Preview>),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl ImportError {
    /// One German sentence per reason (for the CLI summary and API messages).
    pub fn reasons(&self) -> Vec<String> {
        match self {
            ImportError::Rejected(preview) => {
                let mut reasons: Vec<String> = preview
                    .report
                    .errors
                    .iter()
                    .map(|e| {
                        let key = if e.key.is_empty() { "Datei".to_owned() } else { e.key.clone() };
                        format!("{key} (Zeile {}): {}", e.line, e.message)
                    })
                    .collect();
                reasons.extend(preview.rule_messages(Lang::De).into_iter().map(|(field, message)| format!("{field}: {message}")));
                reasons
            }
            ImportError::Foreign(preview) => preview
                .existing
                .iter()
                .map(|existing| {
                    format!(
                        "Eine Lösung mit diesem Repository gibt es schon: „{}“ von {}. Nur deren Mitglieder können sie aktualisieren.",
                        existing.name, existing.organisation_name
                    )
                })
                .collect(),
            ImportError::Forbidden(_) => vec!["Sie dürfen für diese Organisation nicht veröffentlichen.".to_owned()],
            ImportError::Database(err) => vec![format!("Datenbankfehler: {err}")],
        }
    }
}

/// The repository URL as compared between a file and the catalogue: lower case, without a
/// trailing `/` or `.git`.
pub fn repository_key(url: &str) -> String {
    let lower = url.trim().to_lowercase();
    let mut key = lower.trim_end_matches('/');
    key = key.strip_suffix(".git").unwrap_or(key);
    key.trim_end_matches('/').to_owned()
}

/// The import service.
#[derive(Clone)]
pub struct Importer {
    pool: PgPool,
    entries: Entries,
}

impl Importer {
    /// The service on `pool`.
    pub fn new(pool: PgPool) -> Importer {
        Importer {
            entries: Entries::new(pool.clone()),
            pool,
        }
    }

    /// The importer saving through `entries` (with its payload checks).
    pub fn with_entries(pool: PgPool, entries: Entries) -> Importer {
        Importer { pool, entries }
    }

    /// The solution with this repository URL that an import for `organisation` updates, if
    /// any (archived ones too): one the public may see, or one of `organisation` itself (its
    /// members still manage entries hidden by moderation). A hidden entry of another
    /// organisation is never found, so the preview cannot name it.
    pub async fn existing(
        &self,
        repository_url: &str,
        organisation: &str,
    ) -> Result<Option<Existing>, sqlx::Error> {
        let row: Option<(String, String, String, String)> = sqlx::query!(
            r#"
            select s.slug, s.name, o.slug as org_slug, o.name as org_name
            from solutions s join organisations o on o.id = s.organisation_id
            where regexp_replace(lower(s.repository_url), '(\.git)?/*$', '') = $1
              and (o.slug = $2 or exists (select 1 from visible_solutions v where v.id = s.id))
            order by s.created_at
            limit 1
            "#,
            repository_key(repository_url),
            organisation
        )
        .map(|r| (r.slug, r.name, r.org_slug, r.org_name))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(
            |(slug, name, organisation_slug, organisation_name)| Existing {
                slug,
                name,
                organisation_slug,
                organisation_name,
            },
        ))
    }

    /// Validates and maps a file for `organisation` without saving anything.
    pub async fn preview(&self, organisation: &str, bytes: &[u8]) -> Result<Preview, sqlx::Error> {
        let report = validate_off_the_workers(bytes.to_vec()).await;
        let mut preview = Preview {
            report,
            mapped: None,
            rule_errors: FieldErrors::new(),
            existing: None,
        };
        let Some(document) = preview
            .report
            .document
            .as_ref()
            .filter(|_| preview.report.valid())
        else {
            return Ok(preview);
        };
        let existing = self.existing(&document.url, organisation).await?;
        let base = match &existing {
            Some(existing) => match self.entries.solution_input(&existing.slug).await {
                Ok(input) => input,
                Err(EntryError::Database(err)) => return Err(err),
                Err(_) => SolutionInput {
                    organisation: existing.organisation_slug.clone(),
                    ..SolutionInput::default()
                },
            },
            None => SolutionInput {
                organisation: organisation.to_owned(),
                ..SolutionInput::default()
            },
        };
        let mut mapped = to_input(document, base);
        mapped.input.change_message = "Import aus publiccode.yml".into();
        if let Err(errors) = mapped.input.parse() {
            preview.rule_errors = errors;
        }
        preview.mapped = Some(mapped);
        preview.existing = existing;
        Ok(preview)
    }

    /// Imports a file for `organisation`: creates the solution, or saves a new revision of
    /// the one with the same repository URL.
    pub async fn import(
        &self,
        actor: &Actor,
        organisation: &str,
        bytes: &[u8],
        change_message: &str,
    ) -> Result<Outcome, ImportError> {
        let preview = self.preview(organisation, bytes).await?;
        if !preview.importable() {
            return Err(ImportError::Rejected(Box::new(preview)));
        }
        let Some(mut mapped) = preview.mapped.clone() else {
            return Err(ImportError::Rejected(Box::new(preview)));
        };
        if !change_message.trim().is_empty() {
            mapped.input.change_message = change_message.trim().to_owned();
        }
        let result = match &preview.existing {
            Some(existing) => self
                .entries
                .update_solution(actor, &existing.slug, &mapped.input)
                .await
                .map(|slug| Outcome::Updated {
                    slug,
                    notes: mapped.notes.clone(),
                }),
            None => self
                .entries
                .create_solution(actor, &mapped.input)
                .await
                .map(|slug| Outcome::Created {
                    slug,
                    notes: mapped.notes.clone(),
                }),
        };
        result.map_err(|err| match err {
            EntryError::Forbidden if preview.existing.is_some() => {
                ImportError::Foreign(Box::new(preview))
            }
            EntryError::Forbidden | EntryError::NotFound => {
                ImportError::Forbidden(Box::new(preview))
            }
            EntryError::Invalid(errors) => ImportError::Rejected(Box::new(Preview {
                rule_errors: errors,
                ..preview
            })),
            EntryError::Database(err) => ImportError::Database(err),
        })
    }

    /// The publiccode.yml of a visible solution, or `None`.
    pub async fn export(
        &self,
        slug: &str,
        site_url: Option<&str>,
    ) -> Result<Option<String>, sqlx::Error> {
        let row: Option<(String, Option<String>)> = sqlx::query!(
            r#"
            select o.name, o.website
            from visible_solutions s join organisations o on o.id = s.organisation_id
            where s.slug = $1
            "#,
            slug
        )
        .map(|r| (r.name, r.website))
        .fetch_optional(&self.pool)
        .await?;
        let Some((organisation_name, organisation_website)) = row else {
            return Ok(None);
        };
        let input = match self.entries.solution_input(slug).await {
            Ok(input) => input,
            Err(EntryError::Database(err)) => return Err(err),
            Err(_) => return Ok(None),
        };
        let context = ExportContext {
            organisation_name,
            organisation_website,
            page_url: site_url
                .map(|base| format!("{}/loesungen/{slug}", base.trim_end_matches('/'))),
        };
        Ok(Some(to_yaml(&input, &context)))
    }
}

/// Validates a file on tokio's blocking pool: a parse is bounded (1 MiB expanded, 2 s) but
/// may still take that long, and must not hold up the request workers meanwhile.
pub async fn validate_off_the_workers(bytes: Vec<u8>) -> publiccode::Report {
    match tokio::task::spawn_blocking(move || publiccode::validate(&bytes)).await {
        Ok(report) => report,
        Err(err) => {
            tracing::error!(error = %err, "publiccode.yml validation failed");
            publiccode::Report::file_error("Die Datei konnte nicht geprüft werden.", 0, 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_keys_ignore_case_slashes_and_git_suffix() {
        assert_eq!(
            repository_key("https://GitLab.openCode.de/Ulm/Sperrmuell.git/"),
            "https://gitlab.opencode.de/ulm/sperrmuell"
        );
        assert_eq!(
            repository_key("https://gitlab.opencode.de/ulm/sperrmuell"),
            "https://gitlab.opencode.de/ulm/sperrmuell"
        );
    }
}
