//! The demo catalogue loads completely and only once.

use allmende_server::db::PgCatalogue;
use allmende_server::demo;
use app::service::Catalogue;
use sqlx::PgPool;

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_demo_catalogue_loads_once_with_everything_the_issue_asks_for(pool: PgPool) {
    let summary = demo::load_if_fresh(&pool)
        .await
        .unwrap()
        .expect("loads into an empty database");
    assert!(summary.organisations >= 30);
    assert!(summary.solutions >= 60);
    assert!(summary.data_models >= 20);
    assert!(summary.adoptions >= 1);
    assert!(demo::is_loaded(&pool).await.unwrap());
    assert!(
        demo::load_if_fresh(&pool).await.unwrap().is_none(),
        "never loaded twice"
    );

    let stats = PgCatalogue::new(pool.clone()).stats().await.unwrap();
    assert_eq!(stats.solutions as usize, summary.solutions);
    assert!(stats.forks >= 3);

    // Every entry has its first revision, and a fork of a fork exists.
    let without_revision: i64 = sqlx::query_scalar(
        "select count(*) from solutions s where not exists (select 1 from revisions r where r.solution_id = s.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(without_revision, 0);
    let grandchildren: i64 = sqlx::query_scalar(
        "select count(*) from solutions c join solutions p on p.id = c.forked_from where p.forked_from is not null",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(grandchildren >= 1);

    // Every demo data model shows a property table.
    let catalogue = PgCatalogue::new(pool.clone());
    let slugs: Vec<String> = sqlx::query_scalar("select slug from data_models")
        .fetch_all(&pool)
        .await
        .unwrap();
    for slug in slugs {
        let model = catalogue.data_model(&slug).await.unwrap().unwrap();
        assert!(model.properties.len() >= 3, "{slug} has a readable schema");
        assert!(!model.examples.is_empty(), "{slug} has an example");
    }
}

#[sqlx::test(migrator = "allmende_server::MIGRATOR")]
async fn the_demo_is_not_loaded_into_a_catalogue_that_already_has_data(pool: PgPool) {
    crate::fixtures::org(&pool, "stadt-ulm", "Stadt Ulm", Some("BW")).await;
    assert!(demo::load_if_fresh(&pool).await.unwrap().is_none());
}
