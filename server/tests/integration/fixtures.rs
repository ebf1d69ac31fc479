//! Builders for test data: small, valid entries with the fields a test cares about.

use sqlx::PgPool;
use uuid::Uuid;

/// Inserts an organisation and returns its id.
pub async fn org(pool: &PgPool, slug: &str, name: &str, bundesland: Option<&str>) -> Uuid {
    sqlx::query_scalar(
        "insert into organisations (slug, name, kind, bundesland) values ($1, $2, 'stadt', $3) returning id",
    )
    .bind(slug)
    .bind(name)
    .bind(bundesland)
    .fetch_one(pool)
    .await
    .expect("insert organisation")
}

/// A solution with sensible defaults; override fields before calling [`SolutionBuilder::insert`].
pub struct SolutionBuilder {
    pub slug: String,
    pub name: String,
    pub organisation_id: Uuid,
    pub licence: String,
    pub status: String,
    pub categories: Vec<String>,
    pub created_at: String,
    pub forked_from: Option<Uuid>,
}

pub fn solution(organisation_id: Uuid, slug: &str, name: &str) -> SolutionBuilder {
    SolutionBuilder {
        slug: slug.to_owned(),
        name: name.to_owned(),
        organisation_id,
        licence: "EUPL-1.2".to_owned(),
        status: "stable".to_owned(),
        categories: vec!["collaboration".to_owned()],
        created_at: "2025-01-01T00:00:00Z".to_owned(),
        forked_from: None,
    }
}

impl SolutionBuilder {
    pub fn licence(mut self, licence: &str) -> Self {
        self.licence = licence.to_owned();
        self
    }
    pub fn status(mut self, status: &str) -> Self {
        self.status = status.to_owned();
        self
    }
    pub fn categories(mut self, categories: &[&str]) -> Self {
        self.categories = categories.iter().map(|c| (*c).to_owned()).collect();
        self
    }
    pub fn created(mut self, at: &str) -> Self {
        self.created_at = at.to_owned();
        self
    }
    pub fn fork_of(mut self, origin: Uuid) -> Self {
        self.forked_from = Some(origin);
        self
    }

    pub async fn insert(self, pool: &PgPool) -> Uuid {
        sqlx::query_scalar(
            r#"
            insert into solutions (slug, organisation_id, name, short_description, long_description, repository_url,
                                   licence, development_status, software_type, categories, maintenance_type,
                                   forked_from, created_at)
            values ($1, $2, $3, 'Eine kurze Beschreibung für Tests.', E'# Titel\n\nText mit **Markdown**.',
                    'https://gitlab.opencode.de/test/' || $1, $4, $5, 'standalone/web', $6, 'internal', $7,
                    $8::timestamptz)
            returning id
            "#,
        )
        .bind(&self.slug)
        .bind(self.organisation_id)
        .bind(&self.name)
        .bind(&self.licence)
        .bind(&self.status)
        .bind(&self.categories)
        .bind(self.forked_from)
        .bind(&self.created_at)
        .fetch_one(pool)
        .await
        .expect("insert solution")
    }
}

/// Records that `organisation_id` uses `solution_id`.
pub async fn adopt(pool: &PgPool, organisation_id: Uuid, solution_id: Uuid) {
    sqlx::query(
        "insert into adoptions (organisation_id, solution_id, status, since) values ($1, $2, 'production', '2025-03-01')",
    )
    .bind(organisation_id)
    .bind(solution_id)
    .execute(pool)
    .await
    .expect("insert adoption");
}

/// Inserts a small data model.
pub async fn data_model(
    pool: &PgPool,
    organisation_id: Uuid,
    slug: &str,
    name: &str,
    domain: &str,
) -> Uuid {
    sqlx::query_scalar(
        r#"
        insert into data_models (slug, organisation_id, name, short_description, description, domain, json_schema,
                                 examples, version, licence)
        values ($1, $2, $3, 'Ein Datenmodell für Tests.', 'Beschreibung', $4,
                '{"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "wert": {"type": "number"}}}',
                '[{"id": "a", "wert": 1}]', '1.0.0', 'CC-BY-4.0')
        returning id
        "#,
    )
    .bind(slug)
    .bind(organisation_id)
    .bind(name)
    .bind(domain)
    .fetch_one(pool)
    .await
    .expect("insert data model")
}

/// A search index in a fresh temporary directory, built from the database now. The
/// directory is left for the OS to clean (tests are short-lived).
pub async fn search_index(pool: &PgPool) -> allmende_server::search::SearchIndex {
    let dir = tempfile::tempdir().unwrap().keep();
    allmende_server::search::SearchIndex::open(&dir, pool, &|_, _| {})
        .await
        .unwrap()
}

/// A fresh directory under /tmp the `postgres` user can reach (the tests run as root and the
/// private cluster runs as `postgres`).
pub fn reachable_dir(prefix: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    dir
}
