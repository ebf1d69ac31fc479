#![recursion_limit = "512"]
//! The Allmende server: configuration, the embedded PostgreSQL, the data layer behind the
//! app's catalogue service, the services behind pages, API and CLI, and the HTTP layer.
//! `docs/ARCHITECTURE.md` draws the map.

// Below the HTTP layer, in groups: each group uses only the groups after it.
pub mod cli;
pub mod demo;
pub mod services;

pub mod accounts;
pub mod db;
pub mod search;

pub mod config;
pub mod embedded_pg;
pub mod proxies;
pub mod publiccode;

// The HTTP layer on top: routes, extractors, errors as responses, pages and the JSON API.
// Nothing above imports it (see `layers_depend_one_way` in `http/mod.rs`).
pub mod http;

use std::sync::Arc;

use app::service::CatalogueHandle;
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;

use crate::config::Config;
use crate::embedded_pg::{EmbeddedPostgres, ServeLock};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// Longest wait for a database connection: when the database is gone, requests fail fast
/// (503 with `Retry-After`) instead of hanging.
pub const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// The start-up error when `DATABASE_URL` accepts no connection: names the host and the
/// real cause (a pool only reports "pool timed out", so one direct attempt finds it).
async fn refused(options: &PgConnectOptions, err: sqlx::Error) -> anyhow::Error {
    use sqlx::ConnectOptions as _;
    let cause = match err {
        sqlx::Error::PoolTimedOut => {
            match tokio::time::timeout(ACQUIRE_TIMEOUT, options.connect()).await {
                Ok(Err(direct)) => direct.to_string(),
                Ok(Ok(_)) => {
                    "keine Verbindung innerhalb der Wartezeit / no connection in time".into()
                }
                Err(_) => format!(
                    "keine Antwort innerhalb von {} s / no answer within {} s",
                    ACQUIRE_TIMEOUT.as_secs(),
                    ACQUIRE_TIMEOUT.as_secs()
                ),
            }
        }
        other => other.to_string(),
    };
    let place = describe_host(options);
    anyhow::anyhow!(
        "Die Datenbank {place} (DATABASE_URL) nimmt keine Verbindung an. Läuft PostgreSQL dort, und stimmen Adresse, Port und Zugangsdaten? / \
         The database {place} (DATABASE_URL) refuses connections. Is PostgreSQL running there, and are host, port and credentials right? ({cause})"
    )
}

/// `host:port/database` of the options, for messages (never the password).
fn describe_host(options: &PgConnectOptions) -> String {
    format!(
        "{}:{}/{}",
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    )
}

/// A database connection and, for the embedded default, the private cluster in use.
pub struct Database {
    pub pool: PgPool,
    pub embedded: Option<EmbeddedPostgres>,
}

impl Database {
    /// For a command: connects to `DATABASE_URL`, or uses the private cluster in the data
    /// directory (a running server's, left running; else started for this command only).
    pub async fn open(config: &Config) -> anyhow::Result<Database> {
        Self::open_as(config, false).await
    }

    /// For the web server: like [`Database::open`], but with the private cluster it first
    /// locks the data directory (a second server on it is refused before it touches
    /// PostgreSQL) and keeps the cluster: restarts it if it dies, stops it in
    /// [`Database::close`].
    pub async fn open_for_serving(config: &Config) -> anyhow::Result<Database> {
        Self::open_as(config, true).await
    }

    async fn open_as(config: &Config, serving: bool) -> anyhow::Result<Database> {
        let pool_options = db::pool_options()
            .max_connections(16)
            .acquire_timeout(ACQUIRE_TIMEOUT);
        match config
            .database_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(url) => {
                let options: PgConnectOptions = url.parse().map_err(|e| {
                    anyhow::anyhow!(
                        "DATABASE_URL ist keine gültige PostgreSQL-Adresse / DATABASE_URL is not a valid PostgreSQL URL: {e}"
                    )
                })?;
                let pool = match pool_options.connect_with(options.clone()).await {
                    Ok(pool) => pool,
                    Err(err) => return Err(refused(&options, err).await),
                };
                Ok(Database {
                    pool,
                    embedded: None,
                })
            }
            None => {
                let lock = if serving {
                    Some(ServeLock::acquire(&config.data_dir).await?)
                } else {
                    None
                };
                let bin_dir = EmbeddedPostgres::find_bin_dir(config.pg_bin.as_deref())?;
                let embedded = match lock {
                    Some(lock) => {
                        EmbeddedPostgres::start_serving(&config.data_dir, bin_dir, lock).await?
                    }
                    None => EmbeddedPostgres::start(&config.data_dir, bin_dir).await?,
                };
                match pool_options.connect_with(embedded.connect_options()).await {
                    Ok(pool) => Ok(Database {
                        pool,
                        embedded: Some(embedded),
                    }),
                    Err(err) => {
                        let _ = embedded.stop().await;
                        Err(err.into())
                    }
                }
            }
        }
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool and is done with the private cluster, if any (see
    /// [`EmbeddedPostgres::stop`]: only its keeper stops it).
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close().await;
        if let Some(embedded) = self.embedded {
            embedded.stop().await?;
        }
        Ok(())
    }
}

/// The catalogue service on `pool` with the search index, ready to be provided as context.
pub fn catalogue(pool: PgPool, search: search::SearchIndex) -> CatalogueHandle {
    CatalogueHandle(Arc::new(db::PgCatalogue::with_search(pool, search)))
}

/// The catalogue service for anonymous reads: each read on a fresh streaming replica of
/// `reads` when there is one, else on the primary (see [`db::replicas`]).
pub fn replica_catalogue(
    reads: db::replicas::ReadPools,
    search: search::SearchIndex,
) -> CatalogueHandle {
    CatalogueHandle(Arc::new(db::PgCatalogue::on_replicas(reads, search)))
}
