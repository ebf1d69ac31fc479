//! The database itself rejects bad data: lengths, slugs, enumerations, duplicates,
//! references, and the publiccode.yml rule on contractors.

use sqlx::PgPool;

use crate::fixtures;

/// Runs `sql` (one statement, `$1` bound to the organisation id) and returns the name of
/// the violated constraint, or panics when the insert succeeds.
async fn violated(pool: &PgPool, sql: &str, org: uuid::Uuid) -> String {
    match sqlx::query(sql).bind(org).execute(pool).await {
        Ok(_) => panic!("the database accepted: {sql}"),
        Err(sqlx::Error::Database(err)) => err
            .constraint()
            .map(str::to_owned)
            .unwrap_or_else(|| err.message().to_owned()),
        Err(other) => panic!("unexpected error: {other}"),
    }
}

const VALID: &str = r#"insert into solutions (slug, organisation_id, name, short_description, repository_url, licence,
    development_status, software_type, maintenance_type) values "#;

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn migrations_apply_and_a_valid_solution_is_accepted(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let sql = format!(
        "{VALID} ('gute-loesung', $1, 'Gute Lösung', 'Eine gültige Kurzbeschreibung.', 'https://example.org/r', 'EUPL-1.2', 'stable', 'standalone/web', 'internal')"
    );
    sqlx::query(&sql)
        .bind(org)
        .execute(&pool)
        .await
        .expect("valid solution is stored");
    let outbox: i64 =
        sqlx::query_scalar("select count(*) from search_outbox where entity_kind = 'solution'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(outbox, 1, "every write leaves a row in the search outbox");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_name_longer_than_100_characters_is_rejected(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let long = "x".repeat(101);
    let sql = format!(
        "{VALID} ('zu-lang', $1, '{long}', 'Eine gültige Kurzbeschreibung.', 'https://example.org/r', 'EUPL-1.2', 'stable', 'standalone/web', 'internal')"
    );
    assert_eq!(violated(&pool, &sql, org).await, "solutions_name_check");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn a_short_description_over_150_characters_is_rejected(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let long = "ä".repeat(151);
    let sql = format!(
        "{VALID} ('zu-lang', $1, 'Name', '{long}', 'https://example.org/r', 'EUPL-1.2', 'stable', 'standalone/web', 'internal')"
    );
    assert_eq!(
        violated(&pool, &sql, org).await,
        "solutions_short_description_check"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn bad_slugs_are_rejected(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    for slug in [
        "Gross",
        "mit leerzeichen",
        "-vorne",
        "hinten-",
        "dop--pelt",
        "a",
        "umlaut-ä",
    ] {
        let sql = format!(
            "{VALID} ('{slug}', $1, 'Name', 'Eine gültige Kurzbeschreibung.', 'https://example.org/r', 'EUPL-1.2', 'stable', 'standalone/web', 'internal')"
        );
        assert_eq!(
            violated(&pool, &sql, org).await,
            "slug_check",
            "slug {slug:?}"
        );
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn unknown_enum_values_are_rejected(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let cases = [
        (
            "'fertig', 'standalone/web', 'internal'",
            "solutions_development_status_check",
        ),
        (
            "'stable', 'webapp', 'internal'",
            "solutions_software_type_check",
        ),
        (
            "'stable', 'standalone/web', 'extern'",
            "solutions_maintenance_type_check",
        ),
    ];
    for (values, constraint) in cases {
        let sql = format!(
            "{VALID} ('enum-test', $1, 'Name', 'Eine gültige Kurzbeschreibung.', 'https://example.org/r', 'EUPL-1.2', {values})"
        );
        assert_eq!(violated(&pool, &sql, org).await, constraint);
    }
    let err =
        sqlx::query("insert into organisations (slug, name, kind) values ('x-y', 'X Y', 'firma')")
            .execute(&pool)
            .await
            .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("organisations_kind_check")
    );
    let id = fixtures::solution(org, "kategorie", "Kategorie")
        .insert(&pool)
        .await;
    let err = sqlx::query("update solutions set categories = array['sperrmuell'] where id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("solutions_categories_check")
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn duplicate_slugs_are_rejected(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    fixtures::solution(org, "doppelt", "Erste")
        .insert(&pool)
        .await;
    let sql = format!(
        "{VALID} ('doppelt', $1, 'Zweite', 'Eine gültige Kurzbeschreibung.', 'https://example.org/r', 'EUPL-1.2', 'stable', 'standalone/web', 'internal')"
    );
    assert_eq!(violated(&pool, &sql, org).await, "solutions_slug_key");
    let err = sqlx::query("insert into organisations (slug, name, kind) values ('stadt-ulm', 'Noch einmal Ulm', 'stadt')")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("organisations_slug_key")
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn urls_other_than_http_are_rejected(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    for url in [
        "javascript:alert(1)",
        "ftp://example.org/x",
        "data:text/html,hi",
        "https://",
    ] {
        let sql = format!(
            "{VALID} ('url-test', $1, 'Name', 'Eine gültige Kurzbeschreibung.', '{url}', 'EUPL-1.2', 'stable', 'standalone/web', 'internal')"
        );
        assert_eq!(
            violated(&pool, &sql, org).await,
            "web_url_check",
            "url {url}"
        );
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn ags_must_have_eight_digits_and_match_the_bundesland(pool: PgPool) {
    let err = sqlx::query("insert into organisations (slug, name, kind, bundesland, ags) values ('ulm', 'Ulm', 'stadt', 'BW', '0842100')")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("organisations_ags_check")
    );
    let err = sqlx::query("insert into organisations (slug, name, kind, bundesland, ags) values ('ulm', 'Ulm', 'stadt', 'BY', '08421000')")
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("organisations_ags_matches_bundesland")
    );
    sqlx::query("insert into organisations (slug, name, kind, bundesland, ags) values ('ulm', 'Ulm', 'stadt', 'BW', '08421000')")
        .execute(&pool)
        .await
        .expect("correct AGS accepted");
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn contractors_are_required_exactly_for_contract_maintenance(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let sql = format!(
        "{VALID} ('vertrag', $1, 'Name', 'Eine gültige Kurzbeschreibung.', 'https://example.org/r', 'EUPL-1.2', 'stable', 'standalone/web', 'contract')"
    );
    assert_eq!(
        violated(&pool, &sql, org).await,
        "solutions_contractors_iff_contract"
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn data_model_versions_must_be_semver_and_schemas_objects(pool: PgPool) {
    let org = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let base = r#"insert into data_models (slug, organisation_id, name, short_description, domain, json_schema, version, licence)
                  values ('modell', $1, 'Modell', 'Ein Datenmodell für Tests.', 'umwelt', "#;
    let cases = [
        (
            r#"'{"type":"object"}', '1.0', 'CC0-1.0')"#,
            "data_models_version_check",
        ),
        (
            r#"'[1,2]', '1.0.0', 'CC0-1.0')"#,
            "data_models_json_schema_check",
        ),
    ];
    for (rest, constraint) in cases {
        assert_eq!(
            violated(&pool, &format!("{base}{rest}"), org).await,
            constraint
        );
    }
    let err = sqlx::query(&format!(
        "{}{}",
        base.replace("'umwelt'", "'weltraum'"),
        r#"'{"type":"object"}', '1.0.0', 'CC0-1.0')"#
    ))
    .bind(org)
    .execute(&pool)
    .await
    .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("data_models_domain_check")
    );
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn an_organisation_adopts_an_entry_only_once(pool: PgPool) {
    let ulm = fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    let koeln = fixtures::org(&pool, "stadt-koeln", "Stadt Köln", Some("NW")).await;
    let id = fixtures::solution(ulm, "termine", "Termine")
        .insert(&pool)
        .await;
    fixtures::adopt(&pool, koeln, id).await;
    let err = sqlx::query("insert into adoptions (organisation_id, solution_id, status, since) values ($1, $2, 'pilot', '2025-01-01')")
        .bind(koeln)
        .bind(id)
        .execute(&pool)
        .await
        .unwrap_err();
    assert_eq!(
        err.as_database_error().unwrap().constraint(),
        Some("adoptions_solution_key")
    );
}
