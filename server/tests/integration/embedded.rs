//! The embedded PostgreSQL: initialised on first start, reused on the next, stopped on
//! shutdown, left to the server that keeps it — from the PostgreSQL binaries installed on
//! the machine.

use allmende_server::embedded_pg::{EmbeddedPostgres, ServeLock};
use sqlx::ConnectOptions;

#[tokio::test]
async fn the_private_cluster_starts_migrates_restarts_and_stops() {
    let bin = EmbeddedPostgres::find_bin_dir(None)
        .expect("PostgreSQL binaries are installed (scripts/test.sh installs them)");
    let dir = crate::fixtures::reachable_dir("allmende-embedded-");

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

#[tokio::test]
async fn a_command_leaves_the_cluster_it_started_to_a_server_that_took_it_over() {
    let bin = EmbeddedPostgres::find_bin_dir(None).expect("PostgreSQL binaries are installed");
    let dir = crate::fixtures::reachable_dir("allmende-embedded-");

    // A command finds no server and starts the cluster; then a server starts beside it.
    let command = EmbeddedPostgres::start(dir.path(), bin.clone())
        .await
        .unwrap();
    let lock = ServeLock::acquire(dir.path()).await.unwrap();
    let server = EmbeddedPostgres::start_serving(dir.path(), bin, lock)
        .await
        .expect("the server uses the running cluster");
    assert!(
        matches!(
            ServeLock::acquire(dir.path()).await,
            Err(allmende_server::embedded_pg::EmbeddedPgError::AlreadyServing { .. })
        ),
        "one server per data directory"
    );

    command.stop().await.unwrap();
    let mut conn = server
        .connect_options()
        .connect()
        .await
        .expect("the command left the cluster running for the server");
    let one: i32 = sqlx::query_scalar("select 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(one, 1);
    drop(conn);

    let cluster = server.cluster_dir().to_owned();
    server.stop().await.unwrap();
    assert!(
        !cluster.join("postmaster.pid").exists(),
        "the server stopped the cluster it kept"
    );
}
