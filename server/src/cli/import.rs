//! `allmende import --org SLUG PATH…`: imports publiccode.yml files and folders of them for
//! one organisation, with a progress bar and a summary of what was created, updated and
//! rejected (with the reasons).

use std::fmt;
use std::path::{Path, PathBuf};

use app::validation::NewOrganisation;
use sqlx::PgPool;

use crate::accounts::{AccountError, Accounts, Actor, Caller, Channel};
use crate::cli::admin::explain;
use crate::publiccode::MAX_BYTES;
use crate::services::import::{Importer, Outcome};

/// Deepest folder level searched.
const MAX_DEPTH: usize = 12;

/// What to import.
#[derive(Debug, Clone)]
pub struct ImportArgs {
    /// Slug of the organisation the solutions belong to.
    pub org: String,
    /// Create the organisation with this name if it does not exist.
    pub create_org: Option<String>,
    /// Kind of a created organisation (guessed from the name when absent).
    pub kind: Option<String>,
    /// Files, or folders searched for `*.yml` / `*.yaml`.
    pub paths: Vec<PathBuf>,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// What happened to each file.
#[derive(Debug, Default)]
pub struct Summary {
    /// The organisation, if this run created it.
    pub organisation_created: Option<String>,
    pub created: Vec<(PathBuf, String)>,
    pub updated: Vec<(PathBuf, String)>,
    pub rejected: Vec<(PathBuf, Vec<String>)>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(slug) = &self.organisation_created {
            writeln!(f, "Organisation angelegt: {slug}")?;
        }
        for (path, slug) in &self.created {
            writeln!(f, "angelegt      {}  →  /loesungen/{slug}", path.display())?;
        }
        for (path, slug) in &self.updated {
            writeln!(f, "aktualisiert  {}  →  /loesungen/{slug}", path.display())?;
        }
        for (path, reasons) in &self.rejected {
            writeln!(f, "abgelehnt     {}", path.display())?;
            for reason in reasons {
                writeln!(f, "                – {reason}")?;
            }
        }
        write!(
            f,
            "Ergebnis: {} angelegt, {} aktualisiert, {} abgelehnt.",
            self.created.len(),
            self.updated.len(),
            self.rejected.len()
        )
    }
}

/// The organisation kind a name suggests ("Stadt Ulm" → `stadt`).
pub fn kind_from_name(name: &str) -> Option<&'static str> {
    let lower = name.trim().to_lowercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| lower.starts_with(p));
    if starts(&["stadtwerke", "stadtwerk"]) {
        Some("stadtwerk")
    } else if starts(&[
        "stadt ",
        "landeshauptstadt",
        "hansestadt",
        "freie und hansestadt",
        "große kreisstadt",
        "universitätsstadt",
        "wissenschaftsstadt",
    ]) {
        Some("stadt")
    } else if starts(&["landkreis", "kreis ", "rhein-", "main-"]) || lower.ends_with("kreis") {
        Some("landkreis")
    } else if starts(&[
        "gemeinde",
        "markt ",
        "ortsgemeinde",
        "samtgemeinde",
        "verbandsgemeinde",
        "amt ",
    ]) {
        Some("gemeinde")
    } else if starts(&[
        "land ",
        "freistaat",
        "ministerium",
        "senatsverwaltung",
        "staatskanzlei",
    ]) {
        Some("land")
    } else if starts(&["zweckverband"]) {
        Some("zweckverband")
    } else if starts(&["bundes", "bund "]) {
        Some("bund")
    } else {
        None
    }
}

/// The files to import under `paths`, sorted, without hidden folders; symbolic links are
/// not followed.
pub fn collect_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                walk(&entry.path(), depth + 1, out)?;
            } else if kind.is_file() && (name.ends_with(".yml") || name.ends_with(".yaml")) {
                out.push(entry.path());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, 0, &mut out)?;
        } else {
            // A named file is imported whatever its name; a missing one is reported.
            std::fs::metadata(path)?;
            out.push(path.clone());
        }
    }
    Ok(out)
}

async fn ensure_organisation(pool: &PgPool, args: &ImportArgs) -> anyhow::Result<Option<String>> {
    let found: Option<(uuid::Uuid,)> =
        sqlx::query!("select id from organisations where slug = $1", &args.org,)
            .map(|r| (r.id,))
            .fetch_optional(pool)
            .await?;
    if found.is_some() {
        return Ok(None);
    }
    let Some(name) = &args.create_org else {
        anyhow::bail!(
            "Die Organisation „{}“ gibt es nicht. Mit --create-org \"Name\" wird sie angelegt. / No such organisation; --create-org \"Name\" creates it.",
            args.org
        );
    };
    let kind = match (&args.kind, kind_from_name(name)) {
        (Some(kind), _) => kind.clone(),
        (None, Some(kind)) => kind.to_owned(),
        (None, None) => anyhow::bail!(
            "Bitte die Art der Organisation mit --kind angeben (gemeinde, stadt, landkreis, land, bund, zweckverband, stadtwerk, it_dienstleister, verein)."
        ),
    };
    let org = NewOrganisation::parse(name, &kind, "", "", "")
        .map_err(|errors| explain(AccountError::Invalid(errors)))?;
    let slug = Accounts::new(pool.clone())
        .create_organisation_by_operator(&org, &args.org, Channel::Cli, &Caller::default())
        .await
        .map_err(explain)?;
    Ok(Some(slug))
}

/// Runs an import.
pub async fn run(pool: &PgPool, args: ImportArgs) -> anyhow::Result<Summary> {
    let files = collect_files(&args.paths)?;
    let mut summary = Summary {
        organisation_created: ensure_organisation(pool, &args).await?,
        ..Summary::default()
    };
    let importer = Importer::new(pool.clone());
    let bar = if args.progress {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("Import {bar:40} {pos}/{len} Dateien  {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let operator = Actor::operator();
    for path in files {
        bar.set_message(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        let bytes = match std::fs::read(&path) {
            Ok(bytes) if bytes.len() > MAX_BYTES => {
                summary.rejected.push((
                    path,
                    vec![format!(
                        "Die Datei ist größer als {} KiB.",
                        MAX_BYTES / 1024
                    )],
                ));
                bar.inc(1);
                continue;
            }
            Ok(bytes) => bytes,
            Err(err) => {
                summary
                    .rejected
                    .push((path, vec![format!("Nicht lesbar: {err}")]));
                bar.inc(1);
                continue;
            }
        };
        match importer
            .import(
                &operator,
                &args.org,
                &bytes,
                "Import per Kommandozeile (allmende import)",
            )
            .await
        {
            Ok(Outcome::Created { slug, .. }) => summary.created.push((path, slug)),
            Ok(Outcome::Updated { slug, .. }) => summary.updated.push((path, slug)),
            Err(crate::services::import::ImportError::Database(err)) => return Err(err.into()),
            Err(err) => summary.rejected.push((path, err.reasons())),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_kinds_follow_the_name() {
        assert_eq!(kind_from_name("Stadt Ulm"), Some("stadt"));
        assert_eq!(kind_from_name("Landeshauptstadt München"), Some("stadt"));
        assert_eq!(kind_from_name("Landkreis Harburg"), Some("landkreis"));
        assert_eq!(kind_from_name("Rhein-Sieg-Kreis"), Some("landkreis"));
        assert_eq!(kind_from_name("Gemeinde Weyarn"), Some("gemeinde"));
        assert_eq!(kind_from_name("Stadtwerke Jena"), Some("stadtwerk"));
        assert_eq!(kind_from_name("Dataport AöR"), None);
    }
}
