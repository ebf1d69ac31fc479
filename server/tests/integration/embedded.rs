//! The embedded PostgreSQL: initialised on first start, reused on the next, stopped on
//! shutdown — from the PostgreSQL binaries installed on the machine.

use allmende_server::embedded_pg::EmbeddedPostgres;
use sqlx::ConnectOptions;

#[tokio::test]
async fn the_private_cluster_starts_migrates_restarts_and_stops() {
    let bin = EmbeddedPostgres::find_bin_dir(None)
        .expect("PostgreSQL binaries are installed (scripts/test.sh installs them)");
    let dir = tempfile::Builder::new()
        .prefix("allmende-embedded-")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();

    let pg = EmbeddedPostgres::start(dir.path(), bin.clone())
        .await
        .expect("first start initialises the cluster");
    assert!(pg.cluster_dir().join("PG_VERSION").exists());
    let pool = sqlx::postgres::PgPoolOptions::new()
        .connect_with(pg.connect_options())
        .await
        .unwrap();
    allmende_server::MIGRATOR.run(&pool).await.unwrap();
    sqlx::query("insert into allmende_meta (key, value) values ('probe', 'bleibt')")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let cluster = pg.cluster_dir().to_owned();
    pg.stop().await.unwrap();
    assert!(!cluster.join("postmaster.pid").exists(), "server stopped");

    // Second start reuses the data.
    let pg = EmbeddedPostgres::start(dir.path(), bin)
        .await
        .expect("second start");
    let mut conn = pg.connect_options().connect().await.unwrap();
    let value: String = sqlx::query_scalar("select value from allmende_meta where key = 'probe'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(value, "bleibt");
    drop(conn);
    pg.stop().await.unwrap();
}
